"""Transfers of files between schools (filled in with the transfers)."""

from __future__ import annotations

from pymongo.asynchronous.collection import AsyncCollection
from pymongo.asynchronous.database import AsyncDatabase

from services.common.store import Document


class TransferStore:
    def __init__(self, db: AsyncDatabase[Document]) -> None:
        self.db = db

    @property
    def with_outbox(self) -> tuple[AsyncCollection[Document], ...]:
        return ()

    async def ensure_transfer_indexes(self) -> None:
        return None
