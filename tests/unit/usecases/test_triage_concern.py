"""A DSL's triage decision: who may make it, once per concern, and it meets the deadline."""

import pytest

from contracts.case_v1 import DEADLINE_MET
from contracts.vocabulary import Role
from services.case.domain.triage import TriageDecision
from services.case.usecases.start_deadline import concern_raised
from services.case.usecases.triage_concern import triage_concern
from services.common.errors import Conflict, NotFound
from tests.support import case_world
from tests.support.case_world import DSL, ELM, STAFF, deadline_of, person
from tests.support.memory import outbox_of

DECISION = TriageDecision(pupil_id="P1", decision="monitor_in_school", reason="Known to EH.")


async def _raised():
    """case has heard of a concern about P1 at Oak: its case is open, its clock running."""
    ports, relay = await case_world.memory_case()
    event = case_world.concern_raised(ports.clock.now())
    await concern_raised(ports, event)
    return ports, relay, event


async def test_a_decision_is_kept_and_meets_the_triage_deadline():
    ports, relay, raised = await _raised()
    concern_id = raised.payload.concern_id
    ports.clock.advance(minutes=10)

    triaged = await triage_concern(ports, DSL, concern_id, DECISION)

    assert (triaged.deadline, triaged.decided_at) == ("met", ports.clock.now())
    stored = await ports.store.decisions.find_one({"_id": triaged.triage_id})
    assert (stored["decision"], stored["reason"], stored["decided_by"]) == (
        "monitor_in_school",
        "Known to EH.",
        "dsl-1",
    )
    deadline = await deadline_of(ports, concern_id)
    assert (deadline["status"], deadline["met_by"]) == ("met", triaged.triage_id)
    assert await outbox_of(ports.store.deadlines, deadline["_id"]) == [DEADLINE_MET]
    assert relay.enqueued == [("deadlines", deadline["_id"])]


async def test_a_second_decision_on_the_same_concern_is_a_conflict():
    ports, _, raised = await _raised()
    concern_id = raised.payload.concern_id
    first = await triage_concern(ports, DSL, concern_id, DECISION)

    other = DECISION.model_copy(update={"reason": "Second thoughts."})
    with pytest.raises(Conflict):
        await triage_concern(ports, DSL, concern_id, other)

    assert (await ports.store.decisions.find_one({"_id": first.triage_id}))["reason"] == (
        "Known to EH."
    )
    deadline = await deadline_of(ports, concern_id)
    assert await outbox_of(ports.store.deadlines, deadline["_id"]) == [DEADLINE_MET]


@pytest.mark.parametrize(
    "caller",
    [STAFF, person("head-1", Role.HEADTEACHER), person("dsl-2", Role.DSL, ELM)],
    ids=["staff", "headteacher", "another school's DSL"],
)
async def test_only_the_schools_dsls_may_triage(caller):
    ports, _, raised = await _raised()
    concern_id = raised.payload.concern_id
    with pytest.raises(NotFound):
        await triage_concern(ports, caller, concern_id, DECISION)
    assert await ports.store.decisions.count_documents({}) == 0


async def test_a_concern_not_on_the_pupils_case_is_not_found():
    ports, _, raised = await _raised()
    concern_id = raised.payload.concern_id
    with pytest.raises(NotFound):
        await triage_concern(ports, DSL, "another-concern", DECISION)
    with pytest.raises(NotFound):
        await triage_concern(ports, DSL, concern_id, DECISION.model_copy(update={"pupil_id": "P2"}))


async def test_a_decision_before_the_clock_started_is_pending_then_meets_it():
    ports, _, raised = await _raised()
    concern_id = raised.payload.concern_id
    # As if case stopped after opening the case, before storing the deadline.
    await ports.store.deadlines.delete_many({})

    triaged = await triage_concern(ports, DSL, concern_id, DECISION)
    assert triaged.deadline == "pending"

    await concern_raised(ports, raised)  # redelivered
    deadline = await deadline_of(ports, concern_id)
    assert (deadline["status"], deadline["met_by"]) == ("met", triaged.triage_id)
