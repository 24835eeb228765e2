"""A file arrives at a school (accepted from another school here, or imported from a
bundle): every chain it holds is stored exactly as sent, under the transfer's name, and a
"received" entry in the school's own chain records each one's length and head hash, so
the whole file verifies end to end. Each step repeats harmlessly after a crash."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from services.records.domain.chain import GENESIS, Entry
from services.records.domain.child_file import chain_id, received_name
from services.records.domain.chronology import iso
from services.records.ports import RecordsPorts
from services.records.usecases.chain_append import ChainRef, append


def received_entry(
    into: ChainRef,
    transfer_id: str,
    chains: Mapping[str, Sequence[Entry]],
    *,
    origin: Mapping[str, Any],
    child: Mapping[str, Any] | None,
    actor: Mapping[str, Any],
    at: datetime,
) -> dict[str, Any]:
    heads = [
        {
            "name": received_name(transfer_id, name),
            "entries": len(entries),
            "head": entries[-1]["hash"] if entries else GENESIS,
        }
        for name, entries in chains.items()
    ]
    return {
        "kind": "received",
        "transfer_id": transfer_id,
        **into.tenant,
        "from": dict(origin),
        "child": dict(child or {}),
        "chains": heads,
        "recorded_at": iso(at),
        "occurred_at": iso(at),
        "actor": dict(actor),
        "content": {
            "from_school": origin.get("school_name") or origin.get("school_id"),
            "entries": sum(len(entries) for entries in chains.values()),
        },
    }


async def receive_chains(
    ports: RecordsPorts,
    into: ChainRef,
    transfer_id: str,
    chains: Mapping[str, Sequence[Entry]],
    *,
    origin: Mapping[str, Any],
    child: Mapping[str, Any] | None,
    actor: Mapping[str, Any],
) -> None:
    for name, entries in chains.items():
        stored_as = chain_id(into.school_id, into.pupil_id, received_name(transfer_id, name))
        await ports.store.files.store_whole(stored_as, into.tenant, list(entries))
    record = received_entry(
        into, transfer_id, chains, origin=origin, child=child, actor=actor, at=ports.clock.now()
    )
    await append(ports, ports.store.files, into, record, key=f"received:{transfer_id}")
