"""The stored record of one child in one police notice, and what it publishes.

Pure: identifiers, the stored document, how a re-send or a DSL's decision changes it, and
its events. The use cases (`usecases/receive_notices.py`, `match_notice.py`,
`dismiss_notice.py`) read and write it.

One document per child per incident, `_id` = notification_id (the public name), in the
collection `encompass_notifications`:

    state        matched | unmatched | dismissed
    trust_ids    the trusts whose safeguarding lead / admins see it: the matched
                 pupil's trust; else the named school's trust (or, for an unknown
                 school, every trust the sender may notify) plus those of candidates
    school_ids   the schools whose DSLs see it: the matched pupil's school; else the
                 named school and the schools of candidate pupils
"""

from __future__ import annotations

import hashlib
import uuid
from collections import defaultdict
from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel

from contracts import intake_v1
from contracts.envelope import Actor, Envelope, Subject
from contracts.intake_v1 import (
    ENCOMPASS_AMENDED,
    ENCOMPASS_NOTIFIED,
    ENCOMPASS_NOTIFIED_TOGETHER,
    EncompassNotifiedTogether,
)
from services.common.auth import Principal
from services.common.events import make_envelope, school_event
from services.intake.domain.encompass import (
    EncompassNotice,
    NotifiedChild,
    child_key,
    force_key,
    reference_key,
)
from services.intake.domain.notice_matches import Match, match_fields

Outcome = Literal["matched", "unmatched", "duplicate", "amended"]
Event = Envelope[BaseModel]

_EVENT_IDS = uuid.UUID("0b6f1f4e-52c4-4f57-8d0e-6a1e2f3c9d11")


def _short_hash(*parts: str) -> str:
    return hashlib.sha256("\n".join(parts).encode("utf-8")).hexdigest()[:32]


def notice_id(sender_id: str, notice: EncompassNotice, child: NotifiedChild) -> str:
    """This child in this incident from this sender: stable across re-sends.

    Scoped to the authenticated sender, so that one sender can never amend (or learn
    of) what another sent, whatever force and reference it writes in the body.
    """
    key = child_key(notice.force, notice.police_reference, child)
    return "enc_" + _short_hash(sender_id, key)


def incident_id(sender_id: str, notice: EncompassNotice) -> str:
    """Shared by every child of one incident from one sender."""
    return "inc_" + _short_hash(
        sender_id, force_key(notice.force), reference_key(notice.police_reference)
    )


def event_id(notice_id_: str, what: str) -> str:
    """Deterministic: the same fact published twice is the same event."""
    return str(uuid.uuid5(_EVENT_IDS, f"{notice_id_}/{what}"))


def stored_content(notice: EncompassNotice, child: NotifiedChild) -> dict[str, Any]:
    """What the school reads about this child: the incident and this child only."""
    return {
        "police_reference": notice.police_reference,
        "force": notice.force,
        "incident_at": notice.incident_at,
        "notified_at": notice.notified_at,
        "location": notice.location,
        "circumstances": notice.circumstances,
        "police_action": notice.police_action,
        "other_information": notice.other_information,
        "child": child.model_dump(mode="json"),
    }


def new_notice(
    *,
    notice_id_: str,
    incident_id_: str,
    sender_id: str,
    notice: EncompassNotice,
    child: NotifiedChild,
    content_hash: str,
    received_at: datetime,
    fields: dict[str, Any],
) -> dict[str, Any]:
    return {
        "_id": notice_id_,
        "incident_id": incident_id_,
        "sender_id": sender_id,
        "force_key": force_key(notice.force),
        "reference_key": reference_key(notice.police_reference),
        "named_school_id": None,
        **fields,
        "revision": 1,
        "content_hash": content_hash,
        "content": stored_content(notice, child),
        "received_at": received_at,
        "last_received_at": received_at,
        "resolution": None,
        "version": 1,
    }


def amendment(
    current: dict[str, Any],
    content: dict[str, Any],
    content_hash: str,
    match: Match | None,
    allowed_trust_ids: Iterable[str],
    received_at: datetime,
) -> tuple[dict[str, Any], list[Event]]:
    """A re-send with new content: the fields it changes and the events it causes.

    A matched child keeps its pupil and publishes intake.encompass.amended.v1 (no second
    deadline). An unmatched or dismissed child takes the new content and the new `match`
    (amendments often add the UPN or correct the school), and is published if it now
    matches."""
    changes: dict[str, Any] = {
        "revision": current["revision"] + 1,
        "content_hash": content_hash,
        "content": content,
        "last_received_at": received_at,
    }
    actor = Actor(kind="sender", id=current["sender_id"])
    if current["state"] == "matched":
        return changes, [amended_event({**current, **changes}, actor, received_at)]
    events = []
    if match is not None:
        changes |= match_fields(match, allowed_trust_ids)
        changes["resolution"] = None  # new content reopens a dismissed child
        if changes["state"] == "matched":
            events.append(notified_event({**current, **changes}, actor, received_at))
    return changes, events


def resolution(
    principal: Principal, action: Literal["matched", "dismissed"], reason: str | None, at: datetime
) -> dict[str, Any]:
    """What a DSL (or the trust) decided about a child nobody could match, and who."""
    return {
        "action": action,
        "by": principal.user_id,
        "role": principal.primary_role,
        "at": at,
        "reason": reason,
    }


def _payload_fields(record: dict[str, Any]) -> dict[str, Any]:
    content = record["content"]
    return {
        "notification_id": record["_id"],
        "incident_id": record["incident_id"],
        "revision": record["revision"],
        "pupil_id": record["pupil_id"],
        "matched_by": record["match"]["matched_by"],
        "sender_id": record["sender_id"],
        "police_reference": content["police_reference"],
        "force": content["force"],
        "incident_at": content["incident_at"],
        "notified_at": content["notified_at"],
        "received_at": record["received_at"],
        "location": content["location"],
        "circumstances": content["circumstances"],
        "police_action": content["police_action"],
        "other_information": content["other_information"],
        "child": intake_v1.NotifiedChild.model_validate(content["child"]),
    }


def notified_payload(record: dict[str, Any]) -> intake_v1.EncompassNotified:
    """intake.encompass.notified.v1 for a matched record (once per notice)."""
    return intake_v1.EncompassNotified(**_payload_fields(record))


def amended_payload(record: dict[str, Any]) -> intake_v1.EncompassAmended:
    """intake.encompass.amended.v1 for a matched record that received new content."""
    return intake_v1.EncompassAmended(
        **_payload_fields(record), notified_event_id=event_id(record["_id"], "notified")
    )


def notified_event(record: dict[str, Any], actor: Actor, at: datetime) -> Event:
    """The child is matched: the school's Key Adults are told (once per notice)."""
    payload = notified_payload(record)
    return _record_event(ENCOMPASS_NOTIFIED, payload, record, actor, at, "notified")


# Children per intake.encompass.notified_together.v1 (the contract's limit).
TOGETHER = 500


def notified_together(notified: Sequence[Event], actor: Actor, at: datetime) -> list[Event]:
    """intake.encompass.notified_together.v1 messages carrying these
    intake.encompass.notified.v1 events whole: one per school and up to TOGETHER children."""
    by_school: dict[tuple[str, str], list[Event]] = defaultdict(list)
    for event in notified:
        by_school[(event.trust_id, event.school_id)].append(event)
    messages = []
    for (trust_id, school_id), events in by_school.items():
        for start in range(0, len(events), TOGETHER):
            payload = EncompassNotifiedTogether(events=events[start : start + TOGETHER])  # type: ignore[arg-type]
            messages.append(
                school_event(
                    ENCOMPASS_NOTIFIED_TOGETHER,
                    payload,
                    trust_id=trust_id,
                    school_id=school_id,
                    actor=actor,
                    at=at,
                )
            )
    return messages


def amended_event(record: dict[str, Any], actor: Actor, at: datetime) -> Event:
    step = f"revision-{record['revision']}"
    return _record_event(ENCOMPASS_AMENDED, amended_payload(record), record, actor, at, step)


def _record_event(
    event_type: str,
    payload: BaseModel,
    record: dict[str, Any],
    actor: Actor,
    at: datetime,
    step: str,
) -> Event:
    """An event about a matched child's record; its id is derived from the record and
    the step, so a retried write publishes the same event."""
    return make_envelope(
        event_type,
        payload,
        trust_id=record["trust_id"],
        school_id=record["school_id"],
        subject=Subject(kind="child", id=record["pupil_id"]),
        actor=actor,
        correlation_id=record["incident_id"],
        event_id=event_id(record["_id"], step),
        occurred_at=at,
    )
