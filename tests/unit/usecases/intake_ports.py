"""Intake's ports in memory, for its use-case tests (the real IntakeStore over mongomock,
a relay that remembers what it was handed, a clock that stands still, a secret box under
a throwaway key), and the people, pupils and police notices the tests use."""

from __future__ import annotations

from datetime import date
from typing import Any

from cryptography.fernet import Fernet

from contracts.vocabulary import Role
from services.common.auth import Principal
from services.intake.domain.encompass import EncompassNotice
from services.intake.domain.pupil_records import lookup_keys
from services.intake.ports import IntakePorts
from services.intake.secret_box import SecretBox
from services.intake.store import IntakeStore
from services.intake.usecases.receive_notices import Submission, receive_notices
from tests.support.memory import FixedClock, RecordingRelay, memory_db, memory_writer


def memory_intake() -> tuple[IntakePorts, RecordingRelay]:
    db = memory_db()
    writer, relay = memory_writer(db)
    box = SecretBox([Fernet.generate_key()])
    return IntakePorts(IntakeStore(db), writer, FixedClock(), box), relay


def person(role: str, *, school: str | None = None, trust: str | None = None) -> Principal:
    return Principal(f"{role}-1", frozenset({Role(role)}), school, trust)


def pupil_doc(school_id: str, trust_id: str, pupil_id: str, **fields: Any) -> dict[str, Any]:
    """A stored pupil as the matcher reads it (names as in the sample rosters)."""
    doc = {
        "_id": f"{school_id}/{pupil_id}",
        "school_id": school_id,
        "trust_id": trust_id,
        "pupil_id": pupil_id,
        "forename": "Zoë",
        "preferred_forename": None,
        "surname": "O'Brien",
        "date_of_birth": date(2018, 5, 2).isoformat(),
        "upn": None,
        "postcode": None,
        "on_roll_from": "2022-09-01",
        "on_roll_to": None,
        "left_notified": None,
        "version": 1,
    } | fields
    return doc | lookup_keys(doc["forename"], doc["surname"], doc["preferred_forename"])


SENDER = {"_id": "west-mercia", "name": "West Mercia Police", "trust_ids": ["severn"]}
ZOE = {"forename": "Zoë", "surname": "O'Brien", "date_of_birth": "2018-05-02"}


def notice(*children: dict[str, Any], **fields: Any) -> EncompassNotice:
    data = {
        "police_reference": "22/123456/26",
        "force": "West Mercia Police",
        "incident_at": "2026-03-09T22:40:00+00:00",
        "notified_at": "2026-03-10T06:55:00+00:00",
        "circumstances": "Verbal argument.",
        "children": list(children) or [{**ZOE, "school_urn": "116789"}],
    } | fields
    return EncompassNotice.model_validate(data)


async def receive(ports: Any, sent: EncompassNotice) -> list[tuple[str, str]]:
    received = await receive_notices(
        ports, SENDER, [Submission(sent, child) for child in sent.children]
    )
    assert received.received_at == ports.clock.now()
    return [(child.notification_id, child.outcome) for child in received.children]
