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

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Protocol

from services.records.domain.chain import Head, next_entry
from services.records.ports import RecordsPorts
from services.records.store_chains import ChainStore

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
