"""The world's newer kinds of object (tests/integration/tenant_world.py registers them after
its own): the child's context, a link to another child, a risk assessment and its review,
the school's pattern rules, the trust's allegation settings, and a concern about an adult
with its case worked to its outcome.

The adult case is about the target's own DSL, so it has *people*: its manager (the
headteacher), the trust safeguarding lead the trust named, and the deputy DSL the
headteacher named. Nobody else, the DSL above all, may see it whatever their role: its ids
and words are private markers (Site.private) and its ids have an audience
(Site.audiences), which the tenant matrix holds every call to.
"""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Any

import httpx

from contracts.envelope import utc_now
from tests.integration.tenant_world import Site, Who, World, Write, _ago, kind
from tests.support.api import eventually


async def _when_known(
    world: World, who: Who, service: str, template: str, body: Any, **params: str
) -> httpx.Response:
    """A write naming something the service learns of by event (422 until it does): sent
    again under the same Idempotency-Key until accepted, then recorded as the world's."""
    path = template.format(**params)
    headers = {**who.headers, "Idempotency-Key": uuid.uuid4().hex}
    answer = await eventually(
        lambda: world.http[service].post(path, json=body, headers=headers),
        lambda r: r.status_code < 300,
        timeout=60,
    )
    world.writes[(service, "POST", template)] = Write(
        service, "POST", template, path, body, who=who, answer=answer
    )
    return answer


@kind("the child's context")
async def _context(world: World, site: Site) -> None:
    since = (utc_now() - timedelta(days=30)).date().isoformat()
    context = {
        "social_worker": {"name": site.mark("Worker"), "local_authority": "Worcestershire"},
        "plan": {"kind": "child_protection", "category": "neglect", "start_date": since},
        "address": f"1 {site.mark('Lane')} Lane",
        "address_withheld": {"reason": "Mother and child are in a refuge."},
    }
    await world.write(
        world.at(site, "dsl"),
        "case",
        "PUT",
        "/v1/children/{pupil_id}/context",
        context,
        pupil_id=site.ids["pupil_id"],
    )


@kind("links: one kept, one removed")
async def _links(world: World, site: Site) -> None:
    dsl, template = world.at(site, "dsl"), "/v1/children/{pupil_id}/links"
    removed = {"other_pupil_id": site.ids["leaver_id"], "kind": "sibling", "note": "Same house."}
    made = await _when_known(world, dsl, "case", template, removed, pupil_id=site.ids["pupil_id"])
    await world.write(
        dsl,
        "case",
        "POST",
        "/v1/children/{pupil_id}/links/{link_id}/remove",
        {"reason": "Linked by mistake."},
        pupil_id=site.ids["pupil_id"],
        link_id=made.json()["link_id"],
    )
    kept = {
        "other_pupil_id": f"{site.label}-roll",
        "kind": "victim_of",
        "note": f"Same form group {site.mark('Link')}.",
    }
    made = await _when_known(world, dsl, "case", template, kept, pupil_id=site.ids["pupil_id"])
    site.ids["link_id"] = made.json()["link_id"]
    site.markers.add(site.ids["link_id"])


@kind("risk assessment and its review")
async def _risk_assessment(world: World, site: Site) -> None:
    dsl, today = world.at(site, "dsl"), utc_now().date()
    assessment = {
        "incident": f"Pushed into a wall {site.mark('Incident')}.",
        "concern_id": site.ids["concern_id"],
        "part": "victim",
        "risks": "Shared lunch hall.",
        "measures": [{"kind": "supervised_times", "detail": "Separate lunch sitting."}],
        "victim_wishes": "Wants to keep her friends at lunch.",
        "consulted": ["The pupil", "Her father"],
        "review_on": (today + timedelta(days=5)).isoformat(),
    }
    made = await world.write(
        dsl,
        "case",
        "POST",
        "/v1/children/{pupil_id}/risk-assessments",
        assessment,
        pupil_id=site.ids["pupil_id"],
    )
    site.ids["assessment_id"] = made.json()["assessment_id"]
    site.ids["due_before"] = (today + timedelta(days=30)).isoformat()
    site.markers.add(site.ids["assessment_id"])
    # Reviewed with no next date: the assessment ends, so reviewing it again is a conflict.
    await world.write(
        dsl,
        "case",
        "POST",
        "/v1/risk-assessments/{assessment_id}/reviews",
        {"summary": f"Settled {site.mark('Reviewed')}."},
        assessment_id=site.ids["assessment_id"],
    )


@kind("pattern rules")
async def _pattern_rules(world: World, site: Site) -> None:
    rules = {"police_notifications": {"enabled": True, "count": 2, "window_days": 180}}
    await world.write(
        world.at(site, "dsl"),
        "case",
        "PUT",
        "/v1/schools/{school_id}/pattern-rules",
        rules,
        school_id=site.school_id,
    )


@kind("allegation settings")
async def _allegation_settings(world: World, site: Site) -> None:
    lead = world.trust_wide(site, "trust_safeguarding_lead")
    await world.write(
        world.trust_wide(site, "admin"),
        "case",
        "PUT",
        "/v1/trusts/{trust_id}/allegation-settings",
        {"trust_lead_user_id": lead.user_id},
        trust_id=site.trust_id,
    )
    site.ids["trust_id"] = site.trust_id


@kind("a concern about the DSL, and its case worked to its outcome")
async def _adult_case(world: World, site: Site) -> None:
    reporter, subject = world.at(site, "staff"), world.at(site, "dsl")
    head, deputy = world.at(site, "headteacher"), world.at(site, "deputy_dsl")
    name, words = site.mark("Adult"), site.mark("AdultWords")
    concern = {
        "school_id": site.school_id,
        "subject": {"name": name, "role": "staff", "staff_user_id": subject.user_id},
        "occurred_at": _ago(hours=1),
        "description": f"Shouted at a pupil {words}.",
    }
    made = await world.write(reporter, "intake", "POST", "/v1/adult-concerns", concern)
    concern_id = made.json()["adult_concern_id"]
    site.ids["adult_concern_id"] = concern_id

    async def listed() -> list[dict[str, Any]]:
        return (await world.read(head, "case", "/v1/adult-cases"))["cases"]

    cases = await eventually(
        listed, lambda c: any(x["adult_concern_id"] == concern_id for x in c), timeout=60
    )
    case_id = next(c["case_id"] for c in cases if c["adult_concern_id"] == concern_id)
    site.ids["case_id"] = case_id
    people = {
        head.user_id,
        deputy.user_id,
        world.trust_wide(site, "trust_safeguarding_lead").user_id,
    }
    site.audiences |= {"case_id": people, "adult_concern_id": {reporter.user_id}}
    for marker in (name, words, case_id):
        site.private[marker] = people
    site.private[concern_id] = people | {reporter.user_id}
    site.markers |= {case_id, concern_id}
    await _work_the_case(world, site, head, deputy)


async def _work_the_case(world: World, site: Site, head: Who, deputy: Who) -> None:
    template = "/v1/adult-cases/{case_id}"
    case_id = site.ids["case_id"]
    await world.write(
        head,
        "case",
        "PUT",
        template + "/named-dsls",
        {"user_ids": [deputy.user_id]},
        case_id=case_id,
    )
    decision = {"criteria_met": ["harmed_child"], "reason": "A pupil was frightened."}
    await world.write(head, "case", "POST", template + "/decision", decision, case_id=case_id)
    # The LADO referral meets the deadline the decision starts (case sets it by event).
    await eventually(
        lambda: world.read(head, "case", f"/v1/adult-cases/{case_id}"),
        lambda c: bool(c["open_deadlines"]),
        timeout=60,
    )
    steps: list[tuple[str, dict[str, Any]]] = [
        ("/lado-referral", {"referred_at": _ago(minutes=5), "lado_name": "Pat Lado"}),
        ("/suspension", {"suspended_at": _ago(minutes=4), "reason": "Pending enquiries."}),
        ("/suspension/confirmation", {"sent_at": _ago(minutes=3)}),
        ("/outcome", {"outcome": "substantiated", "reason": "Seen by two colleagues."}),
    ]
    for path, body in steps:
        await world.write(head, "case", "POST", template + path, body, case_id=case_id)
