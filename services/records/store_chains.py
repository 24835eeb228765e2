"""Hash chains as stored: a head per chain, the entries in pages, and the keys that make
an append idempotent. Used for children's files and for their access logs.

- `<kind>_heads`: `_id` = the chain's id; `seq` and `hash` of its last entry, and the
  entry being appended (`pending`) until it is in its page.
- `<kind>_pages`: `_id` = "<chain>#<n>": entries (n·PAGE_SIZE + 1) … (n+1)·PAGE_SIZE, each
  stored as its JSON text.
- `<kind>_keys`: `_id` = "<chain>#<key>": the position of the entry a key (an event's id)
  was appended as.

A file is read by `_id` only (the head, then its pages), never by a filter FerretDB would
answer with a scan. Pages rather than a document per entry: on FerretDB 1.24 reading 200
entries took 193–330 ms as 200 `_id` lookups (and 2.5 s with `$in`, a scan). Entries as
JSON text rather than nested documents: FerretDB decodes every nested field, so 7 pages of
32 concern entries took 85–110 ms as documents and 21–43 ms as text. Every write here is
made by the writer holding the chain head's claim (usecases/chain_append.py), which
is what makes the read-check-write safe.

Each entry's text (and a pending entry) is sealed at rest under its trust's data key
(services.common.field_cipher): a chain's whole content is free text about the child. The
hashes are of the entries' plain content, so a file verifies the same whoever sealed it,
under whichever key, and after a transfer re-seals it under the receiving trust's key.
Entries stored before encryption are plain text in their page and read as they are.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from cachetools import LRUCache
from pymongo import UpdateOne
from pymongo.asynchronous.collection import AsyncCollection
from pymongo.asynchronous.database import AsyncDatabase

from services.common.field_cipher import FieldCipher, TrustCipher, is_sealed
from services.common.locks import LocalLocks
from services.common.retries import retry_busy
from services.common.store import Document, insert_if_absent
from services.records.domain.chain import GENESIS, Entry
from services.records.store_chain_claims import HeadClaims

PAGE_SIZE = 32
RECENT_HEADS = 10_000


def page_of(seq: int) -> int:
    return (seq - 1) // PAGE_SIZE


class ChainStore(HeadClaims):
    def __init__(
        self, db: AsyncDatabase[Document], kind: str, cipher: FieldCipher | None = None
    ) -> None:
        self.cipher = cipher
        self.heads: AsyncCollection[Document] = db[f"{kind}_heads"]
        self.pages: AsyncCollection[Document] = db[f"{kind}_pages"]
        self.keys: AsyncCollection[Document] = db[f"{kind}_keys"]
        # Writers of one chain in this process take turns here before claiming its head.
        self.turns = LocalLocks()
        # Heads as this process last moved them on: the next append starts from one without
        # reading it (its claim names the `seq` it starts from, so a head another replica
        # moved since makes the claim fail, and the writer reads the head).
        self.recent_heads: LRUCache[str, Document] = LRUCache(maxsize=RECENT_HEADS)

    # -- reading ---------------------------------------------------------------------------

    def remember_head(self, chain: str, entry: Entry) -> None:
        self.recent_heads[chain] = {"_id": chain, "seq": entry["seq"], "hash": entry["hash"]}

    async def head(self, chain: str) -> Document | None:
        head = await self.heads.find_one({"_id": chain})
        if head is not None and is_sealed(head.get("pending")):
            box = await self._box(head)
            head["pending"] = json.loads(box.open(head["pending"]))
        return head

    async def entries(self, chain: str, through: int) -> list[Entry]:
        """Entries 1 … `through` (the head's seq), in order."""
        if through <= 0:
            return []
        numbers = range(page_of(through) + 1)
        pages = await asyncio.gather(
            *(self.pages.find_one({"_id": _page_id(chain, n)}) for n in numbers)
        )
        found: list[Entry] = []
        for page in pages:
            found.extend(await self._entries_of(page))
        return [entry for entry in found if entry.get("seq", 0) <= through]

    # -- appending (by the writer that holds the head's claim, store_chain_claims.py) -------

    async def sealed_pending(self, tenant: Mapping[str, Any], pending: Mapping[str, Any]) -> Any:
        """A pending entry as the head stores it: sealed as its JSON text (without a
        cipher, as the document it always was)."""
        if self.cipher is None:
            return dict(pending)
        return (await self._box(tenant)).seal(entry_text(pending))

    async def set_pending(
        self, chain: str, tenant: Mapping[str, str], pending: Mapping[str, Any]
    ) -> None:
        """The head records the entry about to be appended (the caller holds its claim)."""
        sealed = await self.sealed_pending(tenant, pending)
        await retry_busy(
            lambda: self.heads.update_one({"_id": chain}, {"$set": {"pending": sealed}})
        )

    async def put_in_page(
        self, chain: str, tenant: Mapping[str, str], entry: Entry, *, check: bool
    ) -> None:
        """The entry into its page. `check`: after a crash, it may be there already."""
        page_id = _page_id(chain, page_of(entry["seq"]))
        if check:
            page = await self.pages.find_one({"_id": page_id})
            if any(e.get("seq") == entry["seq"] for e in await self._entries_of(page)):
                return
        sealed = (await self._box(tenant)).seal(entry_text(entry))
        push = _page_push(chain, tenant, entry, sealed)
        await retry_busy(lambda: self.pages.update_one({"_id": page_id}, push, upsert=True))

    async def put_all_in_pages(
        self, entries: Sequence[tuple[str, Mapping[str, str], Entry]]
    ) -> None:
        """`put_in_page` (unchecked) for entries of many chains, in one bulk write."""
        if not entries:
            return
        writes = []
        for chain, tenant, entry in entries:
            sealed = (await self._box(tenant)).seal(entry_text(entry))
            page_id = _page_id(chain, page_of(entry["seq"]))
            push = _page_push(chain, tenant, entry, sealed)
            writes.append(UpdateOne({"_id": page_id}, push, upsert=True))
        await self.pages.bulk_write(writes, ordered=False)

    async def heads_of(self, chains: Sequence[str]) -> dict[str, Document]:
        """Heads by `_id`, in one query (FerretDB answers `_id` `$in` from its index here,
        deploy/ferretdb/patches/sqlite_prefilter.go)."""
        found: dict[str, Document] = {}
        async for head in self.heads.find({"_id": {"$in": list(chains)}}):
            if is_sealed(head.get("pending")):
                head["pending"] = json.loads((await self._box(head)).open(head["pending"]))
            found[head["_id"]] = head
        return found

    # -- whole chains written once (a received file) and disposal ---------------------------

    async def store_whole(
        self, chain: str, tenant: Mapping[str, str], entries: Sequence[Entry]
    ) -> None:
        """Store a chain received whole, pages first and head last; a repeat after a crash
        rewrites the same pages and finds the head there."""
        box = await self._box(tenant)
        for number in range(page_of(len(entries)) + 1 if entries else 0):
            chunk = [box.seal(entry_text(e)) for e in entries if page_of(e["seq"]) == number]
            await retry_busy(
                lambda chunk=chunk, number=number: self.pages.update_one(
                    {"_id": _page_id(chain, number)},
                    {
                        "$set": {
                            **tenant,
                            "chain": chain,
                            "page": number,
                            "entries": chunk,
                        }
                    },
                    upsert=True,
                )
            )
        last = entries[-1] if entries else None
        head = {**tenant, "seq": len(entries), "hash": last["hash"] if last else GENESIS}
        await insert_if_absent(self.heads, {"_id": chain, **head, "pending": None})

    async def mark_disposed(self, chain: str, at: datetime) -> None:
        """The head says its file's content was disposed of (by the claim's holder)."""
        await retry_busy(
            lambda: self.heads.update_one({"_id": chain}, {"$set": {"disposed_at": at}})
        )

    async def strip_records(self, chain: str, through: int) -> int:
        """Remove the content of entries 1 … `through`, keeping their digests and hashes
        (a disposal); returns how many lost their content."""
        removed = 0
        for number in range(page_of(through) + 1 if through > 0 else 0):
            page = await self.pages.find_one({"_id": _page_id(chain, number)})
            if page is None:
                continue
            kept = []
            box = await self._box(page)
            for entry in await self._entries_of(page):
                if entry.get("seq", 0) <= through and "record" in entry:
                    entry = {k: v for k, v in entry.items() if k != "record"}
                    removed += 1
                kept.append(box.seal(entry_text(entry)))
            await retry_busy(
                lambda page=page, kept=kept: self.pages.update_one(
                    {"_id": page["_id"]}, {"$set": {"entries": kept}}
                )
            )
        return removed

    # -- sealing ----------------------------------------------------------------------------

    async def _box(self, tenant: Mapping[str, Any]) -> TrustCipher | _Plain:
        if self.cipher is None:
            return _Plain()
        return await self.cipher.for_trust(tenant.get("trust_id"))

    async def _entries_of(self, page: Document | None) -> list[Entry]:
        if page is None:
            return []
        box = await self._box(page)
        return [json.loads(box.open(text)) for text in page.get("entries", [])]


class _Plain:
    """No cipher (unit tests' in-memory store): entries as text."""

    def seal(self, text: str) -> str:
        return text

    def open(self, value: Any) -> Any:
        return value


def entry_text(entry: Mapping[str, Any]) -> str:
    return json.dumps(entry, separators=(",", ":"), sort_keys=True, ensure_ascii=False)


def _page_id(chain: str, number: int) -> str:
    return f"{chain}#{number}"


def _page_push(chain: str, tenant: Mapping[str, str], entry: Entry, sealed: Any) -> Document:
    return {
        "$push": {"entries": sealed},
        "$setOnInsert": {**tenant, "chain": chain, "page": page_of(entry["seq"])},
    }
