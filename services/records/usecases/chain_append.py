"""Appending to a hash chain (a child's file or access log), one writer at a time and
safe against a crash at any point.

The head carries the claim of the writer appending (store_chain_claims.py). An append:

1. reads the head, and in one write claims it and records the entry about to be appended
   (`pending`), on condition that the head is still as read;
2. remembers the entry's key (an event appended twice is appended once: if the key is
   there already, the pending entry is dropped and the earlier position answered);
3. puts the entry into its page;
4. moves the head on to it and gives the claim back, in one write.

A writer that finds a pending entry whose claim has expired (its writer died) takes the
claim over and finishes that entry first (each step is idempotent), so a process killed
between any two steps neither loses the entry nor writes it twice, and the chain never
forks: every entry is built from the head as it stood when its claim was taken. Writers in
one process take turns in memory; another replica's write in between makes the claim fail,
and the writer reads the head again.
"""

from __future__ import annotations

import asyncio
import contextlib
import random
import time
import uuid
from collections.abc import AsyncIterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import timedelta
from typing import Any, Protocol

from contracts.envelope import utc_now
from services.common.errors import Busy
from services.common.locks import LockBusy
from services.common.retries import gather_limited
from services.records.domain.chain import Head, next_entry
from services.records.ports import RecordsPorts
from services.records.store_chain_claims import claim_state
from services.records.store_chains import ChainStore

# Consumers wait this long for a busy chain (a burst of events about one child).
WAIT_SECONDS = 30.0
# A claim not given back within this is a dead writer's: the next writer takes it over.
CLAIM_LIFETIME = timedelta(seconds=30)
BUSY = "the chain is being written by someone else; try again"


@dataclass(frozen=True)
class ChainRef:
    """A chain and the tenant it belongs to (stored on its head and pages)."""

    id: str
    trust_id: str
    school_id: str
    pupil_id: str

    @property
    def tenant(self) -> dict[str, str]:
        return {"trust_id": self.trust_id, "school_id": self.school_id, "pupil_id": self.pupil_id}


class ChainTarget(Protocol):
    """Any chain: its id and the tenant fields stored on its head and pages (a child's
    file is a ChainRef; an adult case's chains are named the same way)."""

    @property
    def id(self) -> str: ...

    @property
    def tenant(self) -> dict[str, str]: ...


@dataclass(frozen=True)
class Appended:
    seq: int
    created: bool  # False: the key was appended before, nothing changed


async def append(
    ports: RecordsPorts,
    chains: ChainStore,
    ref: ChainTarget,
    record: Mapping[str, Any],
    *,
    key: str | None = None,
) -> Appended:
    try:
        async with chains.turns.hold(ref.id, WAIT_SECONDS):
            return await _append_in_turn(ports, chains, ref, record, key)
    except LockBusy:
        raise Busy(BUSY) from None


class _Waiting:
    """Jittered back-off while another writer holds the chain, up to WAIT_SECONDS."""

    def __init__(self) -> None:
        self._deadline = time.monotonic() + WAIT_SECONDS
        self._delay = 0.005

    async def pause(self) -> None:
        if time.monotonic() > self._deadline:
            raise Busy(BUSY)
        await asyncio.sleep(self._delay * (1 + random.random()))
        self._delay = min(self._delay * 2, 0.2)


async def _append_in_turn(
    ports: RecordsPorts,
    chains: ChainStore,
    ref: ChainTarget,
    record: Mapping[str, Any],
    key: str | None,
) -> Appended:
    waiting = _Waiting()
    recalled = chains.recent_heads.pop(ref.id, None)
    while True:
        now = utc_now()
        stored = recalled or await chains.head(ref.id)
        recalled = None  # a failed claim reads the head
        state = claim_state(stored, now)
        if state == "held":  # another replica is appending: wait for it
            await waiting.pause()
            continue
        if state == "stale" or (stored or {}).get("pending"):  # a writer died part-way
            async with hold_chain(chains, ref):
                return await append_held(ports, chains, ref, record, key=key)
        entry = next_entry(Head.of(stored), record)
        pending = {"entry": entry, "key": key}
        owner = uuid.uuid4().hex
        until = now + CLAIM_LIFETIME
        if await chains.begin_append(ref.id, ref.tenant, stored, pending, owner, until, now):
            try:
                appended = await _finish(ports, chains, ref, pending, owner)
            except Exception:
                await chains.unclaim(ref.id, owner)  # the next writer finishes the entry
                raise
            if appended.created:
                chains.remember_head(ref.id, entry)
            return appended


@contextlib.asynccontextmanager
async def hold_chain(chains: ChainStore, ref: ChainTarget) -> AsyncIterator[None]:
    """Hold the head's claim for a block of work (a disposal, or finishing a dead writer's
    entry before appending with `append_held`)."""
    owner, waiting = uuid.uuid4().hex, _Waiting()
    while not await chains.claim(ref.id, owner, utc_now() + CLAIM_LIFETIME, utc_now()):
        await waiting.pause()
    try:
        yield
    finally:
        await chains.unclaim(ref.id, owner)


@dataclass(frozen=True)
class ToAppend:
    ref: ChainTarget
    record: Mapping[str, Any]
    key: str


async def append_many(
    ports: RecordsPorts, chains: ChainStore, items: Sequence[ToAppend]
) -> list[Appended]:
    """`append` for many keyed entries (a police batch's children), in the items' order.
    The chains no one claims, with nothing pending, are appended to together: each step
    above one bulk write for all of them, in the same order, so a crash leaves each chain as
    `append` would. The others are appended to one by one. A chain named twice takes its
    second entry in a second round."""
    results: dict[int, Appended] = {}
    for positions in _rounds(items):
        alone = await _append_together(ports, chains, items, positions, results)
        done = await gather_limited(
            [append(ports, chains, items[p].ref, items[p].record, key=items[p].key) for p in alone],
            limit=8,
        )
        results.update(zip(alone, done, strict=True))
    return [results[position] for position in range(len(items))]


def _rounds(items: Sequence[ToAppend]) -> list[list[int]]:
    """Positions grouped so that no chain is named twice in a group, in order."""
    rounds: list[list[int]] = []
    times: dict[str, int] = {}
    for position, item in enumerate(items):
        n = times.get(item.ref.id, 0)
        times[item.ref.id] = n + 1
        if n == len(rounds):
            rounds.append([])
        rounds[n].append(position)
    return rounds


async def _append_together(
    ports: RecordsPorts,
    chains: ChainStore,
    items: Sequence[ToAppend],
    positions: list[int],
    results: dict[int, Appended],
) -> list[int]:
    """Append what can be appended together; returns the positions left for one by one."""
    at_chain = {items[p].ref.id: p for p in positions}
    now, owner = utc_now(), uuid.uuid4().hex
    heads = await chains.heads_of(sorted(at_chain))
    begins, pendings = [], {}
    for chain, p in sorted(at_chain.items()):
        head = heads.get(chain)
        if claim_state(head, now) != "free" or (head or {}).get("pending"):
            continue
        item = items[p]
        pendings[chain] = {"entry": next_entry(Head.of(head), item.record), "key": item.key}
        begins.append((chain, item.ref.tenant, head, pendings[chain]))
    if not begins:
        return positions
    await chains.begin_appends(begins, owner, now + CLAIM_LIFETIME, now)
    claimed = await chains.heads_of(sorted(pendings))
    held = [chain for chain, head in claimed.items() if head.get("claim") == owner]
    try:
        entries = [pendings[chain]["entry"] for chain in held]
        claims = [
            (chain, items[at_chain[chain]].key, entry["seq"])
            for chain, entry in zip(held, entries, strict=True)
        ]
        stored_at = await chains.claim_keys(claims, ports.clock.now())
        appended = []
        for chain, entry, seq in zip(held, entries, stored_at, strict=True):
            p = at_chain[chain]
            results[p] = Appended(seq, created=seq == entry["seq"])
            if seq == entry["seq"]:
                appended.append((chain, items[p].ref.tenant, entry))
            else:  # appended before: nothing to add
                await chains.drop_pending(chain, owner)
        await chains.put_all_in_pages(appended)
        await chains.advance_all([(chain, entry) for chain, _, entry in appended], owner)
        for chain, _, entry in appended:
            chains.remember_head(chain, entry)
    except Exception:
        for chain in held:  # the next writer finishes each pending entry
            await chains.unclaim(chain, owner)
        raise
    return [p for chain, p in at_chain.items() if chain not in held]


async def append_held(
    ports: RecordsPorts,
    chains: ChainStore,
    ref: ChainTarget,
    record: Mapping[str, Any],
    *,
    key: str | None = None,
) -> Appended:
    """`append` for a caller that holds the head's claim already (`hold_chain`)."""
    stored = await chains.head(ref.id)
    if stored is not None and stored.get("pending"):
        await _finish(ports, chains, ref, stored["pending"], None, check=True)
        stored = await chains.head(ref.id)
    entry = next_entry(Head.of(stored), record)
    pending = {"entry": entry, "key": key}
    await chains.set_pending(ref.id, ref.tenant, pending)
    return await _finish(ports, chains, ref, pending, None)


async def _finish(
    ports: RecordsPorts,
    chains: ChainStore,
    ref: ChainTarget,
    pending: Mapping[str, Any],
    owner: str | None,
    *,
    check: bool = False,
) -> Appended:
    """Steps 2–4 of a pending entry. `owner`: give the claim back at the end (None: the
    caller holds it). `check`: after a crash, the entry may be in its page already."""
    entry = pending["entry"]
    if pending.get("key") is not None:
        seq = await chains.claim_key(ref.id, pending["key"], entry["seq"], ports.clock.now())
        if seq != entry["seq"]:
            await chains.drop_pending(ref.id, owner)
            return Appended(seq, created=False)
    await chains.put_in_page(ref.id, ref.tenant, entry, check=check)
    await chains.advance(ref.id, entry, owner)
    return Appended(entry["seq"], created=True)
