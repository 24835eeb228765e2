"""notification's collections, their indexes, and every query and update on them.

- alerts: one per triggering event; carries its escalation timer (next_step_at) and an outbox
- escalation_steps: one per alert and tier (id from step_id), who was notified and why
- escalation_triggers: one per event that climbed the ladder, with the tiers it chose
- deliveries: one per step, member and channel, with state, attempts and retry timer
- alert_timers, delivery_timers: what the loops poll (see services/common/timers.py)
- rotas: one per school; staff: the users known at each school; schools: names (rotas and
  staff carry an outbox: their admin audit events)
- admin_actions: administrative actions with no document of their own left to carry their
  audit event (removing a member of staff), written once with it
- adult_notices: one per event that told case managers of a concern about an adult (`_id`
  = the event's id): whom it reached and whom it could not; adult_routes: per adult case
  (`_id` = its id), who manages it, for its deadlines' notices
- child_flags: one per child with a context ("<school>/<pupil>"): the flags alerts show
  beside the child (a child protection plan, looked after, SEND), from case's events
- operations_alerts (store_operations.py): one per dead letter, for the operators

Hot paths look documents up by `_id` (FerretDB 1.x scans for anything else).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any

from pymongo import ASCENDING, DESCENDING
from pymongo.asynchronous.collection import AsyncCollection
from pymongo.asynchronous.database import AsyncDatabase

from services.common.locks import lock_key
from services.common.outbox import ensure_outbox_index
from services.common.school_cache import SchoolCache
from services.common.store import (
    Document,
    insert_if_absent,
    upsert_if_newer,
)
from services.common.timers import Timers
from services.notification.domain.rota import Rota
from services.notification.store_operations import OperationsAlertsStore

WITHOUT_OUTBOX = {"outbox": 0}


class NotificationStore:
    def __init__(self, db: AsyncDatabase[Document], *, school_cache_seconds: float = 60.0) -> None:
        self.alerts: AsyncCollection[Document] = db["alerts"]
        self.schools: AsyncCollection[Document] = db["schools"]
        self.rotas: AsyncCollection[Document] = db["rotas"]
        # Each school's rota as escalation reads it, at every step of every alert
        # (services.common.school_cache); who may act on an alert is always read afresh.
        self.rota_cache: SchoolCache[Rota | None] = SchoolCache(school_cache_seconds)
        self.staff: AsyncCollection[Document] = db["staff"]
        self.steps: AsyncCollection[Document] = db["escalation_steps"]
        self.triggers: AsyncCollection[Document] = db["escalation_triggers"]
        self.deliveries: AsyncCollection[Document] = db["deliveries"]
        self.alert_timers = Timers(db["alert_timers"])
        self.delivery_timers = Timers(db["delivery_timers"])
        self.admin_actions: AsyncCollection[Document] = db["admin_actions"]
        self.adult_notices: AsyncCollection[Document] = db["adult_notices"]
        self.adult_routes: AsyncCollection[Document] = db["adult_routes"]
        self.child_flags: AsyncCollection[Document] = db["child_flags"]
        # Alerts to the operators about dead letters (store_operations.py).
        self.operations = OperationsAlertsStore(db)

    @property
    def with_outbox(self) -> tuple[AsyncCollection[Document], ...]:
        """Documents changed under their lock, whose events the relay publishes."""
        return (self.alerts, self.rotas, self.staff)

    async def ensure_indexes(self) -> None:
        for collection in (*self.with_outbox, self.admin_actions):
            await ensure_outbox_index(collection)
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
        await self.operations.ensure_indexes()

    # --- schools (from intake's events) ---------------------------------------------------

    async def school(self, school_id: str) -> Document | None:
        return await self.schools.find_one({"_id": school_id})

    async def school_name(self, school_id: str) -> str | None:
        school = await self.school(school_id)
        return school["name"] if school else None

    async def record_school(
        self, school_id: str, trust_id: str, name: str, as_of: datetime
    ) -> bool:
        """Keep the newest name and trust of a school; False if this news was older."""
        state = {"name": name, "trust_id": trust_id, "school_id": school_id}
        return await upsert_if_newer(self.schools, school_id, state, as_of)

    # --- alerts ---------------------------------------------------------------------------

    async def alert(self, alert_id: str) -> Document | None:
        return await self.alerts.find_one({"_id": alert_id}, projection=WITHOUT_OUTBOX)

    async def alert_of_school(self, alert_id: str, school_id: str) -> Document | None:
        alert = await self.alert(alert_id)
        return alert if alert is not None and alert["school_id"] == school_id else None

    async def alert_in(self, scope: Mapping[str, str], alert_id: str) -> Document | None:
        """The alert if it lies within `scope` (a tenant filter: school or trust)."""
        return await self.alerts.find_one({"_id": alert_id, **scope}, projection=WITHOUT_OUTBOX)

    async def alerts_in(
        self, scope: Mapping[str, str], acknowledged: bool | None, limit: int
    ) -> list[Document]:
        """Alerts within `scope`, newest first; only (un)acknowledged ones if asked."""
        query: dict[str, Any] = dict(scope)
        if acknowledged is not None:
            query["acknowledged_at"] = {"$ne": None} if acknowledged else None
        cursor = self.alerts.find(query, projection=WITHOUT_OUTBOX)
        return [alert async for alert in cursor.sort("created_at", -1).limit(limit)]

    async def alerts_awaiting_rota(self, school_id: str) -> list[str]:
        """Unacknowledged alerts of the school that stopped climbing for want of a rota."""
        waiting = {"school_id": school_id, "awaiting_rota": True, "acknowledged_at": None}
        return [a["_id"] async for a in self.alerts.find(waiting, projection={"_id": 1})]

    # --- children's flags (from case.context.changed.v1) ---------------------------------

    async def record_child_flags(
        self, trust_id: str, school_id: str, pupil_id: str, flags: list[str], version: int
    ) -> bool:
        """Keep the flags of the child's newest context; False if this news was older."""
        state = {"trust_id": trust_id, "school_id": school_id, "flags": flags}
        return await upsert_if_newer(
            self.child_flags, child_key(school_id, pupil_id), state, version
        )

    async def flags_of_children(self, keys: Iterable[str]) -> dict[str, list[str]]:
        """ "<school>/<pupil>" → the child's flags, for the children that have any."""
        wanted = sorted(set(keys))
        if not wanted:
            return {}
        found = self.child_flags.find({"_id": {"$in": wanted}}, projection={"flags": 1})
        return {doc["_id"]: list(doc.get("flags", [])) async for doc in found}

    # --- escalation steps and triggers ----------------------------------------------------

    async def step(self, step_id: str) -> Document | None:
        return await self.steps.find_one({"_id": step_id})

    async def steps_by_id(self, step_ids: Iterable[str]) -> list[Document]:
        """The steps that exist among these ids, in the order given (`_id` lookups only)."""
        found = [await self.step(step_id) for step_id in step_ids]
        return [step for step in found if step is not None]

    async def steps_of_alert(self, alert_id: str) -> list[Document]:
        """Every step of an alert, lowest tier first (for reading one alert)."""
        cursor = self.steps.find({"alert_id": alert_id}).sort("tier", 1)
        return [step async for step in cursor]

    async def add_step(self, step: Document) -> bool:
        """False if a step for that alert and tier was taken already."""
        return await insert_if_absent(self.steps, step)

    async def mark_step_planned(self, step_id: str) -> None:
        await self.steps.update_one({"_id": step_id}, {"$set": {"planned": True}})

    async def trigger(self, key: str) -> Document | None:
        return await self.triggers.find_one({"_id": key})

    async def add_trigger(self, trigger: Document) -> bool:
        return await insert_if_absent(self.triggers, trigger)

    # --- deliveries -----------------------------------------------------------------------

    def delivery_lock(self, delivery_id: str) -> str:
        """The lock every read-check-write of a delivery holds (the loop's replicas race)."""
        return lock_key(self.deliveries, delivery_id)

    async def delivery(self, delivery_id: str) -> Document | None:
        return await self.deliveries.find_one({"_id": delivery_id})

    async def deliveries_of_alert(self, alert_id: str) -> list[Document]:
        """Every delivery of an alert, by tier, then person, then channel."""
        found = [d async for d in self.deliveries.find({"alert_id": alert_id})]
        return sorted(found, key=lambda d: (d["tier"], d["user_id"], d["channel"]))

    async def add_delivery(self, delivery: Document) -> bool:
        return await insert_if_absent(self.deliveries, delivery)

    async def lease_delivery(self, delivery_id: str, until: datetime) -> None:
        await self.deliveries.update_one({"_id": delivery_id}, {"$set": {"next_attempt_at": until}})

    async def update_pending_delivery(self, delivery_id: str, fields: Mapping[str, Any]) -> None:
        """Record an attempt's outcome on a delivery that is still pending (else nothing)."""
        await self.deliveries.update_one(
            {"_id": delivery_id, "state": "pending"}, {"$set": dict(fields)}
        )

    # --- rotas and staff ------------------------------------------------------------------

    async def rota_document(self, school_id: str) -> Document | None:
        return await self.rotas.find_one({"_id": school_id}, projection=WITHOUT_OUTBOX)

    async def rota(self, school_id: str) -> Rota | None:
        """The school's current rota: escalation takes it as it is at each step."""
        return await self.rota_cache.get(school_id, lambda: self._rota_stored(school_id))

    async def _rota_stored(self, school_id: str) -> Rota | None:
        stored = await self.rota_document(school_id)
        return Rota.model_validate(stored["rota"]) if stored else None

    async def is_rota_member(self, school_id: str, user_id: str) -> bool:
        found = await self.rotas.find_one(
            {"_id": school_id, "member_ids": user_id}, projection={"_id": 1}
        )
        return found is not None

    @staticmethod
    def rota_state(trust_id: str, school_id: str, rota: Rota) -> Document:
        """A rota as stored: with its members' ids, so that membership is one `_id` lookup."""
        return {
            "trust_id": trust_id,
            "school_id": school_id,
            "rota": rota.model_dump(mode="json"),
            "member_ids": [m.user_id for tier in rota.tiers for m in tier.members],
        }

    @staticmethod
    def staff_key(school_id: str, user_id: str) -> str:
        return _staff_id(school_id, user_id)

    async def staff_member(self, school_id: str, user_id: str) -> Document | None:
        return await self.staff.find_one(
            {"_id": _staff_id(school_id, user_id)}, projection=WITHOUT_OUTBOX
        )

    async def staff_of(
        self, school_id: str, *, after: str | None = None, limit: int = 1000
    ) -> list[Document]:
        """A page of the school's staff in user id order, from the first after `after`."""
        query: dict[str, Any] = {"school_id": school_id}
        if after is not None:
            query["user_id"] = {"$gt": after}
        cursor = self.staff.find(query, projection=WITHOUT_OUTBOX).sort("user_id", 1)
        return [member async for member in cursor.limit(limit)]

    async def staff_ids(self, school_id: str) -> set[str]:
        cursor = self.staff.find({"school_id": school_id}, projection={"user_id": 1})
        return {member["user_id"] async for member in cursor}

    async def staff_at(self, school_id: str) -> list[Document]:
        """Every member of staff notification knows at the school (a short list)."""
        return await self.staff_of(school_id, limit=5000)

    # --- concerns about adults --------------------------------------------------------------

    async def adult_notice(self, notice_id: str) -> Document | None:
        return await self.adult_notices.find_one({"_id": notice_id})

    async def add_adult_notice(self, notice: Document) -> bool:
        return await insert_if_absent(self.adult_notices, notice)

    async def adult_route(self, case_id: str) -> Document | None:
        return await self.adult_routes.find_one({"_id": case_id})

    async def keep_adult_route(self, route: Document) -> None:
        """Who manages the case, as it opened (its manager role never changes)."""
        await insert_if_absent(self.adult_routes, route)

    async def remove_staff(self, school_id: str, user_id: str) -> None:
        await self.staff.delete_one({"_id": _staff_id(school_id, user_id), "school_id": school_id})


def _staff_id(school_id: str, user_id: str) -> str:
    return f"{school_id}:{user_id}"


def child_key(school_id: str, pupil_id: str) -> str:
    return f"{school_id}/{pupil_id}"
