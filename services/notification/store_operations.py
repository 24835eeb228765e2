"""notification's alerts to the operators (one per dead letter), their e-mails' timers,
and the queries on them. Dead letters are rare, so these collections stay small."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from pymongo import ASCENDING, DESCENDING
from pymongo.asynchronous.collection import AsyncCollection
from pymongo.asynchronous.database import AsyncDatabase

from services.common.locks import lock_key
from services.common.store import Document, insert_if_absent
from services.common.timers import Timers


class OperationsAlertsStore:
    def __init__(self, db: AsyncDatabase[Document]) -> None:
        self.alerts: AsyncCollection[Document] = db["operations_alerts"]
        self.timers = Timers(db["operations_alert_timers"])

    async def ensure_indexes(self) -> None:
        await self.alerts.create_index(
            [("trust_id", ASCENDING), ("created_at", DESCENDING)], name="trust_created"
        )

    def lock(self, alert_id: str) -> str:
        return lock_key(self.alerts, alert_id)

    async def add(self, alert: Document) -> bool:
        """False if this dead letter was reported already."""
        return await insert_if_absent(self.alerts, alert)

    async def alert(self, alert_id: str) -> Document | None:
        return await self.alerts.find_one({"_id": alert_id})

    async def record_sending(self, alert_id: str, fields: Mapping[str, Any]) -> None:
        await self.alerts.update_one({"_id": alert_id}, {"$set": dict(fields)})

    async def of_trust(self, trust_id: str, limit: int) -> list[Document]:
        """The alerts about dead letters that named this trust, newest first."""
        cursor = self.alerts.find({"trust_id": trust_id}, projection={"emails": 0})
        return [alert async for alert in cursor.sort("created_at", -1).limit(limit)]

    async def send_at(self, alert_id: str, when: datetime | None) -> None:
        if when is None:
            await self.timers.clear(alert_id)
        else:
            await self.timers.set(alert_id, when)

    async def due(self, now: datetime, limit: int) -> list[str]:
        return await self.timers.due(now, limit)
