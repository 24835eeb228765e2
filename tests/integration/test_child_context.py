"""What the DSL must know about a child, through the real services: a child-on-child
concern writes each child's part to each child's file and nothing more, and links them;
the context is versioned, kept as history and added to the chronology, its withheld
address hidden from all but the DSLs; links are symmetric and removable, across schools
only by the trust lead; pattern thresholds refuse nonsense; the reviews due list case and
risk assessment reviews. Bad input is a 422 naming the field, with nothing stored."""

from datetime import timedelta
from typing import Any

import httpx

from contracts.case_v1 import CONTEXT_CHANGED, LINK_ADDED
from services.common.clock import uk_today
from tests.integration.conftest import Clients
from tests.support.api import School, bearer, eventually, token

HARASSMENT = {
    "categories": ["sexual_harassment", "child_on_child"],
    "description": "Told me a boy in Year 8 keeps grabbing her in the corridor.",
    "child_words": "He does it every day by the lockers and laughs.",
}
CONTEXT = {
    "social_worker": {"name": "Sam Okafor", "local_authority": "Worcestershire"},
    "plan": {"kind": "child_protection", "category": "neglect", "start_date": "2026-01-12"},
    "send": {"ehcp": True},
    "address": "Safe House, 1 Hidden Lane",
    "address_withheld": {"reason": "Mother and child are in a refuge."},
}


def _as(role: str, school: School, user: str | None = None) -> dict[str, str]:
    return bearer(token(user or f"{role}-1", role, school=school.school_id))


async def _chronology(clients: Clients, school: School, pupil: str) -> list[dict[str, Any]]:
    response = await clients.records.get(f"/v1/children/{pupil}/chronology", headers=school.dsl)
    return list(response.json()["entries"]) if response.status_code == 200 else []


async def _case(clients: Clients, school: School, pupil: str, **headers: str) -> httpx.Response:
    return await clients.case.get(f"/v1/children/{pupil}/case", headers=headers or school.dsl)


async def test_a_child_on_child_concern_writes_each_childs_part_to_each_file_and_nothing_more(
    clients: Clients, school: School
):
    victim, accused, witness = [await school.add_pupil() for _ in range(3)]
    raised = await school.raise_concern(
        victim,
        **HARASSMENT,
        other_pupils_involved=[
            {"pupil_id": accused, "part": "alleged_perpetrator"},
            {"pupil_id": witness, "part": "witness"},
        ],
    )
    assert raised.status_code == 202, raised.text
    concern_id = raised.json()["concern_id"]

    for pupil, part in ((accused, "alleged_perpetrator"), (witness, "witness")):
        entries = await eventually(
            lambda p=pupil: _chronology(clients, school, p),
            lambda found: len(found) == 2,  # their part, and the link to the incident
            timeout=30,
        )
        kinds = sorted((e["kind"], e["event_type"]) for e in entries)
        assert kinds == [("event", LINK_ADDED), ("involvement", "")], kinds
        [mine] = [e for e in entries if e["kind"] == "involvement"]
        assert mine["content"] == {
            "concern_id": concern_id,
            "part": part,
            "categories": ["sexual_harassment", "child_on_child"],
            "received_at": mine["content"]["received_at"],
        }
        text = str(entries)
        for words in ("lockers", "grabbing", "corridor", "body_map", "child_words"):
            assert words not in text, words
        case = (await _case(clients, school, pupil)).json()
        [link] = case["links"]
        assert (link["other_pupil_id"], link["kind"], link["part"]) == (
            victim,
            "same_incident",
            part,
        )

    victims = await eventually(
        lambda: _chronology(clients, school, victim), lambda found: len(found) == 3, timeout=30
    )
    [concern] = [e for e in victims if e["kind"] == "event" and e["source_id"] == concern_id]
    assert concern["content"]["child_words"] == HARASSMENT["child_words"]
    case = (await _case(clients, school, victim)).json()
    assert sorted(link["other_pupil_id"] for link in case["links"]) == sorted([accused, witness])


async def test_naming_a_pupil_not_on_the_roll_is_refused_naming_the_entry(
    clients: Clients, school: School
):
    pupil = await school.add_pupil()
    other = await school.add_pupil()
    raised = await school.raise_concern(
        pupil,
        other_pupils_involved=[
            {"pupil_id": other, "part": "victim"},
            {"pupil_id": "not-on-roll", "part": "witness"},
        ],
    )
    assert raised.status_code == 422, raised.text
    assert [d["field"] for d in raised.json()["detail"]] == ["other_pupils_involved.1.pupil_id"]
    mine = await clients.intake.get("/v1/concerns/mine", headers=school.staff)
    assert pupil not in mine.text


async def test_the_context_is_versioned_kept_and_its_withheld_address_is_for_the_dsls_only(
    clients: Clients, school: School
):
    pupil = await school.add_pupil()
    path = f"/v1/children/{pupil}/context"
    bad = await clients.case.put(
        path, json={**CONTEXT, "plan": {"kind": "child_protection"}}, headers=school.dsl
    )
    assert bad.status_code == 422 and bad.json()["detail"][0]["field"].startswith("plan")
    first = await eventually(
        lambda: clients.case.put(path, json=CONTEXT, headers=school.dsl),
        lambda r: r.status_code == 200,
        timeout=30,
    )
    again = await clients.case.put(path, json=CONTEXT, headers=school.dsl)
    changed = await clients.case.put(
        path, json={**CONTEXT, "young_carer": True}, headers=_as("deputy_dsl", school)
    )
    assert (first.json()["current"]["version"], again.json()["current"]["version"]) == (1, 1)
    current = changed.json()["current"]
    assert (current["version"], current["changed"], current["changed_by"]) == (
        2,
        ["young_carer"],
        "deputy_dsl-1",
    )
    assert [v["version"] for v in changed.json()["history"]] == [2, 1]

    case = (await _case(clients, school, pupil)).json()
    assert list(case)[3] == "context"  # first, after whose case it is
    assert case["context"]["context"]["address"] == "Safe House, 1 Hidden Lane"
    head = await clients.case.get(path, headers=_as("headteacher", school))
    assert head.status_code == 200
    assert "Hidden Lane" not in head.text and head.json()["current"]["context"]["address"] == (
        "withheld"
    )
    for outsider in (school.staff, bearer(token("dsl-9", "dsl", school="elsewhere"))):
        assert (await clients.case.get(path, headers=outsider)).status_code == 404

    entries = await eventually(
        lambda: _chronology(clients, school, pupil),
        lambda found: [e["event_type"] for e in found].count(CONTEXT_CHANGED) == 2,
        timeout=30,
    )
    assert [e["content"]["version"] for e in entries if e["event_type"] == CONTEXT_CHANGED] == [
        1,
        2,
    ]


async def test_links_are_symmetric_removable_and_across_schools_only_by_the_trust_lead(
    clients: Clients, school: School
):
    one, two = await school.add_pupil(), await school.add_pupil()
    post = f"/v1/children/{one}/links"
    body = {"other_pupil_id": two, "kind": "victim_of", "note": "Same form group."}
    headers = {**school.dsl, "Idempotency-Key": "link-1"}
    linked = await eventually(
        lambda: clients.case.post(post, json=body, headers=headers),
        lambda r: r.status_code == 201,
        timeout=30,
    )
    retried = await clients.case.post(post, json=body, headers=headers)
    assert retried.json()["link_id"] == linked.json()["link_id"]
    other_side = (await _case(clients, school, two)).json()["links"]
    assert [(link["other_pupil_id"], link["kind"]) for link in other_side] == [
        (one, "alleged_perpetrator_of")
    ]

    removed = await clients.case.post(
        f"/v1/children/{two}/links/{linked.json()['link_id']}/remove",
        json={"reason": "Recorded against the wrong child."},
        headers=school.dsl,
    )
    assert removed.status_code == 200, removed.text
    for pupil in (one, two):
        [link] = (await _case(clients, school, pupil)).json()["links"]
        assert (link["status"], link["removal_reason"]) == (
            "removed",
            "Recorded against the wrong child.",
        )

    sister = await School.register(clients.intake, trust_id=school.trust_id, name="Ash Academy")
    cousin = await sister.add_pupil()
    across = {"other_pupil_id": cousin, "kind": "sibling", "other_school_id": sister.school_id}
    refused = await clients.case.post(post, json=across, headers=school.dsl)
    assert refused.status_code == 403
    lead = bearer(token("lead-1", "trust_safeguarding_lead", trust=school.trust_id))
    by_lead = await eventually(
        lambda: clients.case.post(
            post, json=across, headers=lead, params={"school_id": school.school_id}
        ),
        lambda r: r.status_code == 201,
        timeout=30,
    )
    assert by_lead.json()["other_school_id"] == sister.school_id
    theirs = await clients.case.get(
        f"/v1/children/{cousin}/case", headers=lead, params={"school_id": sister.school_id}
    )
    assert [link["other_pupil_id"] for link in theirs.json()["links"]] == [one]
    stranger = bearer(token("lead-9", "trust_safeguarding_lead", trust="another-trust"))
    outside = await clients.case.post(
        post, json=across, headers=stranger, params={"school_id": school.school_id}
    )
    assert outside.status_code == 404
    staff = await clients.case.post(post, json=body, headers=school.staff)
    assert staff.status_code == 404


async def test_pattern_thresholds_refuse_nonsense_and_only_the_dsl_or_head_change_them(
    clients: Clients, school: School
):
    path = f"/v1/schools/{school.school_id}/pattern-rules"
    defaults = await eventually(
        lambda: clients.case.get(path, headers=school.admin), lambda r: r.status_code == 200
    )
    assert defaults.json()["defaults"] is True
    assert defaults.json()["rules"]["repeated_concerns"] == {
        "enabled": True,
        "count": 3,
        "window_days": 30,
    }
    rules = defaults.json()["rules"]
    zero = {**rules, "repeated_concerns": {"enabled": True, "count": 3, "window_days": 0}}
    refused = await clients.case.put(path, json=zero, headers=school.dsl)
    assert refused.status_code == 422
    assert refused.json()["detail"][0]["field"] == "repeated_concerns.window_days"

    stricter = {**rules, "police_notifications": {"enabled": True, "count": 2, "window_days": 180}}
    for who, status in (
        (_as("deputy_dsl", school), 403),
        (school.admin, 403),
        (bearer(token("dsl-9", "dsl", school="elsewhere")), 404),
        (_as("headteacher", school), 200),
    ):
        assert (await clients.case.put(path, json=stricter, headers=who)).status_code == status
    now = (await clients.case.get(path, headers=school.dsl)).json()
    assert (now["defaults"], now["updated_by"]) == (False, "headteacher-1")
    assert now["rules"]["police_notifications"]["window_days"] == 180


async def test_reviews_due_list_case_and_risk_assessment_reviews(clients: Clients, school: School):
    pupil = await school.add_pupil()
    raised = await school.raise_concern(pupil)
    concern_id = raised.json()["concern_id"]
    await eventually(
        lambda: _case(clients, school, pupil),
        lambda r: r.status_code == 200 and concern_id in r.json()["concern_ids"],
        timeout=30,
    )
    today = uk_today()
    review = await clients.case.put(
        f"/v1/children/{pupil}/case/review",
        json={"review_on": (today + timedelta(days=2)).isoformat(), "reason": "After CIN."},
        headers=school.dsl,
    )
    assert review.status_code == 200, review.text
    assessment = {
        "incident": "Pushed into a wall by an older pupil.",
        "concern_id": concern_id,
        "part": "victim",
        "risks": "Shared lunch hall.",
        "measures": [{"kind": "supervised_times", "detail": "Separate lunch sitting."}],
        "victim_wishes": "Wants to keep her friends at lunch.",
        "consulted": ["The pupil", "Her father"],
        "review_on": (today + timedelta(days=5)).isoformat(),
    }
    bad = await clients.case.post(
        f"/v1/children/{pupil}/risk-assessments",
        json={**assessment, "victim_wishes": None, "review_on": "2020-01-01"},
        headers=school.dsl,
    )
    assert bad.status_code == 422
    assert sorted(d["field"] for d in bad.json()["detail"]) == ["review_on", "victim_wishes"]
    recorded = await clients.case.post(
        f"/v1/children/{pupil}/risk-assessments", json=assessment, headers=school.dsl
    )
    assert recorded.status_code == 201, recorded.text

    due = await clients.case.get(
        "/v1/reviews",
        params={"due_before": (today + timedelta(days=7)).isoformat()},
        headers=_as("headteacher", school),
    )
    assert due.status_code == 200, due.text
    mine = [r for r in due.json()["reviews"] if r["pupil_id"] == pupil]
    assert [(r["kind"], r["overdue"]) for r in mine] == [
        ("case_review", False),
        ("risk_assessment_review", False),
    ]
    assert mine[1]["assessment_id"] == recorded.json()["assessment_id"]
    lead = bearer(token("lead-1", "trust_safeguarding_lead", trust=school.trust_id))
    trust_wide = await clients.case.get(
        "/v1/reviews", params={"due_before": (today + timedelta(days=7)).isoformat()}, headers=lead
    )
    assert {r["school_id"] for r in trust_wide.json()["reviews"]} == {school.school_id}
    staff = await clients.case.get(
        "/v1/reviews", params={"due_before": today.isoformat()}, headers=school.staff
    )
    assert staff.status_code == 404
