"""Deadline documents: one per rule and triggering event, placed on the school's calendar,
tracked open → met | breached (the moves between them: deadline_phases.py)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from pydantic import BaseModel

from contracts.case_v1 import DeadlineRule
from contracts.envelope import Envelope
from services.case.domain.calendar import SchoolCalendar
from services.case.domain.deadline_rules import (
    DATE_TRIGGERED_RULES,
    DEFAULT_APPROACHING_FRACTION,
    NoDueTime,
    compute_approaching,
    compute_due,
)


def deadline_id(rule: DeadlineRule, source_event_id: str) -> str:
    """Deterministic: the same rule for the same event is the same deadline."""
    return f"{rule.value}:{source_event_id}"


def early_meet_key(school_id: str, rule: DeadlineRule, source_id: str) -> str:
    return f"{rule.value}:{school_id}:{source_id}"


def new_deadline(
    rule: DeadlineRule,
    source: Envelope[BaseModel],
    *,
    subject_id: str,
    source_id: str,
    trigger: datetime | date,
    calendar: SchoolCalendar,
    created_at: datetime,
    immediate_danger: bool = False,
    approaching_fraction: float = DEFAULT_APPROACHING_FRACTION,
    owner_user_id: str | None = None,
) -> dict[str, Any]:
    due, approaching, unresolved = schedule(
        rule, trigger, calendar, immediate_danger, approaching_fraction
    )
    return {
        "_id": deadline_id(rule, source.event_id),
        "rule": rule.value,
        "trust_id": source.trust_id,
        "school_id": source.school_id,
        "subject": source.subject.model_dump(),
        "pupil_id": subject_id if source.subject.kind == "child" else None,
        "source_id": source_id,
        "source_event_id": source.event_id,
        "trigger": trigger.isoformat(),
        "immediate_danger": immediate_danger,
        "due_at": due,
        "approaching_at": approaching,
        "unresolved": unresolved,
        "timezone": calendar.timezone,
        "status": "open",
        "approaching_sent": False,
        "met_by": None,
        "met_at": None,
        "created_at": created_at,
        "owner_user_id": owner_user_id,
        "version": 1,
    }


def schedule(
    rule: DeadlineRule,
    trigger: datetime | date,
    calendar: SchoolCalendar,
    immediate_danger: bool,
    approaching_fraction: float = DEFAULT_APPROACHING_FRACTION,
) -> tuple[datetime | None, datetime | None, str | None]:
    """Due and approaching moments; when the calendar ends too early to say, no times and
    the reason, so the DSL sees the deadline and the school can extend its calendar."""
    try:
        due = compute_due(rule, trigger, calendar, immediate_danger=immediate_danger)
    except NoDueTime as exc:
        return None, None, str(exc)
    approaching = compute_approaching(rule, trigger, due, calendar, fraction=approaching_fraction)
    return due, approaching, None


def rescheduled(
    deadline: dict[str, Any], calendar: SchoolCalendar, approaching_fraction: float
) -> dict[str, Any]:
    """The fields of an open deadline that change when it is placed on a new calendar
    (none: it stays as it is)."""
    due, approaching, unresolved = schedule(
        DeadlineRule(deadline["rule"]),
        trigger_of(deadline),
        calendar,
        deadline.get("immediate_danger", False),
        approaching_fraction,
    )
    fields: dict[str, Any] = {
        "due_at": due,
        "approaching_at": approaching,
        "unresolved": unresolved,
        "timezone": calendar.timezone,
    }
    if deadline.get("approaching_sent") and approaching is not None:
        # Warned already: a later approaching moment must not warn a second time.
        fields.pop("approaching_at")
    if all(deadline.get(name) == value for name, value in fields.items()):
        return {}
    return fields


def trigger_of(deadline: dict[str, Any]) -> datetime | date:
    """The stored trigger (ISO text) back as the rule expects it: a date for file-transfer."""
    if DeadlineRule(deadline["rule"]) in DATE_TRIGGERED_RULES:
        return date.fromisoformat(deadline["trigger"])
    return datetime.fromisoformat(deadline["trigger"])
