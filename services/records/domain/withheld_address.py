"""A child whose address is withheld (1.12: telling it could put them at risk of serious
harm, for example in a refuge): the file says so, prominently, wherever it goes (the PDF,
a transfer bundle), and no one but a DSL reads an address in it. The flag is the one in
the child's latest context (case.context.changed.v1); while it is set, every address in
every context entry is shown to anyone else as "withheld". Pure code."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from contracts import case_v1

WITHHELD = "withheld"


def _context_of(record: Mapping[str, Any] | None) -> Mapping[str, Any] | None:
    if not record or record.get("event_type") != case_v1.CONTEXT_CHANGED:
        return None
    context = (record.get("content") or {}).get("context")
    return context if isinstance(context, Mapping) else None


def withheld_reason(records: Iterable[Mapping[str, Any] | None]) -> str | None:
    """Why the address is withheld, by the latest context among the file's records in the
    order they were recorded (None: it is not withheld, or no context was recorded)."""
    latest: Mapping[str, Any] | None = None
    for record in records:
        context = _context_of(record)
        if context is not None:
            latest = context
    withheld = (latest or {}).get("address_withheld")
    return str(withheld.get("reason") or WITHHELD) if isinstance(withheld, Mapping) else None


def without_addresses(items: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    """Timeline items (domain/timeline.py) with every address in a context entry replaced
    by "withheld"; the entries are copied, never changed in place (the chain vouches for
    what is stored)."""
    return [_item_without_address(item) for item in items]


def _item_without_address(item: dict[str, Any]) -> dict[str, Any]:
    context = _context_of(item.get("record"))
    if context is None:
        return item
    shown = dict(context)
    if shown.get("address") is not None:
        shown["address"] = WITHHELD
    people = []
    for person in shown.get("parental_responsibility") or []:
        contact = dict(person.get("contact") or {})
        if contact.get("address") is not None:
            contact["address"] = WITHHELD
        people.append({**person, "contact": contact or None})
    shown["parental_responsibility"] = people
    record = item["record"]
    return {**item, "record": {**record, "content": {**record["content"], "context": shown}}}
