"""The stored record of one child in one police notification, and what it publishes.

Pure: identifiers, the stored document, the events, and who may see what. The
receiving service (`services/intake/encompass_intake.py`) does the reading and writing.

One document per child per incident, `_id` = notification_id:

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
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Literal

from contracts import intake_v1
from contracts.vocabulary import Role
from services.common.auth import DSL_ROLES, SAFEGUARDING_READERS, TRUST_ROLES, Principal
from services.intake.domain.encompass import (
    EncompassNotification,
    NotifiedChild,
    child_key,
    force_key,
    reference_key,
)
from services.intake.domain.matching import Candidate, MatchResult

State = Literal["matched", "unmatched", "dismissed"]
Outcome = Literal["matched", "unmatched", "duplicate", "amended"]
MatchedBy = Literal["upn", "school", "trust", "manual"]

_EVENT_IDS = uuid.UUID("0b6f1f4e-52c4-4f57-8d0e-6a1e2f3c9d11")


def _short_hash(*parts: str) -> str:
    return hashlib.sha256("\n".join(parts).encode("utf-8")).hexdigest()[:32]


def notification_id(
    sender_id: str, notification: EncompassNotification, child: NotifiedChild
) -> str:
    """This child in this incident from this sender: stable across re-sends.

    Scoped to the authenticated sender, so that one sender can never amend (or learn
    of) what another sent, whatever force and reference it writes in the body.
    """
    key = child_key(notification.force, notification.police_reference, child)
    return "enc_" + _short_hash(sender_id, key)


def incident_id(sender_id: str, notification: EncompassNotification) -> str:
    """Shared by every child of one incident from one sender."""
    return "inc_" + _short_hash(
        sender_id, force_key(notification.force), reference_key(notification.police_reference)
    )


def event_id(notification_id_: str, what: str) -> str:
    """Deterministic: the same fact published twice is the same event."""
    return str(uuid.uuid5(_EVENT_IDS, f"{notification_id_}/{what}"))


def stored_content(notification: EncompassNotification, child: NotifiedChild) -> dict[str, Any]:
    """What the school reads about this child: the incident and this child only."""
    return {
        "police_reference": notification.police_reference,
        "force": notification.force,
        "incident_at": notification.incident_at,
        "notified_at": notification.notified_at,
        "location": notification.location,
        "circumstances": notification.circumstances,
        "police_action": notification.police_action,
        "other_information": notification.other_information,
        "child": child.model_dump(mode="json"),
    }


@dataclass(frozen=True)
class NamedSchool:
    """The school the police named, resolved by URN among the sender's trusts."""

    school_id: str
    trust_id: str


@dataclass(frozen=True)
class Match:
    """The matcher's verdict with what a DSL needs to see if it is unmatched."""

    result: MatchResult
    named_school: NamedSchool | None
    # When the school is unknown and the sender covers several trusts, the reason as
    # seen from each trust alone, so no trust learns about another trust's pupils.
    trust_reasons: tuple[tuple[str, str], ...] = ()


def candidate_record(pupil: Candidate) -> dict[str, Any]:
    return {
        "pupil_id": pupil.pupil_id,
        "school_id": pupil.school_id,
        "trust_id": pupil.trust_id,
        "forename": pupil.forename,
        "preferred_forename": pupil.preferred_forename,
        "surname": pupil.surname,
        "date_of_birth": pupil.date_of_birth.isoformat(),
        "upn": pupil.upn,
        "on_roll_from": pupil.on_roll_from.isoformat() if pupil.on_roll_from > date.min else None,
        "on_roll_to": pupil.on_roll_to.isoformat() if pupil.on_roll_to else None,
    }


def match_fields(match: Match, allowed_trust_ids: Iterable[str]) -> dict[str, Any]:
    """The fields a match (or a failure to match) sets on the stored record."""
    result, named = match.result, match.named_school
    if result.matched and result.pupil is not None:
        return {
            **matched_fields(result.pupil, result.matched_by or "manual", result.reason),
            "named_school_id": named.school_id if named else None,
        }
    candidates = result.candidates
    if named is not None:
        trusts = {named.trust_id}
        schools = {named.school_id}
    else:
        trusts = set(allowed_trust_ids)
        schools = set()
    trusts |= {pupil.trust_id for pupil in candidates}
    schools |= {pupil.school_id for pupil in candidates}
    return {
        "state": "unmatched",
        "pupil_id": None,
        "trust_id": named.trust_id if named else None,
        "school_id": named.school_id if named else None,
        "named_school_id": named.school_id if named else None,
        "trust_ids": sorted(trusts),
        "school_ids": sorted(schools),
        "match": {
            "matched_by": None,
            "reason": result.reason,
            "trust_reasons": [{"trust_id": t, "reason": r} for t, r in match.trust_reasons],
            "candidates": [candidate_record(pupil) for pupil in candidates],
        },
    }


def matched_fields(pupil: Candidate, matched_by: MatchedBy, reason: str) -> dict[str, Any]:
    return {
        "state": "matched",
        "pupil_id": pupil.pupil_id,
        "trust_id": pupil.trust_id,
        "school_id": pupil.school_id,
        "trust_ids": [pupil.trust_id],
        "school_ids": [pupil.school_id],
        "match": {
            "matched_by": matched_by,
            "reason": reason,
            "trust_reasons": [],
            "candidates": [],
        },
    }


def new_record(
    *,
    notification_id_: str,
    incident_id_: str,
    sender_id: str,
    notification: EncompassNotification,
    child: NotifiedChild,
    content_hash: str,
    received_at: datetime,
    fields: dict[str, Any],
) -> dict[str, Any]:
    return {
        "_id": notification_id_,
        "incident_id": incident_id_,
        "sender_id": sender_id,
        "force_key": force_key(notification.force),
        "reference_key": reference_key(notification.police_reference),
        "named_school_id": None,
        **fields,
        "revision": 1,
        "content_hash": content_hash,
        "content": stored_content(notification, child),
        "received_at": received_at,
        "last_received_at": received_at,
        "resolution": None,
        "version": 1,
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
    """intake.encompass.notified.v1 for a matched record (once per notification)."""
    return intake_v1.EncompassNotified(**_payload_fields(record))


def amended_payload(record: dict[str, Any]) -> intake_v1.EncompassAmended:
    """intake.encompass.amended.v1 for a matched record that received new content."""
    return intake_v1.EncompassAmended(
        **_payload_fields(record), notified_event_id=event_id(record["_id"], "notified")
    )


# --- who sees what -----------------------------------------------------------------


def queue_scope(principal: Principal) -> dict[str, Any] | None:
    """Filter for the records a user may see and resolve; None if they may see none.

    School DSLs and deputies: records concerning their school. Trust-wide safeguarding
    leads and admins: records concerning their trust."""
    if principal.school_id is not None:
        if principal.has_any(DSL_ROLES):
            return {"school_ids": principal.school_id}
        return None
    if principal.trust_id is not None and principal.has_any(TRUST_ROLES):
        return {"trust_ids": principal.trust_id}
    return None


def in_scope(record: dict[str, Any], scope: dict[str, Any]) -> bool:
    """Whether a record read by `_id` falls within a `queue_scope`/`incident_scope`."""
    return all(value in record.get(field, ()) for field, value in scope.items())


def incident_scope(principal: Principal) -> dict[str, Any] | None:
    """The incident view is for safeguarding readers: a school's DSLs see their own
    pupils, the trust safeguarding lead sees every child in the trust."""
    if principal.school_id is not None:
        return {"school_ids": principal.school_id} if principal.has_any(DSL_ROLES) else None
    if principal.trust_id is not None and Role.TRUST_SAFEGUARDING_LEAD in principal.roles:
        return {"trust_ids": principal.trust_id}
    return None


def may_match_to(principal: Principal, school_id: str, trust_id: str) -> bool:
    if principal.school_id is not None:
        return principal.school_id == school_id and principal.has_any(DSL_ROLES)
    return principal.trust_id == trust_id and principal.has_any(TRUST_ROLES)


def _visible(candidate: dict[str, Any], principal: Principal) -> bool:
    if principal.school_id is not None:
        return candidate["school_id"] == principal.school_id
    return candidate["trust_id"] == principal.trust_id


def _reason_for(record: dict[str, Any], principal: Principal, shown: list[dict[str, Any]]) -> str:
    per_trust = {entry["trust_id"]: entry["reason"] for entry in record["match"]["trust_reasons"]}
    if not per_trust:
        return str(record["match"]["reason"])
    trust = principal.trust_id if principal.school_id is None else None
    if trust is None and shown:
        trust = shown[0]["trust_id"]
    return per_trust.get(trust or "", "school URN unknown")


def identification(record: dict[str, Any]) -> dict[str, Any]:
    """Enough to find the child on a roll, without what happened."""
    content = record["content"]
    child = content["child"]
    return {
        "police_reference": content["police_reference"],
        "force": content["force"],
        "incident_at": content["incident_at"],
        "child": {
            name: child.get(name)
            for name in (
                "forename",
                "surname",
                "date_of_birth",
                "upn",
                "school_urn",
                "school_name",
            )
        },
    }


def queue_view(record: dict[str, Any], principal: Principal) -> dict[str, Any]:
    """An unmatched child as a DSL, trust lead or admin sees it in the queue.

    Candidates are limited to the viewer's school (or trust); the incident's narrative
    is shown to safeguarding readers only, not to admins."""
    shown = [c for c in record["match"]["candidates"] if _visible(c, principal)]
    view = {
        "notification_id": record["_id"],
        "incident_id": record["incident_id"],
        "state": record["state"],
        "revision": record["revision"],
        "received_at": record["received_at"],
        "named_school_id": record.get("named_school_id")
        if _named_school_visible(record, principal)
        else None,
        "reason": _reason_for(record, principal, shown),
        "candidates": shown,
        **identification(record),
    }
    if principal.has_any(SAFEGUARDING_READERS):
        view["content"] = record["content"]
    return view


def _named_school_visible(record: dict[str, Any], principal: Principal) -> bool:
    named = record.get("named_school_id")
    if named is None:
        return False
    if principal.school_id is not None:
        return named == principal.school_id
    return record.get("trust_id") == principal.trust_id


def incident_view(records: list[dict[str, Any]], principal: Principal) -> dict[str, Any]:
    """One incident, limited to the children the viewer may see."""
    first = records[0]["content"]
    return {
        "incident_id": records[0]["incident_id"],
        "police_reference": first["police_reference"],
        "force": first["force"],
        "incident_at": first["incident_at"],
        "children": [_incident_child(record, principal) for record in records],
    }


def _incident_child(record: dict[str, Any], principal: Principal) -> dict[str, Any]:
    view: dict[str, Any] = {
        "notification_id": record["_id"],
        "state": record["state"],
        "revision": record["revision"],
        "received_at": record["received_at"],
        "school_id": record["school_id"] if record["state"] == "matched" else None,
        "pupil_id": record["pupil_id"],
        "matched_by": record["match"]["matched_by"],
        "content": record["content"],
    }
    if record["state"] != "matched":
        shown = [c for c in record["match"]["candidates"] if _visible(c, principal)]
        view["reason"] = _reason_for(record, principal, shown)
        view["named_school_id"] = (
            record.get("named_school_id") if _named_school_visible(record, principal) else None
        )
    if record.get("resolution"):
        view["resolution"] = record["resolution"]
    return view
