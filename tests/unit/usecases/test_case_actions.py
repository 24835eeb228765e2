"""Actions on a child's case: a DSL adds one for a pupil on the roll (opening a case if
none), it falls overdue once at close of business on its date, across passes and
replicas; completing it twice at once gives one completion and a conflict."""

from datetime import date, timedelta

import pytest

from contracts.case_v1 import ACTION_ADDED, ACTION_COMPLETED, ACTION_OVERDUE
from contracts.vocabulary import Role
from services.case.domain.actions import ActionCompletion, ActionRequest
from services.case.domain.cases import ClosureRequest
from services.case.domain.notes import NoteRequest
from services.case.usecases.add_action import add_action
from services.case.usecases.add_note import add_note
from services.case.usecases.case_status import close_case
from services.case.usecases.complete_action import complete_action
from services.case.usecases.flag_overdue_actions import flag_overdue_actions
from services.case.usecases.start_deadline import concern_raised
from services.common.errors import Conflict, Invalid, NotFound
from tests.support import case_world
from tests.support.case_world import DSL, ELM, HEAD, STAFF, on_roll, person
from tests.support.memory import outbox_of

TODAY = date(2026, 3, 10)  # the fixed clock: 10 March 2026, 09:30 UTC
REQUEST = ActionRequest(title="Speak to mum at pick-up", owner_user_id="teacher-1", due_on=TODAY)


async def _world():
    ports, relay = await case_world.memory_case()
    await on_roll(ports)
    return ports, relay


async def test_an_action_for_a_pupil_without_a_case_opens_one():
    ports, relay = await _world()
    action = await add_action(ports, DSL, "P1", REQUEST)

    case = await ports.store.case("oak", "P1")
    assert case["status"] == "open"
    assert [a["action_id"] for a in case["actions"]] == [action["action_id"]]
    assert action["owner_user_id"] == "teacher-1"
    assert await outbox_of(ports.store.cases, "oak/P1") == [ACTION_ADDED]
    assert relay.enqueued == [("cases", "oak/P1")]


async def test_an_unknown_pupil_or_a_due_date_in_the_past_stores_nothing():
    ports, _ = await _world()
    with pytest.raises(NotFound):
        await add_action(ports, DSL, "P-unknown", REQUEST)
    with pytest.raises(Invalid) as refused:
        await add_action(ports, DSL, "P1", REQUEST.model_copy(update={"due_on": date(2026, 3, 9)}))
    assert refused.value.field == "due_on"
    assert await ports.store.case("oak", "P1") is None


@pytest.mark.parametrize("caller", [STAFF, HEAD], ids=["staff", "headteacher"])
async def test_only_the_dsls_add_actions(caller):
    ports, _ = await _world()
    with pytest.raises(NotFound):
        await add_action(ports, caller, "P1", REQUEST)


async def test_a_retried_action_with_the_same_key_is_added_once():
    ports, _ = await _world()
    first = await add_action(ports, DSL, "P1", REQUEST, "k1")
    again = await add_action(ports, DSL, "P1", REQUEST, "k1")
    assert again["action_id"] == first["action_id"]
    assert len((await ports.store.case("oak", "P1"))["actions"]) == 1
    with pytest.raises(Conflict):
        await add_action(ports, DSL, "P1", REQUEST.model_copy(update={"title": "Other"}), "k1")


async def test_an_action_not_done_by_close_of_business_is_overdue_once():
    ports, _ = await _world()
    action = await add_action(ports, DSL, "P1", REQUEST)

    assert await flag_overdue_actions(ports) == 0  # 09:30: not yet
    ports.clock.advance(hours=7, minutes=31)  # 17:01 UTC (GMT): past close of business
    assert await flag_overdue_actions(ports) == 1
    assert await flag_overdue_actions(ports) == 0  # its timer is gone; nothing twice

    [stored] = (await ports.store.case("oak", "P1"))["actions"]
    assert stored["overdue_at"] == ports.clock.now()
    assert await outbox_of(ports.store.cases, "oak/P1") == [ACTION_ADDED, ACTION_OVERDUE]
    assert action["status"] == "open"


async def test_a_timer_left_behind_never_makes_a_second_overdue_event():
    ports, _ = await _world()
    action = await add_action(ports, DSL, "P1", REQUEST)
    ports.clock.advance(hours=8)
    await flag_overdue_actions(ports)
    # As if a replica crashed after its write, before clearing the timer.
    await ports.store.look_at_action(f"oak/P1#{action['action_id']}", ports.clock.now())

    assert await flag_overdue_actions(ports) == 0
    assert await outbox_of(ports.store.cases, "oak/P1") == [ACTION_ADDED, ACTION_OVERDUE]


async def test_a_completed_action_is_never_overdue():
    ports, _ = await _world()
    action = await add_action(ports, DSL, "P1", REQUEST)
    await complete_action(ports, DSL, action["action_id"], ActionCompletion(note="Done at 3pm."))
    ports.clock.advance(days=2)

    assert await flag_overdue_actions(ports) == 0
    assert await outbox_of(ports.store.cases, "oak/P1") == [ACTION_ADDED, ACTION_COMPLETED]
    assert await ports.store.actions_to_look_at(ports.clock.now(), 10) == []


async def test_two_completions_one_wins_the_other_is_a_conflict():
    ports, _ = await _world()
    action = await add_action(ports, DSL, "P1", REQUEST)

    done = await complete_action(ports, DSL, action["action_id"], ActionCompletion(note="Mine."))
    with pytest.raises(Conflict):
        await complete_action(ports, DSL, action["action_id"], ActionCompletion(note="Theirs."))
    # The same completion again (a retry) is answered as before.
    again = await complete_action(ports, DSL, action["action_id"], ActionCompletion(note="Mine."))

    assert (done["completion_note"], again["completed_at"]) == ("Mine.", done["completed_at"])
    assert await outbox_of(ports.store.cases, "oak/P1") == [ACTION_ADDED, ACTION_COMPLETED]


async def test_another_schools_action_is_not_found():
    ports, _ = await _world()
    action = await add_action(ports, DSL, "P1", REQUEST)
    other = person("dsl-9", Role.DSL, ELM)
    with pytest.raises(NotFound):
        await complete_action(ports, other, action["action_id"], ActionCompletion(note="x"))


async def test_a_closed_case_takes_notes_but_not_new_actions():
    ports, _ = await _world()
    await concern_raised(ports, case_world.concern_raised(ports.clock.now()))
    await close_case(ports, DSL, "P1", ClosureRequest(outcome="no_further_action", reason="OK"))
    with pytest.raises(Conflict):
        await add_action(ports, DSL, "P1", REQUEST)
    note = NoteRequest(
        kind="phone_call",
        occurred_at=ports.clock.now() - timedelta(minutes=5),
        participants=["Social worker"],
        summary="Social care called: no further action.",
    )
    stored = await add_note(ports, DSL, "P1", note)
    assert stored["participants"] == ["Social worker"]
