"""Transfers of files between schools, as stored.

- transfers: one per transfer (`_id` = its id), with its offers and an outbox
- transfer_links: one per one-time link (`_id` = the digest of its token), with the
  access code's digest and the wrong codes tried
- child_transfers: "<school>/<pupil>" → the child's transfer ids
- incoming_transfers: school id → the ids of transfers offered to it

Every read is by `_id`: the small index documents stand in for a filter on transfers.
"""

from __future__ import annotations

import asyncio

from pymongo.asynchronous.collection import AsyncCollection
from pymongo.asynchronous.database import AsyncDatabase

from services.common.outbox import ensure_outbox_index
from services.common.store import Document, insert_if_absent

WITHOUT_OUTBOX = {"outbox": 0}


class TransferStore:
    def __init__(self, db: AsyncDatabase[Document]) -> None:
        self.db = db
        self.transfers: AsyncCollection[Document] = db["transfers"]
        self.transfer_links: AsyncCollection[Document] = db["transfer_links"]
        self.child_transfers: AsyncCollection[Document] = db["child_transfers"]
        self.incoming_transfers: AsyncCollection[Document] = db["incoming_transfers"]

    @property
    def with_outbox(self) -> tuple[AsyncCollection[Document], ...]:
        return (self.transfers,)

    async def ensure_transfer_indexes(self) -> None:
        await ensure_outbox_index(self.transfers)

    async def transfer(self, transfer_id: str) -> Document | None:
        return await self.transfers.find_one({"_id": transfer_id}, projection=WITHOUT_OUTBOX)

    async def transfers_by_id(self, transfer_ids: list[str]) -> list[Document]:
        found = await asyncio.gather(*(self.transfer(i) for i in transfer_ids))
        return [transfer for transfer in found if transfer is not None]

    async def list_child_transfer(self, school_id: str, pupil_id: str, transfer_id: str) -> None:
        await self.child_transfers.update_one(
            {"_id": f"{school_id}/{pupil_id}"},
            {"$addToSet": {"transfer_ids": transfer_id}},
            upsert=True,
        )

    async def child_transfer_ids(self, school_id: str, pupil_id: str) -> list[str]:
        found = await self.child_transfers.find_one({"_id": f"{school_id}/{pupil_id}"})
        return list((found or {}).get("transfer_ids", []))

    async def list_incoming(self, school_id: str, transfer_id: str) -> None:
        await self.incoming_transfers.update_one(
            {"_id": school_id}, {"$addToSet": {"transfer_ids": transfer_id}}, upsert=True
        )

    async def incoming_ids(self, school_id: str) -> list[str]:
        found = await self.incoming_transfers.find_one({"_id": school_id})
        return list((found or {}).get("transfer_ids", []))

    async def add_link(self, link: Document) -> bool:
        return await insert_if_absent(self.transfer_links, link)

    async def link(self, link_id: str) -> Document | None:
        return await self.transfer_links.find_one({"_id": link_id})
