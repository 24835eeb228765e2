"""A school's calendar: who may set and read it; setting it places open deadlines again,
and a warning already given is not given twice."""

from datetime import date, datetime, timedelta

import pytest

from contracts.case_v1 import DEADLINE_APPROACHING, DEADLINE_BREACHED
from contracts.vocabulary import Role
from services.case.domain.calendar import Closure, SchoolCalendar
from services.case.usecases.advance_deadlines import advance_deadlines
from services.case.usecases.file_transfer_deadline import transfer_started
from services.case.usecases.read_calendar import read_calendar
from services.case.usecases.set_calendar import finish_calendar_recomputes, set_calendar
from services.case.usecases.start_deadline import police_notification_received
from services.common.errors import NotFound
from tests.support import case_world
from tests.support.case_world import ADMIN, DSL, ELM, OAK, STAFF, deadline_of, looked_at_by, person
from tests.support.memory import FixedClock, outbox_of

SUNDAY_EVENING = datetime.fromisoformat("2027-01-10T20:00:00+00:00")
MONDAY_START = datetime.fromisoformat("2027-01-11T08:45:00+00:00")
TUESDAY_START = datetime.fromisoformat("2027-01-12T08:45:00+00:00")


def _with_terms(*terms: dict) -> SchoolCalendar:
    return SchoolCalendar.model_validate({**SchoolCalendar.default().model_dump(), "terms": terms})


def _with_inset(*days: date) -> SchoolCalendar:
    closures = [Closure(start=d, end=d, reason="INSET") for d in days]
    return SchoolCalendar.default().model_copy(update={"closures": closures})


async def _police_notification():
    """A police notification on Sunday evening: due when school starts on Monday."""
    ports, relay = await case_world.memory_case(FixedClock(SUNDAY_EVENING))
    event = case_world.police_notification(ports.clock.now())
    await police_notification_received(ports, event)
    return ports, relay, event.payload.notification_id


async def test_a_new_calendar_moves_the_open_deadlines():
    ports, relay, notice_id = await _police_notification()
    assert (await deadline_of(ports, notice_id))["due_at"] == MONDAY_START

    moved = await set_calendar(ports, ADMIN, OAK.school_id, _with_inset(date(2027, 1, 11)))

    deadline = await deadline_of(ports, notice_id)
    assert moved == 1
    assert deadline["due_at"] == TUESDAY_START
    assert deadline["approaching_at"] == TUESDAY_START - timedelta(minutes=30)
    assert await looked_at_by(ports, MONDAY_START) == []
    assert await looked_at_by(ports, TUESDAY_START) == [deadline["_id"]]
    # Moving a deadline announces nothing; the calendar carries its admin audit entry.
    assert relay.enqueued == [("calendars", OAK.school_id)]
    assert await read_calendar(ports, DSL, OAK.school_id) == _with_inset(date(2027, 1, 11))


async def test_the_same_calendar_again_moves_nothing():
    ports, _, _ = await _police_notification()
    await set_calendar(ports, ADMIN, OAK.school_id, _with_inset(date(2027, 1, 11)))
    assert await set_calendar(ports, ADMIN, OAK.school_id, _with_inset(date(2027, 1, 11))) == 0


async def test_a_warning_already_given_is_not_given_again_after_the_move():
    ports, _, notice_id = await _police_notification()
    ports.clock.moment = MONDAY_START - timedelta(minutes=20)
    assert await advance_deadlines(ports) == 1  # approaching

    await set_calendar(ports, ADMIN, OAK.school_id, _with_inset(date(2027, 1, 11)))
    deadline = await deadline_of(ports, notice_id)
    assert deadline["due_at"] == TUESDAY_START
    assert deadline["approaching_at"] == MONDAY_START - timedelta(minutes=30)  # as announced

    ports.clock.moment = TUESDAY_START - timedelta(minutes=10)
    assert await advance_deadlines(ports) == 0
    ports.clock.moment = TUESDAY_START
    assert await advance_deadlines(ports) == 1
    assert await outbox_of(ports.store.deadlines, deadline["_id"]) == [
        DEADLINE_APPROACHING,
        DEADLINE_BREACHED,
    ]


async def test_closed_deadlines_stay_as_they_were():
    ports, _, notice_id = await _police_notification()
    ports.clock.moment = MONDAY_START
    await advance_deadlines(ports)

    assert await set_calendar(ports, ADMIN, OAK.school_id, _with_inset(date(2027, 1, 11))) == 0
    assert (await deadline_of(ports, notice_id))["due_at"] == MONDAY_START


async def test_a_deadline_the_calendar_could_not_place_is_placed_by_the_next():
    ports, _ = await case_world.memory_case()
    summer_term = {"start": "2026-04-13", "end": "2026-07-22"}
    await set_calendar(ports, ADMIN, OAK.school_id, _with_terms(summer_term))
    await transfer_started(ports, case_world.transfer_started(date(2026, 7, 17)))
    unplaced = await deadline_of(ports, "tr-P1")
    assert unplaced["due_at"] is None
    assert "calendar has no" in unplaced["unresolved"]
    assert await looked_at_by(ports, datetime.fromisoformat("2030-01-01T00:00:00+00:00")) == []

    autumn_term = {"start": "2026-09-02", "end": "2026-12-18"}
    assert await set_calendar(ports, ADMIN, OAK.school_id, _with_terms(summer_term, autumn_term))

    # 20, 21 and 22 July count, then 2 and 3 September: due at close of business on the 3rd.
    placed = await deadline_of(ports, "tr-P1")
    assert placed["due_at"] == datetime.fromisoformat("2026-09-03T17:00:00+01:00")
    assert placed["unresolved"] is None
    assert await looked_at_by(ports, placed["due_at"]) == [placed["_id"]]


async def test_a_change_a_stopped_process_left_unfinished_is_finished_by_the_scheduler():
    ports, _, notice_id = await _police_notification()
    # As if the process stopped right after storing the calendar.
    await ports.store.save_calendar(
        OAK.school_id, OAK.trust_id, _with_inset(date(2027, 1, 11)), updated_by="a", at=MONDAY_START
    )

    await finish_calendar_recomputes(ports)

    assert (await deadline_of(ports, notice_id))["due_at"] == TUESDAY_START
    assert await ports.store.schools_awaiting_recompute() == []


@pytest.mark.parametrize(
    "caller",
    [STAFF, DSL, person("admin-2", Role.ADMIN, ELM)],
    ids=["staff", "DSL", "another school's admin"],
)
async def test_only_the_schools_admin_or_headteacher_may_set_it(caller):
    ports, _, _ = await _police_notification()
    with pytest.raises(NotFound):
        await set_calendar(ports, caller, OAK.school_id, _with_inset(date(2027, 1, 11)))

    head = person("head-1", Role.HEADTEACHER)
    assert await set_calendar(ports, head, OAK.school_id, _with_inset(date(2027, 1, 11))) == 1


async def test_a_school_case_has_not_heard_of_yet_is_explained_to_its_own_staff():
    ports, _ = await case_world.memory_case()
    newcomer = person("admin-3", Role.ADMIN, case_world.SchoolIds("ash", "ash-trust"))

    with pytest.raises(NotFound, match="not known here yet"):
        await set_calendar(ports, newcomer, "ash", SchoolCalendar.default())
    with pytest.raises(NotFound, match=r"^school not found$"):
        await read_calendar(ports, ADMIN, "ash")


async def test_a_school_without_its_own_calendar_reads_the_default():
    ports, _ = await case_world.memory_case()
    assert await read_calendar(ports, DSL, OAK.school_id) == SchoolCalendar.default()
    with pytest.raises(NotFound):
        await read_calendar(ports, STAFF, OAK.school_id)
