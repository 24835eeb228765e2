"""case's use cases on in-memory ports: a school, its people and the events that reach case,
for unit tests that read like the rules."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from contracts.envelope import Actor, Envelope, Subject
from contracts.intake_v1 import PUPIL_LEFT, PupilLeft
from contracts.notification_v1 import ALERT_ACKNOWLEDGED, AlertAcknowledged, AlertSource
from contracts.records_v1 import (
    TRANSFER_RECEIVED,
    TRANSFER_STARTED,
    TransferReceived,
    TransferStarted,
)
from contracts.vocabulary import Role
from services.case.ports import CasePorts
from services.case.store import CaseStore
from services.common.auth import Principal
from services.common.events import SYSTEM, make_envelope
from services.common.locks import DocumentLocks
from tests.support import events
from tests.support.memory import FixedClock, RecordingRelay, memory_db, memory_writer


@dataclass(frozen=True)
class SchoolIds:
    school_id: str = "oak"
    trust_id: str = "oak-trust"


OAK = SchoolIds()
ELM = SchoolIds("elm", "elm-trust")


def person(user_id: str, role: Role, school: SchoolIds = OAK) -> Principal:
    return Principal(user_id, frozenset({role}), school.school_id, school.trust_id)


KNOWN_SINCE = datetime(2025, 9, 1, tzinfo=UTC)
DSL = person("dsl-1", Role.DSL)
ADMIN = person("admin-1", Role.ADMIN)
STAFF = person("teacher-1", Role.STAFF)
DEPUTY = person("deputy-1", Role.DEPUTY_DSL)
HEAD = person("head-1", Role.HEADTEACHER)
TRUST_LEAD = Principal("lead-1", frozenset({Role.TRUST_SAFEGUARDING_LEAD}), None, OAK.trust_id)


async def memory_case(clock: FixedClock | None = None) -> tuple[CasePorts, RecordingRelay]:
    """case's ports on a fresh in-memory store that knows the schools OAK and ELM."""
    db = memory_db()
    writer, relay = memory_writer(db)
    locks = DocumentLocks(db["locks"], ttl=timedelta(seconds=30))
    ports = CasePorts(
        CaseStore(db), writer, locks, clock or FixedClock(), approaching_fraction=0.25
    )
    # As case's composition root has it (services/case/main.py).
    writer.guard_by_version(ports.store.cases, ports.store.pattern_watch)
    for school in (OAK, ELM):
        await ports.store.record_school(
            school.school_id, school.trust_id, "A school", as_of=KNOWN_SINCE
        )
    return ports, relay


async def on_roll(ports: CasePorts, pupil_id: str = "P1", school: SchoolIds = OAK) -> None:
    """case has heard of the pupil (intake.pupil.recorded.v1)."""
    pupil = {"pupil_id": pupil_id, "forename": "Amelia", "surname": "Hart"}
    await ports.store.record_pupil(school.school_id, school.trust_id, pupil, as_of=KNOWN_SINCE)


def concern_raised(received_at: datetime, **options: Any) -> Envelope[Any]:
    return events.concern_raised(OAK, "P1", received_at=received_at, **options)  # type: ignore[arg-type]


def police_notification(received_at: datetime) -> Envelope[Any]:
    return events.encompass_notified(OAK, "P1", received_at=received_at)  # type: ignore[arg-type]


def pupil_left(last_day: date) -> Envelope[Any]:
    return make_envelope(
        PUPIL_LEFT,
        PupilLeft(pupil_id="P1", last_day_on_roll=last_day),
        trust_id=OAK.trust_id,
        school_id=OAK.school_id,
        subject=Subject(kind="child", id="P1"),
        actor=SYSTEM,
    )


def transfer_started(last_day: date, transfer_id: str = "tr-P1") -> Envelope[Any]:
    """records started the transfer of P1's file: the file-transfer clock counts from
    `last_day`."""
    return make_envelope(
        TRANSFER_STARTED,
        TransferStarted(
            transfer_id=transfer_id,
            pupil_id="P1",
            reason="leaver",
            counts_from=last_day,
            started_at=datetime(2026, 3, 10, 9, 30, tzinfo=UTC),
        ),
        trust_id=OAK.trust_id,
        school_id=OAK.school_id,
        subject=Subject(kind="child", id="P1"),
        actor=SYSTEM,
    )


def transfer_received(at: datetime, transfer_id: str = "tr-P1") -> Envelope[Any]:
    return make_envelope(
        TRANSFER_RECEIVED,
        TransferReceived(
            transfer_id=transfer_id,
            pupil_id="P1",
            route="school",
            received_at=at,
            received_by="dsl-2",
        ),
        trust_id=OAK.trust_id,
        school_id=OAK.school_id,
        subject=Subject(kind="child", id="P1"),
        actor=SYSTEM,
    )


def alert_acknowledged(
    source: Envelope[Any], source_id: str, at: datetime, kind: AlertSource = AlertSource.ENCOMPASS
) -> Envelope[Any]:
    return make_envelope(
        ALERT_ACKNOWLEDGED,
        AlertAcknowledged(
            alert_id=source.event_id,
            source_id=source_id,
            source_type=kind,
            source_event_id=source.event_id,
            pupil_id="P1",
            acknowledged_by="dsl-1",
            acknowledged_at=at,
        ),
        trust_id=OAK.trust_id,
        school_id=OAK.school_id,
        subject=Subject(kind="child", id="P1"),
        actor=Actor(kind="user", id="dsl-1", role="dsl"),
    )


async def deadline_of(ports: CasePorts, source_id: str) -> dict[str, Any]:
    [deadline] = await ports.store.deadlines.find({"source_id": source_id}).to_list()
    return deadline


async def looked_at_by(ports: CasePorts, moment: datetime) -> list[str]:
    """The deadlines the scheduler would look at by `moment` (their timers)."""
    return await ports.store.deadlines_to_look_at(moment, limit=1000)
