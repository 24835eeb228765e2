"""Notification's collections: alerts and the schools it alerts for."""

from __future__ import annotations

from pymongo import ASCENDING, DESCENDING
from pymongo.asynchronous.collection import AsyncCollection
from pymongo.asynchronous.database import AsyncDatabase

from services.common.outbox import ensure_outbox_index
from services.common.store import Document


class NotificationStore:
    def __init__(self, db: AsyncDatabase[Document]) -> None:
        self.alerts: AsyncCollection[Document] = db["alerts"]
        self.schools: AsyncCollection[Document] = db["schools"]

    @property
    def with_outbox(self) -> tuple[AsyncCollection[Document], ...]:
        return (self.alerts,)

    async def ensure_indexes(self) -> None:
        await ensure_outbox_index(self.alerts)
        await self.alerts.create_index(
            [("school_id", ASCENDING), ("created_at", DESCENDING)], name="school_created"
        )
        await self.alerts.create_index(
            [("trust_id", ASCENDING), ("created_at", DESCENDING)], name="trust_created"
        )
