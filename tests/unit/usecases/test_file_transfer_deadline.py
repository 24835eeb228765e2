"""case: file-transfer starts when records starts a transfer (a child with a file) and is
met when the receiving school confirms receipt, in either order; a leaver alone starts
nothing."""

from datetime import UTC, date, datetime

from services.case.usecases.file_transfer_deadline import transfer_received, transfer_started
from services.case.usecases.start_deadline import pupil_left
from tests.support import case_world


async def deadlines_of(ports):
    return [d async for d in ports.store.deadlines.find({})]


async def test_a_leaver_alone_starts_no_deadline():
    ports, _ = await case_world.memory_case()

    await pupil_left(ports, case_world.pupil_left(date(2026, 3, 6)))

    assert await deadlines_of(ports) == []


async def test_a_transfer_starts_file_transfer_and_its_receipt_meets_it():
    ports, _ = await case_world.memory_case()

    await transfer_started(ports, case_world.transfer_started(date(2026, 3, 6)))
    await transfer_received(
        ports, case_world.transfer_received(datetime(2026, 3, 9, 10, tzinfo=UTC))
    )

    [deadline] = await deadlines_of(ports)
    assert (deadline["rule"], deadline["source_id"], deadline["status"]) == (
        "file-transfer",
        "tr-P1",
        "met",
    )


async def test_a_receipt_before_the_start_is_remembered():
    ports, _ = await case_world.memory_case()

    await transfer_received(
        ports, case_world.transfer_received(datetime(2026, 3, 9, 10, tzinfo=UTC))
    )
    await transfer_started(ports, case_world.transfer_started(date(2026, 3, 6)))

    [deadline] = await deadlines_of(ports)
    assert deadline["status"] == "met"
