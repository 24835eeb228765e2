"""Concerns about adults for tests that drive case's use cases directly: the concern as
intake publishes it, the people around the case, and what case publishes in turn (taken
from a document's outbox, as the relay would)."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from contracts.adult_cases import AdultSubject, adult_case_id
from contracts.envelope import Actor, Envelope, Subject
from contracts.intake_v1 import ADULT_CONCERN_RAISED, AdultConcernRaised, Reporter
from contracts.registry import decode
from contracts.vocabulary import Role
from services.case.ports import CasePorts
from services.case.usecases.open_adult_case import open_adult_case
from services.common.auth import Principal
from services.common.events import make_envelope
from tests.support.case_world import OAK, SchoolIds


def at(school: SchoolIds, user: str, *roles: Role) -> Principal:
    return Principal(user, frozenset(roles), school.school_id, school.trust_id)


HEAD = at(OAK, "head-1", Role.HEADTEACHER)
CHAIR = at(OAK, "chair-1", Role.CHAIR_OF_GOVERNORS)
DSL = at(OAK, "dsl-1", Role.DSL)
OTHER_DSL = at(OAK, "dsl-2", Role.DSL)
TEACHER = at(OAK, "teacher-1", Role.STAFF)
ADMIN = at(OAK, "admin-1", Role.ADMIN)


def adult_concern(
    received_at: datetime,
    *,
    name: str = "Sam Teach",
    role: str = "staff",
    staff_user_id: str | None = "teacher-9",
    occurred_at: datetime | None = None,
    children: list[str] | None = None,
    school: SchoolIds = OAK,
) -> Envelope[AdultConcernRaised]:
    concern_id = str(uuid.uuid4())
    payload = AdultConcernRaised(
        adult_concern_id=concern_id,
        case_id=adult_case_id(concern_id),
        subject=AdultSubject(name=name, role=role, staff_user_id=staff_user_id),
        occurred_at=occurred_at or received_at,
        received_at=received_at,
        description="Shouted at a pupil and grabbed his arm in the corridor.",
        children_involved=children or [],
        whistleblowing=False,
        reported_by=Reporter(user_id="teacher-1", role="staff"),
    )
    return make_envelope(  # type: ignore[return-value]
        ADULT_CONCERN_RAISED,
        payload,
        trust_id=school.trust_id,
        school_id=school.school_id,
        subject=Subject(kind="adult", id=payload.case_id),
        actor=Actor(kind="user", id="teacher-1", role="staff"),
    )


async def opened(ports: CasePorts, **concern: Any) -> str:
    """A concern about an adult raised and its case opened; the case's id."""
    event = adult_concern(ports.clock.now(), **concern)
    await open_adult_case(ports, event)
    return event.payload.case_id


async def published(ports: CasePorts, collection: str, doc_id: str, event_type: str) -> list[Any]:
    """The events of this type in a document's outbox, as their consumers receive them."""
    document = await getattr(ports.store, collection).find_one({"_id": doc_id})
    return [
        decode(entry["body"].encode())
        for entry in (document or {}).get("outbox", [])
        if entry["event_type"] == event_type
    ]
