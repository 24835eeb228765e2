"""A DSL's triage decision: who may make it, kept on the child's case with its event, the
first meets the deadline, a later one supersedes it by name, and a revision racing another
loses (409)."""

import contextlib

import pytest

from contracts.case_v1 import DEADLINE_MET, TRIAGE_DECIDED
from contracts.registry import decode
from contracts.vocabulary import Role
from services.case.domain.triage import TriageDecision
from services.case.usecases import meet_case_deadlines
from services.case.usecases.read_triage import read_triage
from services.case.usecases.start_deadline import concern_raised
from services.case.usecases.triage_concern import triage_concern
from services.common.errors import Conflict, Invalid, NotFound
from tests.support import case_world
from tests.support.case_world import DEPUTY, DSL, ELM, HEAD, STAFF, TRUST_LEAD, deadline_of, person
from tests.support.memory import outbox_of

DECISION = TriageDecision(
    pupil_id="P1",
    decision="monitor_in_school",
    reason="Known to EH.",
    parents_informed={"informed": False, "reason": "Mum's partner is the alleged abuser."},
    child_views="Wants to stay with mum; scared of the partner.",
)


def _as(**changes) -> TriageDecision:
    return TriageDecision.model_validate({**DECISION.model_dump(), **changes})


async def _raised():
    """case has heard of a concern about P1 at Oak: its case is open, its clock running."""
    ports, relay = await case_world.memory_case()
    event = case_world.concern_raised(ports.clock.now())
    await concern_raised(ports, event)
    return ports, relay, event


async def _case(ports):
    return await ports.store.case("oak", "P1")


async def test_a_decision_is_kept_on_the_case_and_meets_the_triage_deadline():
    ports, relay, raised = await _raised()
    concern_id = raised.payload.concern_id
    ports.clock.advance(minutes=10)

    triaged = await triage_concern(ports, DSL, concern_id, DECISION)

    assert (triaged.deadline, triaged.decided_at) == ("met", ports.clock.now())
    [stored] = (await _case(ports))["decisions"]
    assert (stored["decision"], stored["reason"], stored["decided_by"]) == (
        "monitor_in_school",
        "Known to EH.",
        "dsl-1",
    )
    assert stored["parents_informed"] == {
        "informed": False,
        "at": None,
        "reason": "Mum's partner is the alleged abuser.",
    }
    assert stored["child_views"] == "Wants to stay with mum; scared of the partner."
    assert await outbox_of(ports.store.cases, "oak/P1") == [TRIAGE_DECIDED]
    deadline = await deadline_of(ports, concern_id)
    assert (deadline["status"], deadline["met_by"]) == ("met", triaged.triage_id)
    assert await outbox_of(ports.store.deadlines, deadline["_id"]) == [DEADLINE_MET]
    assert relay.enqueued == [("cases", "oak/P1"), ("deadlines", deadline["_id"])]


async def test_a_second_decision_that_does_not_name_the_first_is_a_conflict():
    ports, _, raised = await _raised()
    concern_id = raised.payload.concern_id
    await triage_concern(ports, DSL, concern_id, DECISION)

    other = _as(**{"reason": "Second thoughts."})
    with pytest.raises(Conflict):
        await triage_concern(ports, DSL, concern_id, other)

    assert [d["reason"] for d in (await _case(ports))["decisions"]] == ["Known to EH."]
    assert await outbox_of(ports.store.cases, "oak/P1") == [TRIAGE_DECIDED]


async def test_a_revision_supersedes_the_decision_in_force_with_its_own_reason():
    ports, _, raised = await _raised()
    concern_id = raised.payload.concern_id
    first = await triage_concern(ports, DSL, concern_id, DECISION)
    ports.clock.advance(hours=2)

    revision = _as(
        **{
            "decision": "refer_to_childrens_social_care",
            "reason": "Disclosure this afternoon.",
            "supersedes": first.triage_id,
        }
    )
    revised = await triage_concern(ports, DEPUTY, concern_id, revision)

    found = await read_triage(ports, DSL, concern_id)
    assert found.current["decision_id"] == revised.triage_id
    assert found.current["supersedes"] == first.triage_id
    assert [d["decision"] for d in found.history] == [
        "monitor_in_school",
        "refer_to_childrens_social_care",
    ]
    assert await outbox_of(ports.store.cases, "oak/P1") == [TRIAGE_DECIDED, TRIAGE_DECIDED]
    # The clock was met by the first decision and stays so.
    assert (await deadline_of(ports, concern_id))["met_by"] == first.triage_id


async def test_of_two_revisions_of_the_same_decision_the_second_gets_a_conflict():
    ports, _, raised = await _raised()
    concern_id = raised.payload.concern_id
    first = await triage_concern(ports, DSL, concern_id, DECISION)
    revision = _as(**{"reason": "Revised.", "supersedes": first.triage_id})

    await triage_concern(ports, DSL, concern_id, revision)
    with pytest.raises(Conflict):
        await triage_concern(
            ports,
            DEPUTY,
            concern_id,
            TriageDecision.model_validate({**revision.model_dump(), **{"reason": "Mine."}}),
        )
    assert len((await _case(ports))["decisions"]) == 2


async def test_a_revision_of_an_unknown_decision_names_the_field():
    ports, _, raised = await _raised()
    concern_id = raised.payload.concern_id
    await triage_concern(ports, DSL, concern_id, DECISION)
    with pytest.raises(Invalid) as refused:
        await triage_concern(ports, DSL, concern_id, _as(**{"supersedes": "dec_nope"}))
    assert refused.value.field == "supersedes"


async def test_a_retried_decision_with_the_same_key_is_stored_once():
    ports, _, raised = await _raised()
    concern_id = raised.payload.concern_id
    first = await triage_concern(ports, DSL, concern_id, DECISION, "key-1")
    again = await triage_concern(ports, DSL, concern_id, DECISION, "key-1")

    assert again.triage_id == first.triage_id
    assert len((await _case(ports))["decisions"]) == 1
    assert await outbox_of(ports.store.cases, "oak/P1") == [TRIAGE_DECIDED]
    with pytest.raises(Conflict):  # the same key for another decision
        await triage_concern(ports, DSL, concern_id, _as(**{"reason": "Other."}), "key-1")


@pytest.mark.parametrize(
    "caller",
    [STAFF, HEAD, TRUST_LEAD, person("dsl-2", Role.DSL, ELM)],
    ids=["staff", "headteacher", "trust lead", "another school's DSL"],
)
async def test_only_the_schools_dsls_may_triage(caller):
    ports, _, raised = await _raised()
    concern_id = raised.payload.concern_id
    with pytest.raises(NotFound):
        await triage_concern(ports, caller, concern_id, DECISION)
    assert (await _case(ports)).get("decisions", []) == []


async def test_the_head_and_the_trust_lead_read_the_decisions_staff_do_not():
    ports, _, raised = await _raised()
    concern_id = raised.payload.concern_id
    await triage_concern(ports, DSL, concern_id, DECISION)

    assert (await read_triage(ports, HEAD, concern_id)).current["reason"] == "Known to EH."
    assert (await read_triage(ports, TRUST_LEAD, concern_id, "oak")).pupil_id == "P1"
    for caller, school in ((STAFF, None), (TRUST_LEAD, None), (person("d", Role.DSL, ELM), None)):
        with pytest.raises(NotFound):
            await read_triage(ports, caller, concern_id, school)


async def test_a_concern_not_on_the_pupils_case_is_not_found():
    ports, _, raised = await _raised()
    concern_id = raised.payload.concern_id
    with pytest.raises(NotFound):
        await triage_concern(ports, DSL, "another-concern", DECISION)
    with pytest.raises(NotFound):
        await triage_concern(ports, DSL, concern_id, _as(**{"pupil_id": "P2"}))


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


async def test_a_decision_stored_before_decisions_lived_on_the_case_is_revised_by_name():
    ports, _, raised = await _raised()
    concern_id = raised.payload.concern_id
    await ports.store.decisions.insert_one(
        {
            "_id": f"triage:oak:{concern_id}",
            "trust_id": "oak-trust",
            "school_id": "oak",
            "pupil_id": "P1",
            "concern_id": concern_id,
            "decision": "no_further_action",
            "reason": "Explained by PE.",
            "decided_by": "dsl-1",
            "decided_at": ports.clock.now(),
        }
    )
    with pytest.raises(Conflict):
        await triage_concern(ports, DSL, concern_id, DECISION)

    revision = _as(**{"supersedes": f"triage:oak:{concern_id}"})
    await triage_concern(ports, DSL, concern_id, revision)
    found = await read_triage(ports, DSL, concern_id)
    assert [d["reason"] for d in found.history] == ["Explained by PE.", "Known to EH."]


async def test_the_decisions_event_meets_the_deadline_if_the_process_stopped_before_it():
    ports, _, raised = await _raised()
    concern_id = raised.payload.concern_id
    triaged = await triage_concern(ports, DSL, concern_id, DECISION)
    deadline = await deadline_of(ports, concern_id)
    # As if case stopped between storing the decision and meeting the deadline.
    await ports.store.deadlines.update_one(
        {"_id": deadline["_id"]}, {"$set": {"status": "open", "met_by": None}}
    )
    case = await ports.store.cases.find_one({"_id": "oak/P1"})
    [decided] = [decode(e["body"].encode()) for e in case["outbox"]]

    await meet_case_deadlines.triage_decided(ports, decided)

    assert (await deadline_of(ports, concern_id))["met_by"] == triaged.triage_id


async def test_a_concern_s_deadline_is_stored_before_the_concern_joins_its_case(monkeypatch):
    ports, _ = await case_world.memory_case()
    event = case_world.concern_raised(ports.clock.now())
    concern_id = event.payload.concern_id
    seen_at_join = []

    real_edit = ports.writer.edit

    @contextlib.asynccontextmanager
    async def edit(collection, doc_id, **kwargs):
        if collection is ports.store.cases:
            found = await ports.store.deadlines.count_documents({"source_id": concern_id})
            seen_at_join.append(found)
        async with real_edit(collection, doc_id, **kwargs) as document:
            yield document

    monkeypatch.setattr(ports.writer, "edit", edit)
    await concern_raised(ports, event)

    assert seen_at_join == [1]  # so a triage, which needs the concern on the case, finds it
    assert await ports.store.early_meets.count_documents({}) == 0


async def test_a_case_joined_by_a_delivery_that_stopped_before_its_deadline_still_meets_it():
    """Stored by an earlier version, which joined the case first: the concern on the case,
    triaged, and the deadline not yet stored (the meeting was remembered as early)."""
    ports, _, raised = await _raised()
    concern_id = raised.payload.concern_id
    await ports.store.deadlines.delete_many({"source_id": concern_id})
    triaged = await triage_concern(ports, DSL, concern_id, DECISION)
    assert await ports.store.early_meets.count_documents({}) == 1

    await concern_raised(ports, raised)  # the redelivery

    deadline = await deadline_of(ports, concern_id)
    assert (deadline["status"], deadline["met_by"]) == ("met", triaged.triage_id)


async def test_a_concern_not_triaged_yet_is_found_from_its_triage_deadline():
    ports, _, raised = await _raised()
    concern_id = raised.payload.concern_id
    assert await ports.store.case_index.count_documents({}) == 0  # no pointer per concern

    found = await read_triage(ports, DSL, concern_id)

    assert (found.pupil_id, found.current, found.history) == ("P1", None, [])
    with pytest.raises(NotFound):
        await read_triage(ports, person("dsl-elm", Role.DSL, ELM), concern_id)  # another school
