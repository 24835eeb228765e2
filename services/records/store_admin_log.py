"""The admin audit log's storage, paged by `_id` only.

FerretDB 1.x answers only a bare `_id` equality from an index: a page read by tenant and
time scanned and sorted the whole log (bench/admin_audit.py: 0.5 s a page at 1,000
entries, 6 s at 10,000). So each tenant's log (a trust's, a school's) is a numbered list:
entry n of list K is the document `K#n` (`admin_log`), claimed by a unique insert (atomic
on FerretDB and MongoDB alike, no lock), and `admin_log_heads` keeps the last number as a
hint (a reader or writer walks on past it if a writer stopped before moving it). A page is
at most `limit` reads by `_id`, however long the log.

- admin_audit: one document per reported action (`_id` = the event's id): what makes a
  redelivered event add nothing, and which lists it is in already (`listed`)
- admin_log: `K#n` → the entry; admin_log_heads: `K` → the last n
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from pymongo.asynchronous.collection import AsyncCollection
from pymongo.errors import DuplicateKeyError

from services.common.retries import gather_limited
from services.common.store import Document

# A redelivery after a crash between adding an entry to a list and noting it: the entry is
# among the list's last few, unless this many others were added in between.
RECHECK = 10


class AdminLogQueries:
    admin_audit: AsyncCollection[Document]
    admin_log: AsyncCollection[Document]
    admin_log_heads: AsyncCollection[Document]

    async def add_admin_entry(self, entry: Document) -> Document:
        """The entry as stored: the first time it arrived, or now."""
        try:
            await self.admin_audit.insert_one({**entry, "listed": []})
            return {**entry, "listed": []}
        except DuplicateKeyError:
            stored = await self.admin_audit.find_one({"_id": entry["_id"]})
            return stored or {**entry, "listed": []}

    async def append_to_admin_log(self, key: str, entry: Document) -> int:
        """Put `entry` at the end of list `key`; its number there."""
        last = await self._last_number(key)
        for n in range(last, max(0, last - RECHECK), -1):
            slot = await self.admin_log.find_one({"_id": _slot_id(key, n)})
            if slot is not None and slot["entry"]["_id"] == entry["_id"]:
                return n
        n = last + 1
        while True:
            try:
                await self.admin_log.insert_one({"_id": _slot_id(key, n), "entry": entry})
                break
            except DuplicateKeyError:  # another writer took it first
                n += 1
        await self.admin_log_heads.update_one({"_id": key}, {"$max": {"last": n}}, upsert=True)
        return n

    async def mark_admin_entry_listed(self, entry_id: str, keys: Sequence[str]) -> None:
        await self.admin_audit.update_one({"_id": entry_id}, {"$set": {"listed": list(keys)}})

    async def admin_log_page(
        self, key: str, before: int | None, limit: int
    ) -> tuple[list[Document], int | None]:
        """Up to `limit` entries of list `key`, newest first, numbered below `before`; and
        the `before` of the next page (None: this page reached the first entry)."""
        top = before - 1 if before is not None else await self._last_number(key)
        numbers = list(range(top, max(0, top - limit), -1))
        slots = await gather_limited(
            [self.admin_log.find_one({"_id": _slot_id(key, n)}) for n in numbers], limit=8
        )
        entries = [slot["entry"] for slot in slots if slot is not None]
        return entries, numbers[-1] if numbers and numbers[-1] > 1 else None

    async def _last_number(self, key: str) -> int:
        head = await self.admin_log_heads.find_one({"_id": key})
        last = int(head["last"]) if head else 0
        while await self.admin_log.find_one({"_id": _slot_id(key, last + 1)}, projection=_ID):
            last += 1
        return last


_ID: dict[str, Any] = {"_id": 1}


def _slot_id(key: str, n: int) -> str:
    return f"{key}#{n}"
