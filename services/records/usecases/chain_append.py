"""Appending to a hash chain (a child's file or access log), one writer at a time and
safe against a crash at any point.

Under the chain head's lock (taken through the writer, in one process or across
replicas):

1. the head records the entry about to be appended (`pending`), with its key;
2. the entry goes into its page;
3. its key is remembered (an event appended twice is appended once);
4. the head moves on to it.

Whoever takes the lock next finishes a pending entry first (each step is idempotent), so a
process killed between any two steps neither loses the entry nor writes it twice, and the
chain never forks: every entry is built from the head as it stands under the lock.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from services.common.retries import gather_limited
from services.records.domain.chain import Head, next_entry
from services.records.ports import RecordsPorts
from services.records.store_chains import ChainStore, key_id

# Consumers wait this long for a busy chain (a burst of events about one child).
WAIT_SECONDS = 30.0


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
    async with ports.writer.hold(chains.heads, [ref.id], wait_seconds=WAIT_SECONDS):
        return await append_held(ports, chains, ref, record, key=key)


@dataclass(frozen=True)
class ToAppend:
    ref: ChainTarget
    record: Mapping[str, Any]
    key: str


async def append_many(
    ports: RecordsPorts, chains: ChainStore, items: Sequence[ToAppend]
) -> list[Appended]:
    """`append` for many keyed entries (a police batch's children), in the items' order.
    The chains whose locks are free and with nothing pending are appended to together:
    every step above one bulk write for all of them, in the same order, so a crash leaves
    each chain as `append` would. The others are appended to one by one. A chain named
    twice takes its second entry in a second round."""
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
    async with ports.writer.hold_free(chains.heads, at_chain) as held:
        heads = await chains.heads_of(sorted(held))
        ready = []
        for chain in sorted(held):
            p = at_chain[chain]
            if (heads.get(chain) or {}).get("pending"):  # a crashed append: finish it first
                item = items[p]
                results[p] = await append_held(ports, chains, item.ref, item.record, key=item.key)
            else:
                ready.append(p)
        seen = await chains.seqs_of_keys([key_id(items[p].ref.id, items[p].key) for p in ready])
        appends = []
        for p in ready:
            item = items[p]
            seq = seen.get(key_id(item.ref.id, item.key))
            if seq is not None:
                results[p] = Appended(seq, created=False)
                continue
            entry = next_entry(Head.of(heads.get(item.ref.id)), item.record)
            appends.append((item.ref.id, item.ref.tenant, {"entry": entry, "key": item.key}))
            results[p] = Appended(entry["seq"], created=True)
        await chains.append_all(appends, ports.clock.now())
    return [p for chain, p in at_chain.items() if chain not in held]


async def append_held(
    ports: RecordsPorts,
    chains: ChainStore,
    ref: ChainTarget,
    record: Mapping[str, Any],
    *,
    key: str | None = None,
) -> Appended:
    """`append` for a caller that holds the chain head's lock already."""
    stored = await chains.head(ref.id)
    if stored is not None and stored.get("pending"):
        await _complete(ports, chains, ref, stored["pending"], check=True)
        stored = await chains.head(ref.id)
    if key is not None:
        seq = await chains.key_seq(ref.id, key)
        if seq is not None:
            return Appended(seq, created=False)
    entry = next_entry(Head.of(stored), record)
    pending = {"entry": entry, "key": key}
    await chains.set_pending(ref.id, ref.tenant, pending)
    await _complete(ports, chains, ref, pending, check=False)
    return Appended(entry["seq"], created=True)


async def _complete(
    ports: RecordsPorts,
    chains: ChainStore,
    ref: ChainTarget,
    pending: Mapping[str, Any],
    *,
    check: bool,
) -> None:
    entry = pending["entry"]
    await chains.put_in_page(ref.id, ref.tenant, entry, check=check)
    if pending.get("key") is not None:
        await chains.remember_key(ref.id, pending["key"], entry["seq"], ports.clock.now())
    await chains.advance(ref.id, entry)
