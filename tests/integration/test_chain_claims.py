"""Appends to one child's file by two replicas of records at once, against the real store:
each replica has its own in-memory turns, so only the claim on the chain head (a
compare-and-set) keeps them apart. Every event is appended once, in one unforked chain,
and no claim is left behind; a batch appended together races single appends the same way.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from types import SimpleNamespace
from typing import Any

import pytest
from pymongo import AsyncMongoClient

from services.records.domain.chain import Head, verify
from services.records.store_chains import ChainStore
from services.records.usecases.chain_append import ChainRef, ToAppend, append, append_many
from tests.support.memory import FixedClock
from tests.support.stack import TestStack

PER_REPLICA = 20
REF = ChainRef("oak/P1", "oak-trust", "oak", "P1")


@pytest.fixture
async def db(stack: TestStack) -> AsyncIterator[Any]:
    client: AsyncMongoClient[dict[str, Any]] = AsyncMongoClient(
        stack.base_env()["HARBOUR_MONGO_URL"], tz_aware=True
    )
    database = client[f"{stack.db_prefix}chainclaims"]
    yield database
    await client.drop_database(database.name)
    await client.close()


def _ports() -> Any:
    return SimpleNamespace(clock=FixedClock())


async def _chain_of(chains: ChainStore, chain: str) -> tuple[dict[str, Any], list[Any]]:
    head = await chains.heads.find_one({"_id": chain})
    assert head is not None
    return head, await chains.entries(chain, head["seq"])


async def test_two_replicas_appending_to_one_chain_append_each_event_once(db) -> None:
    replicas = [ChainStore(db, "files"), ChainStore(db, "files")]  # each with its own turns
    keys = [[f"r{n}-event-{i}" for i in range(PER_REPLICA)] for n in range(2)]

    async def add(chains: ChainStore, key: str) -> None:
        await append(_ports(), chains, REF, {"event_id": key}, key=key)

    await asyncio.gather(
        *(add(chains, key) for chains, own in zip(replicas, keys, strict=True) for key in own),
        *(add(replicas[1], key) for key in keys[0][:5]),  # redelivered to the other replica
    )

    head, entries = await _chain_of(replicas[0], REF.id)
    assert [entry["seq"] for entry in entries] == list(range(1, 2 * PER_REPLICA + 1))
    appended = sorted(entry["record"]["event_id"] for entry in entries)
    assert appended == sorted(keys[0] + keys[1])
    assert verify(entries, Head(head["seq"], head["hash"])).valid
    assert head["claim"] is None and head["pending"] is None


async def test_a_batch_racing_single_appends_appends_each_event_once(db) -> None:
    batch_replica, single_replica = ChainStore(db, "files"), ChainStore(db, "files")
    refs = [ChainRef(f"oak/P{n}", "oak-trust", "oak", f"P{n}") for n in range(10)]
    batch = [ToAppend(ref, {"event_id": f"batch-{ref.id}"}, f"batch-{ref.id}") for ref in refs]

    async def single(ref: ChainRef, n: int) -> None:
        key = f"single-{ref.id}-{n}"
        await append(_ports(), single_replica, ref, {"event_id": key}, key=key)

    await asyncio.gather(
        append_many(_ports(), batch_replica, batch),
        *(single(ref, n) for ref in refs for n in range(3)),
    )
    again = await append_many(_ports(), batch_replica, batch)  # redelivered

    assert [result.created for result in again] == [False] * len(refs)
    for ref in refs:
        head, entries = await _chain_of(batch_replica, ref.id)
        keys = sorted(entry["record"]["event_id"] for entry in entries)
        assert keys == sorted([f"batch-{ref.id}", *(f"single-{ref.id}-{n}" for n in range(3))])
        assert verify(entries, Head(head["seq"], head["hash"])).valid
        assert head["claim"] is None and head["pending"] is None
