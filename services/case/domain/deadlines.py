"""Deadline documents: one per rule and triggering event, tracked open → met | breached."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from pydantic import BaseModel

from contracts.envelope import Envelope
from services.case.domain.calendar import SchoolCalendar
from services.case.domain.deadline_rules import Rule, compute_approaching, compute_due


def deadline_id(rule: Rule, source_event_id: str) -> str:
    """Deterministic: the same rule for the same event is the same deadline."""
    return f"{rule.value}:{source_event_id}"


def new_deadline(
    rule: Rule,
    source: Envelope[BaseModel],
    *,
    subject_id: str,
    source_id: str,
    trigger: datetime | date,
    calendar: SchoolCalendar,
    created_at: datetime,
    immediate_danger: bool = False,
) -> dict[str, Any]:
    due = compute_due(rule, trigger, calendar, immediate_danger=immediate_danger)
    approaching = compute_approaching(rule, trigger, due, calendar)
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
        "timezone": calendar.timezone,
        "status": "open",
        "approaching_sent": False,
        "met_by": None,
        "met_at": None,
        "created_at": created_at,
        "version": 1,
    }


def deadline_view(deadline: dict[str, Any]) -> dict[str, Any]:
    """Times in the school's zone with the offset in force, as a DSL reads them."""
    calendar_zone = ZoneInfo(deadline["timezone"])
    return {
        "deadline_id": deadline["_id"],
        "rule": deadline["rule"],
        "school_id": deadline["school_id"],
        "pupil_id": deadline.get("pupil_id"),
        "subject": deadline["subject"],
        "source_id": deadline["source_id"],
        "due_at": deadline["due_at"].astimezone(calendar_zone).isoformat(),
        "approaching_at": deadline["approaching_at"].astimezone(calendar_zone).isoformat(),
        "status": deadline["status"],
        "met_by": deadline.get("met_by"),
        "met_at": deadline.get("met_at"),
    }
