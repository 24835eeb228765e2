"""records keeps each child's file as a hash chain: appends are idempotent by event,
never fork when several writers append at once, and survive a crash between any two of
their steps; a tampered entry is found; corrections go beside the original; entries from
before chains join them once."""

import asyncio
from datetime import UTC, datetime, timedelta

import pytest

from contracts.envelope import utc_now
from contracts.vocabulary import Role
from services.common.auth import Principal
from services.common.errors import Conflict, Invalid, NotFound
from services.records.domain.corrections import CorrectionRequest
from services.records.usecases.add_to_chronology import add_to_chronology
from services.records.usecases.chain_append import ChainRef, append
from services.records.usecases.correct_entry import correct_entry
from services.records.usecases.migrate_legacy import migrate_legacy_entries
from services.records.usecases.read_chronology import read_chronology
from services.records.usecases.verify_file import verify_child_file
from tests.support import events
from tests.support.records_ports import expire_claims, memory_records
from tests.support.tamper import tamper
from tests.unit.usecases.test_chronology import DSL, OAK

REF = ChainRef("oak/P1", "oak-trust", "oak", "P1")


@pytest.fixture
def ports():
    return memory_records()


async def entries_of(ports, chain="oak/P1"):
    head = await ports.store.files.head(chain)
    return await ports.store.files.entries(chain, head["seq"])


async def test_concurrent_appends_for_one_child_make_one_chain(ports):
    concerns = [events.concern_raised(OAK, "P1") for _ in range(12)]

    await asyncio.gather(*(add_to_chronology(ports, c) for c in concerns))
    await asyncio.gather(*(add_to_chronology(ports, c) for c in concerns[:4]))  # redelivered

    stored = await entries_of(ports)
    assert [e["seq"] for e in stored] == list(range(1, 13))
    assert {e["record"]["event_id"] for e in stored} == {c.event_id for c in concerns}
    assert (await verify_child_file(ports, DSL, "P1")).valid


@pytest.mark.parametrize("crash_in", ["claim_key", "put_in_page", "advance"])
async def test_a_crash_between_any_two_steps_neither_loses_nor_doubles_an_entry(
    ports, monkeypatch, crash_in
):
    first, second = events.concern_raised(OAK, "P1"), events.concern_raised(OAK, "P1")
    await add_to_chronology(ports, events.concern_raised(OAK, "P1"))
    real = getattr(ports.store.files, crash_in)

    async def killed(*args, **kwargs):
        raise SystemExit("killed")

    monkeypatch.setattr(ports.store.files, crash_in, killed)
    with pytest.raises(SystemExit):
        await add_to_chronology(ports, first)
    monkeypatch.setattr(ports.store.files, crash_in, real)
    await expire_claims(ports.store.files)  # the dead process's claim runs out

    await add_to_chronology(ports, second)  # the next writer finishes the first
    await add_to_chronology(ports, first)  # and the redelivery adds nothing

    stored = await entries_of(ports)
    assert [e["record"]["event_id"] for e in stored[1:]] == [first.event_id, second.event_id]
    assert (await verify_child_file(ports, DSL, "P1")).valid


async def test_an_entry_changed_in_the_store_is_reported_with_its_position(ports):
    for _ in range(3):
        await add_to_chronology(ports, events.concern_raised(OAK, "P1"))
    await tamper(
        ports.store.files.pages,
        "oak/P1#0",
        1,
        lambda entry: entry["record"]["content"].update(description="Nothing."),
    )

    verdict = await verify_child_file(ports, DSL, "P1")

    assert (verdict.valid, verdict.chain, verdict.first_bad_seq) == (False, "file", 2)
    assert verdict.problem == "the entry's content was changed"


async def test_a_correction_is_appended_beside_the_original_which_stays_as_it_was(ports):
    raised = events.concern_raised(OAK, "P1")
    await add_to_chronology(ports, raised)
    request = CorrectionRequest(
        reason="The bruise was on the right arm.", fields={"description": "Bruise, right arm."}
    )

    first = await correct_entry(ports, DSL, "P1", "file:1", request, idempotency_key="k1")
    again = await correct_entry(ports, DSL, "P1", "file:1", request, idempotency_key="k1")

    found = await read_chronology(ports, DSL, "P1")
    original = next(e for e in found.entries if e["entry_id"] == "file:1")
    assert first == again == "file:2"
    assert original["record"]["content"]["description"] == raised.payload.description
    [correction] = original["corrections"]
    assert correction["record"]["content"]["fields"] == {"description": "Bruise, right arm."}
    assert correction["record"]["corrects_hash"] == original["hash"]
    assert found.entry_count == 2


async def test_the_same_key_with_another_correction_is_refused_and_the_first_stands(ports):
    await add_to_chronology(ports, events.concern_raised(OAK, "P1"))
    first = CorrectionRequest(reason="Right arm.", fields={"description": "Bruise, right arm."})
    other = CorrectionRequest(reason="Left arm.", fields={"description": "Bruise, left arm."})
    await correct_entry(ports, DSL, "P1", "file:1", first, idempotency_key="k1")

    with pytest.raises(Conflict):
        await correct_entry(ports, DSL, "P1", "file:1", other, idempotency_key="k1")

    found = await read_chronology(ports, DSL, "P1")
    [correction] = next(e for e in found.entries if e["entry_id"] == "file:1")["corrections"]
    assert correction["record"]["content"]["reason"] == "Right arm."
    assert found.entry_count == 2


async def test_a_correction_names_a_real_entry_and_its_own_fields(ports):
    await add_to_chronology(ports, events.concern_raised(OAK, "P1"))
    request = CorrectionRequest(reason="r", fields={"colour": "blue"})

    with pytest.raises(Invalid) as refused:
        await correct_entry(ports, DSL, "P1", "file:1", request)
    assert refused.value.field == "fields"
    with pytest.raises(NotFound):
        await correct_entry(ports, DSL, "P1", "file:9", request)
    teacher = Principal("teacher-1", frozenset({Role.STAFF}), "oak", None)
    with pytest.raises(NotFound):
        await correct_entry(ports, teacher, "P1", "file:1", request)


async def test_entries_from_before_chains_join_them_once_in_recorded_order(ports):
    at = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)
    for n, event_id in enumerate(["e-2", "e-1"]):
        await ports.store.chronology.insert_one(
            {
                "_id": event_id,
                "trust_id": "oak-trust",
                "school_id": "oak",
                "pupil_id": "P1",
                "source_id": f"c-{n}",
                "event_type": "intake.concern.raised.v1",
                "occurred_at": at,
                "recorded_at": at.replace(minute=10 - n),
                "actor": {"kind": "user", "id": "teacher-1", "role": "staff"},
                "content": {"description": f"Old concern {n}"},
            }
        )

    assert await migrate_legacy_entries(ports) == 2
    assert await migrate_legacy_entries(ports) == 0

    stored = await entries_of(ports)
    assert [(e["record"]["event_id"], e["record"]["legacy"]) for e in stored] == [
        ("e-1", True),
        ("e-2", True),
    ]
    assert stored[0]["record"]["recorded_at"] == "2026-01-05T09:09:00.000Z"
    assert (await verify_child_file(ports, DSL, "P1")).valid


async def test_each_read_is_one_entry_of_a_hash_chained_access_log(ports):
    for _ in range(3):
        await append(ports, ports.store.access, REF, {"kind": "access", "n": 1})

    head = await ports.store.access.head("oak/P1")
    stored = await ports.store.access.entries("oak/P1", head["seq"])
    assert [e["seq"] for e in stored] == [1, 2, 3]
    assert stored[2]["prev_hash"] == stored[1]["hash"] and head["hash"] == stored[2]["hash"]


async def test_an_append_waits_for_another_replica_s_claim_and_then_goes_on(ports):
    await add_to_chronology(ports, events.concern_raised(OAK, "P1"))
    files = ports.store.files
    until = utc_now() + timedelta(seconds=20)
    await files.heads.update_one(
        {"_id": "oak/P1"}, {"$set": {"claim": "other", "claimed_until": until}}
    )
    later = events.concern_raised(OAK, "P1")
    waiting = asyncio.ensure_future(add_to_chronology(ports, later))
    await asyncio.sleep(0.2)
    assert not waiting.done()  # the other replica is still appending
    await files.unclaim("oak/P1", "other")

    await asyncio.wait_for(waiting, 10)
    assert [e["seq"] for e in await entries_of(ports)] == [1, 2]
    assert (await entries_of(ports))[-1]["record"]["event_id"] == later.event_id
