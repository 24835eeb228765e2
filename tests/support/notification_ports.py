"""notification's use cases over in-memory ports: a school with its staff and rota, the
people who act there, and the events that reach it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from contracts.envelope import Envelope
from contracts.vocabulary import Role
from services.common.auth import Principal
from services.common.locks import DocumentLocks
from services.notification.domain.staff import StaffMember
from services.notification.ports import NotificationPorts
from services.notification.store import NotificationStore
from services.notification.usecases.set_rota import set_rota
from services.notification.usecases.set_staff import set_staff
from tests.support import events
from tests.support.alerting import deadline_event
from tests.support.api import School
from tests.support.memory import FixedClock, RecordingRelay, memory_db, memory_writer

SCHOOL_ID, TRUST_ID = "oak", "oak-trust"
ADMIN = Principal("admin-1", frozenset({Role.ADMIN}), SCHOOL_ID, TRUST_ID)
# The standard rota: one DSL, then a deputy, then the headteacher.
TIERS = [["dsl-1"], ["deputy-1"], ["head-1"]]


def person(user_id: str, role: Role = Role.DSL, school_id: str = SCHOOL_ID) -> Principal:
    return Principal(user_id, frozenset({role}), school_id, None)


def member(user_id: str) -> dict[str, Any]:
    return {
        "user_id": user_id,
        "name": f"Staff {user_id}",
        "email": f"{user_id}@oak.sch.uk",
        "phone": "07911 123456",
    }


def rota_body(tiers: list[list[str]] = TIERS, normal_step_seconds: int = 900) -> dict[str, Any]:
    return {
        "tiers": [{"members": [member(u) for u in tier]} for tier in tiers],
        "escalation": {"normal_step_seconds": normal_step_seconds},
    }


@dataclass(frozen=True)
class _Ids:
    """What the event builders read of a School (which would mint tokens we do not need)."""

    school_id: str
    trust_id: str


@dataclass
class AlertingWorld:
    ports: NotificationPorts
    relay: RecordingRelay
    school: School

    @property
    def store(self) -> NotificationStore:
        return self.ports.store

    @property
    def clock(self) -> FixedClock:
        return self.ports.clock  # type: ignore[return-value]

    async def staff_and_rota(self, tiers: list[list[str]] = TIERS, **escalation: int) -> None:
        for user_id in {u for tier in tiers for u in tier}:
            await set_staff(
                self.ports, ADMIN, SCHOOL_ID, user_id, StaffMember(name=f"Staff {user_id}")
            )
        await set_rota(self.ports, ADMIN, SCHOOL_ID, rota_body(tiers, **escalation))
        # The set-up's own audit events are not what the tests after it look at.
        self.relay.enqueued.clear()

    def concern(self, **details: Any) -> Envelope[Any]:
        return events.concern_raised(self.school, "P1", received_at=self.clock.now(), **details)

    def police_notification(self) -> Envelope[Any]:
        return events.encompass_notified(self.school, "P1", received_at=self.clock.now())

    def deadline(self, event_type: str, source_event_id: str, rule: str = "dsl-triage") -> Any:
        return deadline_event(
            event_type, self.school, source_event_id=source_event_id, pupil="P1", rule=rule
        )

    async def tiers_taken(self, alert_id: str) -> list[tuple[int, str]]:
        """(tier counted from 1, reason) of every step the alert has taken."""
        return [(s["tier"] + 1, s["reason"]) for s in await self.store.steps_of_alert(alert_id)]


async def alerting_world(channels: frozenset[str] = frozenset({"email", "sms"})) -> AlertingWorld:
    db = memory_db()
    store = NotificationStore(db)
    writer, relay = memory_writer(db)
    ports = NotificationPorts(
        store,
        writer,
        DocumentLocks(db["locks"], ttl=timedelta(seconds=30)),
        FixedClock(),
        channels=channels,  # type: ignore[arg-type]
    )
    await store.schools.insert_one(
        {"_id": SCHOOL_ID, "school_id": SCHOOL_ID, "trust_id": TRUST_ID, "name": "Oak Primary"}
    )
    return AlertingWorld(ports, relay, _Ids(SCHOOL_ID, TRUST_ID))  # type: ignore[arg-type]
