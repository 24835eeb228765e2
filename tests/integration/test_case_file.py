"""A DSL works a child's case through case's API against the real broker and store: every
step lands once in the child's chronology, also across a restart of records; racing
revisions and completions give one winner and a 409; bad input is refused naming the
field with nothing half-stored; another school's case is not found."""

import asyncio
from collections import Counter
from datetime import timedelta

from contracts.envelope import utc_now
from contracts.topology import CASE_STEPS
from tests.integration.case_desk import CaseDesk, ago
from tests.support.api import School, bearer, eventually, token, unique


async def _desk(clients, school: School) -> tuple[CaseDesk, str]:
    """A pupil with a concern raised by a teacher, and the case it opened."""
    desk = CaseDesk(clients.case, school, await school.add_pupil())
    raised = await school.raise_concern(desk.pupil_id)
    assert raised.status_code == 202, raised.text
    concern_id = raised.json()["concern_id"]
    await desk.opened_by(concern_id)
    return desk, concern_id


async def _case_steps(clients, school: School, pupil: str) -> Counter[str]:
    response = await clients.records.get(f"/v1/children/{pupil}/chronology", headers=school.dsl)
    assert response.status_code == 200, response.text
    return Counter(
        e["event_id"] for e in response.json()["entries"] if e["event_type"] in CASE_STEPS
    )


async def _published(mongo, school: School, pupil: str) -> list[str]:
    """The ids of every event the case's outbox holds."""
    case = await mongo("case").cases.find_one({"_id": f"{school.school_id}/{pupil}"})
    return [entry["event_id"] for entry in case["outbox"]]


async def _work_the_case(desk: CaseDesk, concern_id: str, *, first_half: bool) -> None:
    """Half the steps of a case, each answered as a success."""
    pupil = desk.pupil_id
    if first_half:
        decided = await desk.triage(concern_id)
        assert decided.status_code == 201, decided.text
        revised = await desk.triage(
            concern_id,
            decision="early_help",
            reason="Social care advise early help.",
            supersedes=decided.json()["triage_id"],
        )
        assert revised.status_code == 201, revised.text
        action = await desk.post(
            f"/v1/children/{pupil}/actions",
            {
                "title": "Meet mum",
                "owner_user_id": "teacher-1",
                "due_on": utc_now().date().isoformat(),
            },
        )
        assert action.status_code == 201, action.text
        done = await desk.post(
            f"/v1/actions/{action.json()['action_id']}/complete", {"note": "Met."}
        )
        assert done.status_code == 200, done.text
        note = await desk.post(
            f"/v1/children/{pupil}/notes",
            {
                "kind": "strategy_discussion",
                "occurred_at": ago(hours=1),
                "participants": ["Social worker", "DSL", "Police"],
                "summary": "Agreed a section 47 enquiry is not needed.",
            },
        )
        assert note.status_code == 201, note.text
        return
    referral = await desk.refer(concern_id, ago(hours=2))
    assert referral.status_code == 201, referral.text
    referral_id = referral.json()["referral_id"]
    feedback = await desk.post(
        f"/v1/referrals/{referral_id}/feedback",
        {"received_at": ago(minutes=10), "outcome": "early_help", "details": "Early help offered."},
    )
    assert feedback.status_code == 201, feedback.text
    escalation = await desk.post(
        f"/v1/referrals/{referral_id}/escalations",
        {"escalated_at": ago(minutes=5), "escalated_to": "MASH team manager", "outcome": "Upheld."},
    )
    assert escalation.status_code == 201, escalation.text
    review_on = (utc_now() + timedelta(days=14)).date().isoformat()
    review = await desk.case.put(
        f"/v1/children/{pupil}/case/review",
        json={"review_on": review_on, "reason": "After early help starts."},
        headers=desk.school.dsl,
    )
    assert review.status_code == 200, review.text
    closed = await desk.post(
        f"/v1/children/{pupil}/case/close",
        {"outcome": "early_help", "reason": "Early help in place; no further concerns."},
    )
    assert closed.status_code == 200, closed.text
    reopened = await desk.post(f"/v1/children/{pupil}/case/reopen", {"reason": "New information."})
    assert reopened.status_code == 200, reopened.text


async def test_every_step_lands_once_in_the_chronology_also_across_a_restart_of_records(
    clients, stack, school: School, mongo
):
    desk, concern_id = await _desk(clients, school)
    await _work_the_case(desk, concern_id, first_half=True)
    # records goes down mid-way (killed), the DSL carries on, records comes back.
    await asyncio.to_thread(stack["records"].kill)
    try:
        await _work_the_case(desk, concern_id, first_half=False)
    finally:
        await asyncio.to_thread(stack["records"].start)

    published = await _published(mongo, school, desk.pupil_id)
    assert len(published) == 11  # 2 decisions, action added and done, note, referral,
    # feedback, escalation, review, closure, reopening
    filed = await eventually(
        lambda: _case_steps(clients, school, desk.pupil_id),
        lambda found: set(found) >= set(published),
        timeout=40,
    )
    assert filed == Counter(dict.fromkeys(published, 1))

    # Restarted again, with every event delivered: nothing is filed twice.
    await asyncio.to_thread(stack["records"].stop)
    await asyncio.to_thread(stack["records"].start)
    assert await _case_steps(clients, school, desk.pupil_id) == filed


async def test_racing_revisions_and_completions_have_one_winner(clients, school: School):
    desk, concern_id = await _desk(clients, school)
    first = await desk.triage(concern_id)
    assert first.status_code == 201, first.text
    revise = {"reason": "Revised.", "supersedes": first.json()["triage_id"]}

    racing = await asyncio.gather(
        desk.triage(concern_id, **revise, decision="early_help"),
        desk.triage(concern_id, **revise, decision="monitor_in_school"),
    )
    assert sorted(r.status_code for r in racing) == [201, 409]

    action = await desk.post(
        f"/v1/children/{desk.pupil_id}/actions",
        {"title": "Call CAMHS", "owner_user_id": "dsl-1", "due_on": utc_now().date().isoformat()},
    )
    path = f"/v1/actions/{action.json()['action_id']}/complete"
    completions = await asyncio.gather(
        desk.post(path, {"note": "Called."}),
        desk.post(path, {"note": "Left a message."}, as_=desk.deputy),
    )
    assert sorted(r.status_code for r in completions) == [200, 409]

    history = await clients.case.get(f"/v1/concerns/{concern_id}/triage", headers=desk.head)
    assert history.status_code == 200, history.text
    assert len(history.json()["history"]) == 2


async def test_a_retried_post_with_the_same_key_is_one_step(clients, school: School):
    desk, _ = await _desk(clients, school)
    body = {"title": "Home visit", "owner_user_id": "dsl-1", "due_on": utc_now().date().isoformat()}
    key = unique("retry")
    first = await desk.post(f"/v1/children/{desk.pupil_id}/actions", body, key=key)
    again = await desk.post(f"/v1/children/{desk.pupil_id}/actions", body, key=key)
    other = await desk.post(
        f"/v1/children/{desk.pupil_id}/actions", {**body, "title": "Other"}, key=key
    )

    assert (first.status_code, again.status_code, other.status_code) == (201, 201, 409)
    assert first.json()["action_id"] == again.json()["action_id"]
    assert len((await desk.read()).json()["actions"]["open"]) == 1


async def test_bad_input_names_the_field_and_stores_nothing(clients, school: School):
    desk, concern_id = await _desk(clients, school)
    pupil = desk.pupil_id

    def fields(response) -> list[str]:
        assert response.status_code == 422, response.text
        return [e["field"] for e in response.json()["detail"]]

    assert fields(await desk.triage(concern_id, reason="")) == ["reason"]
    assert fields(await desk.triage(concern_id, parents_informed={"informed": False})) == [
        "parents_informed.reason"
    ]
    yesterday = (utc_now() - timedelta(days=1)).date().isoformat()
    assert fields(
        await desk.post(
            f"/v1/children/{pupil}/actions",
            {"title": "Late", "owner_user_id": "dsl-1", "due_on": yesterday},
        )
    ) == ["due_on"]
    assert fields(
        await desk.post(f"/v1/children/{pupil}/case/close", {"outcome": "sorted", "reason": "x"})
    ) == ["outcome"]
    police = await desk.refer(concern_id, ago(hours=1), agency="police")
    assert police.status_code == 201, police.text
    feedback = await desk.post(
        f"/v1/referrals/{police.json()['referral_id']}/feedback",
        {"received_at": ago(minutes=1), "outcome": "no_further_action"},
    )
    assert fields(feedback) == ["referral_id"]
    assert fields(await desk.refer("not-this-childs-concern", ago(hours=1))) == ["concern_ids"]

    case = (await desk.read()).json()
    assert case["decisions"] == [] and case["actions"] == {"open": [], "done": []}
    assert case["status"] == "open"
    [referral] = case["referrals"]
    assert referral["feedback"] == []


async def test_unknown_pupils_and_other_schools_cases_are_not_found(clients, school: School):
    desk, concern_id = await _desk(clients, school)
    other = await School.register(clients.intake)
    body = {"title": "Visit", "owner_user_id": "dsl-1", "due_on": utc_now().date().isoformat()}

    assert (
        await clients.case.get("/v1/children/nobody/case", headers=school.dsl)
    ).status_code == 404
    assert (await desk.post("/v1/children/nobody/actions", body)).status_code == 404
    assert (await desk.read(other.dsl)).status_code == 404
    assert (
        await desk.post(f"/v1/children/{desk.pupil_id}/actions", body, as_=other.dsl)
    ).status_code == 404
    assert (await desk.triage(concern_id)).status_code == 201
    elsewhere = await clients.case.get(f"/v1/concerns/{concern_id}/triage", headers=other.dsl)
    assert elsewhere.status_code == 404
    assert (await desk.read(school.staff)).status_code == 404  # staff never read the file
    assert (await desk.read(desk.head)).status_code == 200
    lead = bearer(token("lead-1", "trust_safeguarding_lead", trust=school.trust_id))
    found = await clients.case.get(
        f"/v1/children/{desk.pupil_id}/case", headers=lead, params={"school_id": school.school_id}
    )
    assert found.status_code == 200, found.text
    listed = await clients.case.get("/v1/cases", headers=lead, params={"status": "open"})
    assert [c["pupil_id"] for c in listed.json()["cases"]] == [desk.pupil_id]
