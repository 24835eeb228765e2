"""A police batch's children appended to their files together: the same chains as one by
one, repeats add nothing, a crash part-way is finished by the next writer, and a chain
a dead writer claimed is appended to on its own."""

from datetime import UTC, datetime, timedelta

import pytest

from services.records.usecases.add_to_chronology import add_all_to_chronology, add_to_chronology
from services.records.usecases.verify_file import verify_child_file
from tests.support import events
from tests.support.records_ports import expire_claims, memory_records
from tests.unit.usecases.test_chronology import DSL, OAK

AT = datetime(2026, 3, 12, 6, 40, tzinfo=UTC)


@pytest.fixture
def ports():
    return memory_records()


def notified(pupil: str):
    return events.encompass_notified(OAK, pupil, received_at=AT)


async def event_ids_in_file(ports, pupil: str) -> list[str]:
    head = await ports.store.files.head(f"oak/{pupil}")
    stored = await ports.store.files.entries(f"oak/{pupil}", head["seq"])
    return [entry["record"]["event_id"] for entry in stored]


async def test_each_child_gets_its_entry_and_a_repeat_adds_nothing(ports):
    earlier = events.concern_raised(OAK, "P1")
    await add_to_chronology(ports, earlier)
    batch = [notified(f"P{n}") for n in range(1, 6)] + [notified("P2")]  # P2 twice

    created = await add_all_to_chronology(ports, batch)
    again = await add_all_to_chronology(ports, batch)

    assert created == [True] * 6 and again == [False] * 6
    assert await event_ids_in_file(ports, "P1") == [earlier.event_id, batch[0].event_id]
    assert await event_ids_in_file(ports, "P2") == [batch[1].event_id, batch[5].event_id]
    for n in range(1, 6):
        assert (await verify_child_file(ports, DSL, f"P{n}")).valid


async def test_a_crash_part_way_is_finished_by_the_next_writer(ports, monkeypatch):
    batch = [notified(f"P{n}") for n in range(1, 4)]
    pages = ports.store.files.pages
    real = pages.bulk_write

    async def killed(*args, **kwargs):
        raise SystemExit("killed")

    monkeypatch.setattr(pages, "bulk_write", killed)
    with pytest.raises(SystemExit):
        await add_all_to_chronology(ports, batch)
    monkeypatch.setattr(pages, "bulk_write", real)
    assert (await ports.store.files.head("oak/P1"))["pending"] is not None
    await expire_claims(ports.store.files)  # the dead process's claims run out

    later = events.concern_raised(OAK, "P1")
    await add_to_chronology(ports, later)  # the next writer finishes P1's pending entry
    # The redelivery finishes P2's and P3's pending entries: each child's entry once.
    assert await add_all_to_chronology(ports, batch) == [False, False, False]

    assert await event_ids_in_file(ports, "P1") == [batch[0].event_id, later.event_id]
    for n in range(2, 4):
        assert await event_ids_in_file(ports, f"P{n}") == [batch[n - 1].event_id]
    for n in range(1, 4):
        assert (await verify_child_file(ports, DSL, f"P{n}")).valid


async def test_a_chain_claimed_by_a_dead_writer_is_appended_to_on_its_own(ports):
    earlier = notified("P2")
    await add_to_chronology(ports, earlier)
    await ports.store.files.heads.update_one(
        {"_id": "oak/P2"}, {"$set": {"claim": "gone", "claimed_until": AT - timedelta(days=1)}}
    )
    batch = [notified("P1"), notified("P2")]

    assert await add_all_to_chronology(ports, batch) == [True, True]
    assert await event_ids_in_file(ports, "P2") == [earlier.event_id, batch[1].event_id]
    head = await ports.store.files.head("oak/P2")
    assert head["claim"] is None and head["pending"] is None
