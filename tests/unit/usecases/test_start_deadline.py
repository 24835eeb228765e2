"""The clock starts: each triggering event opens the child's case (a leaver's does not) and
stores one deadline with its timer; a redelivered event changes nothing."""

from datetime import date, datetime, timedelta

from services.case.usecases.file_transfer_deadline import transfer_started
from services.case.usecases.start_deadline import (
    concern_raised,
    police_notification_received,
    pupil_left,
)
from tests.support import case_world
from tests.support.case_world import OAK, deadline_of, looked_at_by


async def test_a_concern_opens_the_case_and_starts_dsl_triage():
    ports, relay = await case_world.memory_case()
    event = case_world.concern_raised(ports.clock.now(), immediate_danger=True)
    concern_id = event.payload.concern_id

    await concern_raised(ports, event)
    await concern_raised(ports, event)  # redelivered

    case = await ports.store.case(OAK.school_id, "P1")
    assert (case["status"], case["sources"]) == ("open", [concern_id])
    deadline = await deadline_of(ports, concern_id)
    assert deadline["rule"] == "dsl-triage"
    assert deadline["due_at"] == ports.clock.now() + timedelta(minutes=15)
    assert await ports.store.deadlines.count_documents({}) == 1
    assert await looked_at_by(ports, deadline["approaching_at"]) == [deadline["_id"]]
    assert relay.enqueued == []  # starting the clock announces nothing


async def test_a_police_notification_joins_the_same_case():
    ports, _ = await case_world.memory_case()
    concern = case_world.concern_raised(ports.clock.now())
    notice = case_world.police_notification(ports.clock.now())

    await concern_raised(ports, concern)
    await police_notification_received(ports, notice)

    case = await ports.store.case(OAK.school_id, "P1")
    assert case["sources"] == [concern.payload.concern_id, notice.payload.notification_id]
    deadline = await deadline_of(ports, notice.payload.notification_id)
    assert deadline["rule"] == "encompass-before-school"


async def test_a_transfer_starts_file_transfer_without_a_case():
    ports, _ = await case_world.memory_case()
    await pupil_left(ports, case_world.pupil_left(date(2026, 3, 10)))  # starts nothing
    await transfer_started(ports, case_world.transfer_started(date(2026, 3, 10)))

    deadline = await deadline_of(ports, "tr-P1")
    assert deadline["rule"] == "file-transfer"
    assert deadline["due_at"] == datetime.fromisoformat("2026-03-17T17:00:00+00:00")
    assert await ports.store.case(OAK.school_id, "P1") is None
