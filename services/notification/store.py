"""notification's collections.

- alerts: one per triggering event; carries its escalation timer (next_step_at)
- escalation_steps: one per alert and tier (id from step_id), who was notified and why
- escalation_triggers: one per event that climbed the ladder, with the tiers it chose
- deliveries: one per step, member and channel, with state, attempts and retry timer
- alert_timers, delivery_timers: what the loops poll (see timers.py)
- rotas: one per school; staff: the users known at each school; schools: names
"""

from __future__ import annotations

from pymongo import ASCENDING, DESCENDING
from pymongo.asynchronous.collection import AsyncCollection
from pymongo.asynchronous.database import AsyncDatabase

from services.common.outbox import ensure_outbox_index
from services.common.store import Document
from services.common.timers import Timers


class NotificationStore:
    def __init__(self, db: AsyncDatabase[Document]) -> None:
        self.alerts: AsyncCollection[Document] = db["alerts"]
        self.schools: AsyncCollection[Document] = db["schools"]
        self.rotas: AsyncCollection[Document] = db["rotas"]
        self.staff: AsyncCollection[Document] = db["staff"]
        self.steps: AsyncCollection[Document] = db["escalation_steps"]
        self.triggers: AsyncCollection[Document] = db["escalation_triggers"]
        self.deliveries: AsyncCollection[Document] = db["deliveries"]
        self.alert_timers = Timers(db["alert_timers"])
        self.delivery_timers = Timers(db["delivery_timers"])

    @property
    def with_outbox(self) -> tuple[AsyncCollection[Document], ...]:
        return (self.alerts,)

    async def school_name(self, school_id: str) -> str | None:
        school = await self.schools.find_one({"_id": school_id})
        return school["name"] if school else None

    async def ensure_indexes(self) -> None:
        await ensure_outbox_index(self.alerts)
        await self.alerts.create_index(
            [("school_id", ASCENDING), ("created_at", DESCENDING)], name="school_created"
        )
        await self.alerts.create_index(
            [("trust_id", ASCENDING), ("created_at", DESCENDING)], name="trust_created"
        )
        await self.alerts.create_index(
            [("school_id", ASCENDING), ("awaiting_rota", ASCENDING)], name="awaiting_rota"
        )
        await self.steps.create_index([("alert_id", ASCENDING)], name="alert")
        await self.deliveries.create_index([("alert_id", ASCENDING)], name="alert")
        await self.staff.create_index([("school_id", ASCENDING)], name="school")
