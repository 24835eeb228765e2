"""An adult case: one per concern about an adult (KCSIE Part 4), `_id` the case id the
concern's event names. Who manages it, who may see it, how its status moves, and the
events that tell of it. Pure.

Routing (KCSIE 2.1.2, 4.2.7): the case manager is the headteacher; when the headteacher is
the subject, the chair of governors. A trust may name its trust safeguarding lead as a
case manager too (a per-trust setting, taken when the case opens). The case manager may
name DSLs to work with them. The subject never sees the case (services/common/
adult_access.py), whatever roles they hold.

Status: `awaiting_decision` → `allegation` (meets the harm threshold) → `closed` (its
outcome), or → `low_level` (the low-level concerns log), which may still be decided again
as an allegation when it (or a pattern) turns out to meet the threshold."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from contracts import case_v1
from contracts.adult_cases import (
    AdultCaseAccess,
    AdultCaseAccessChanged,
    AdultCaseOpened,
    AdultCasesRead,
    AdultRole,
    AdultSubject,
    ManagerRole,
    UserId,
)
from contracts.envelope import Actor, Envelope, Subject
from contracts.intake_v1 import AdultConcernRaised
from services.case.domain.case_steps import event_id_for
from services.case.domain.low_level_log import adult_key
from services.common.events import SYSTEM, make_envelope

AWAITING_DECISION = "awaiting_decision"
ALLEGATION = "allegation"
LOW_LEVEL = "low_level"
CLOSED = "closed"
MAX_NAMED_DSLS = 20


def case_manager_role(subject: AdultSubject) -> ManagerRole:
    """The headteacher manages the case, unless they are its subject: then the chair."""
    if subject.role == AdultRole.HEADTEACHER:
        return "chair_of_governors"
    return "headteacher"


def opening_access(subject: AdultSubject, trust_lead_user_id: str | None) -> dict[str, Any]:
    access = AdultCaseAccess(
        manager_role=case_manager_role(subject),
        trust_lead_user_id=trust_lead_user_id,
        named_dsl_user_ids=[],
        subject_staff_user_id=subject.staff_user_id,
        revision=1,
    )
    return access.model_dump(mode="json")


def new_adult_case(
    event: Envelope[AdultConcernRaised], access: Mapping[str, Any], *, opened_at: datetime
) -> dict[str, Any]:
    concern = event.payload
    return {
        "trust_id": event.trust_id,
        "school_id": event.school_id,
        "adult_concern_id": concern.adult_concern_id,
        "subject": concern.subject.model_dump(mode="json"),
        "adult_key": adult_key(concern.subject),
        "occurred_at": concern.occurred_at,
        "received_at": concern.received_at,
        "children_involved": list(concern.children_involved),
        "whistleblowing": concern.whistleblowing,
        "reported_by": concern.reported_by.user_id,
        "access": dict(access),
        "status": AWAITING_DECISION,
        "opened_at": opened_at,
        "last_activity_at": opened_at,
        "decisions": [],
        "lado_referrals": [],
        "suspension": None,
        "outcome": None,
        "deadline_ids": [],
    }


def adult_event(
    case: Mapping[str, Any],
    event_type: str,
    payload: BaseModel,
    *,
    step: str,
    at: datetime,
    actor: Actor = SYSTEM,
    causation: Envelope[BaseModel] | None = None,
) -> Envelope[BaseModel]:
    """A step's event: about the adult case (its id, never the adult's name), its id fixed
    by the step and its type, so a repeated write publishes one event."""
    return make_envelope(
        event_type,
        payload,
        trust_id=case["trust_id"],
        school_id=case["school_id"],
        subject=Subject(kind="adult", id=case["_id"]),
        actor=actor,
        correlation_id=case["adult_concern_id"],
        causation=causation,
        event_id=event_id_for(event_type, step),
        occurred_at=at,
    )


def opened_event(case: Mapping[str, Any], causation: Envelope[BaseModel]) -> Envelope[BaseModel]:
    payload = AdultCaseOpened(
        case_id=case["_id"],
        adult_concern_id=case["adult_concern_id"],
        subject_role=case["subject"]["role"],
        children_involved=case["children_involved"],
        whistleblowing=case["whistleblowing"],
        access=AdultCaseAccess.model_validate(case["access"]),
        opened_at=case["opened_at"],
    )
    return adult_event(
        case,
        case_v1.ADULT_CASE_OPENED,
        payload,
        step=f"open\x1f{case['_id']}",
        at=case["opened_at"],
        causation=causation,
    )


class NamedDslsRequest(BaseModel):
    """The body of PUT /v1/adult-cases/{case_id}/named-dsls: every DSL the case manager
    names to work the case with them (an empty list names none)."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    user_ids: list[UserId] = Field(max_length=MAX_NAMED_DSLS)


def naming_problem(case: Mapping[str, Any], request: NamedDslsRequest) -> str | None:
    subject = case["access"].get("subject_staff_user_id")
    if subject is not None and subject in request.user_ids:
        return "the subject of the concern cannot be named on their own case"
    return None


def with_named_dsls(access: Mapping[str, Any], user_ids: list[str]) -> dict[str, Any] | None:
    """The access with these DSLs named, one revision on (None: it names them already)."""
    named = list(dict.fromkeys(user_ids))
    if named == list(access.get("named_dsl_user_ids") or []):
        return None
    return {**access, "named_dsl_user_ids": named, "revision": int(access["revision"]) + 1}


def access_changed_event(
    case: Mapping[str, Any], access: Mapping[str, Any], actor: Actor, at: datetime
) -> Envelope[BaseModel]:
    payload = AdultCaseAccessChanged(
        case_id=case["_id"], access=AdultCaseAccess.model_validate(access), changed_at=at
    )
    step = f"access\x1f{case['_id']}\x1f{access['revision']}"
    return adult_event(
        case, case_v1.ADULT_CASE_ACCESS_CHANGED, payload, step=step, at=at, actor=actor
    )


def read_event(
    principal_user_id: str,
    roles: list[str],
    *,
    case_ids: list[str],
    view: str,
    trust_id: str,
    school_id: str | None,
    at: datetime,
) -> Envelope[BaseModel]:
    """Someone read adult cases: one event per read (each case's access log gains it)."""
    payload = AdultCasesRead(
        case_ids=case_ids, view=view, user_id=principal_user_id, roles=roles, read_at=at
    )
    where = school_id or trust_id
    return make_envelope(
        case_v1.ADULT_CASES_READ,
        payload,
        trust_id=trust_id,
        school_id=where,
        subject=Subject(kind="adult", id=case_ids[0])
        if len(case_ids) == 1
        else Subject(kind="school", id=where),
        actor=Actor(kind="user", id=principal_user_id, role=sorted(roles)[0] if roles else None),
        occurred_at=at,
    )
