"""A file's entries as people read them: every chain's entries in the order things
happened, each with the corrections made to it beside it. Pure code."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from services.records.domain.chain import Entry
from services.records.domain.child_file import LOCAL, entry_id, prefix_of
from services.records.domain.chronology import occurred_at_of


def timeline(chains: Mapping[str, Sequence[Entry]]) -> list[dict[str, Any]]:
    """One item per entry: its id, chain, position, hash and record (None once disposed),
    and the corrections to it; earliest first."""
    items: list[dict[str, Any]] = []
    corrections: dict[str, list[dict[str, Any]]] = {}
    for name, entries in chains.items():
        for entry in entries:
            record = entry.get("record")
            item = {
                "entry_id": entry_id(name, entry["seq"]),
                "chain": name,
                "seq": entry["seq"],
                "hash": entry["hash"],
                "record": record,
            }
            items.append(item)
            if record is not None and record.get("kind") == "correction":
                target = prefix_of(name) + str(record["corrects"])
                corrections.setdefault(target, []).append(item)
    for item in items:
        item["corrections"] = corrections.get(item["entry_id"], [])
    items.sort(
        key=lambda i: (occurred_at_of(i["record"] or {}), i["chain"] != LOCAL, i["chain"], i["seq"])
    )
    return items


def find_entry(chains: Mapping[str, Sequence[Entry]], wanted: str) -> Entry | None:
    """The entry named "<chain>:<seq>", if the file has it."""
    chain, _, seq = wanted.rpartition(":")
    if not seq.isdigit():
        return None
    for entry in chains.get(chain, []):
        if entry.get("seq") == int(seq):
            return entry
    return None
