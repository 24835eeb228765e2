"""Actions on a child's case: what must be done, by whom and by when. An action not done
by close of business on its date (the school's calendar) is overdue, and that is told
once (case.action.overdue.v1, its id fixed by the action)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from contracts import case_v1
from contracts.envelope import Actor, Envelope
from services.case.domain.calendar import SchoolCalendar
from services.case.domain.case_steps import case_event
from services.common.ids import UserIdentifier


class ActionRequest(BaseModel):
    """The body of POST /v1/children/{pupil_id}/actions."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    title: str = Field(min_length=1, max_length=200)
    owner_user_id: UserIdentifier
    due_on: date


class ActionCompletion(BaseModel):
    """The body of POST /v1/actions/{action_id}/complete."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    note: str = Field(min_length=1, max_length=10_000, description="what was done")


def due_problem(request: ActionRequest, today: date) -> str | None:
    if request.due_on < today:
        return "the due date must be today or later"
    return None


def overdue_at(due_on: date, calendar: SchoolCalendar) -> datetime:
    """Close of business on the due date, in the school's zone."""
    return calendar.at(due_on, calendar.close_of_business)


def new_action(
    request: ActionRequest,
    *,
    action_id: str,
    overdue_from: datetime,
    added_by: str,
    added_at: datetime,
    fingerprint: str,
) -> dict[str, Any]:
    return {
        "action_id": action_id,
        "title": request.title,
        "owner_user_id": request.owner_user_id,
        "due_on": request.due_on.isoformat(),
        "overdue_from": overdue_from,
        "status": "open",
        "added_by": added_by,
        "added_at": added_at,
        "completed_by": None,
        "completed_at": None,
        "completion_note": None,
        "overdue_at": None,
        "fingerprint": fingerprint,
        "completion_fingerprint": None,
    }


def added_event(
    case: Mapping[str, Any], action: Mapping[str, Any], actor: Actor
) -> Envelope[BaseModel]:
    payload = case_v1.ActionAdded(
        pupil_id=case["pupil_id"],
        action_id=action["action_id"],
        title=action["title"],
        owner_user_id=action["owner_user_id"],
        due_on=date.fromisoformat(action["due_on"]),
        overdue_at=action["overdue_from"],
        added_at=action["added_at"],
    )
    return case_event(
        case,
        case_v1.ACTION_ADDED,
        payload,
        step=action["action_id"],
        actor=actor,
        at=action["added_at"],
    )


def completion_refusal(action: Mapping[str, Any], fingerprint: str) -> str | None:
    """Why the action cannot be completed by this request (None: it can, or it was, by
    this very request, which is then answered as before)."""
    if action["status"] == "done" and action.get("completion_fingerprint") != fingerprint:
        return "this action has already been completed"
    return None


def completed(
    action: Mapping[str, Any], request: ActionCompletion, *, by: str, at: datetime, fingerprint: str
) -> dict[str, Any]:
    return {
        **action,
        "status": "done",
        "completed_by": by,
        "completed_at": at,
        "completion_note": request.note,
        "completion_fingerprint": fingerprint,
    }


def completed_event(
    case: Mapping[str, Any], action: Mapping[str, Any], actor: Actor
) -> Envelope[BaseModel]:
    payload = case_v1.ActionCompleted(
        pupil_id=case["pupil_id"],
        action_id=action["action_id"],
        note=action["completion_note"],
        completed_at=action["completed_at"],
    )
    return case_event(
        case,
        case_v1.ACTION_COMPLETED,
        payload,
        step=action["action_id"],
        actor=actor,
        at=action["completed_at"],
    )


def is_overdue(action: Mapping[str, Any], now: datetime) -> bool:
    """Open, not told yet, and its moment has come."""
    return (
        action["status"] == "open"
        and action.get("overdue_at") is None
        and action["overdue_from"] <= now
    )


def overdue_event(
    case: Mapping[str, Any], action: Mapping[str, Any], now: datetime
) -> Envelope[BaseModel]:
    payload = case_v1.ActionOverdue(
        pupil_id=case["pupil_id"],
        action_id=action["action_id"],
        title=action["title"],
        owner_user_id=action["owner_user_id"],
        due_on=date.fromisoformat(action["due_on"]),
        overdue_at=now,
    )
    return case_event(case, case_v1.ACTION_OVERDUE, payload, step=action["action_id"], at=now)


def timer_key(case_id: str, action_id: str) -> str:
    """The action's timer (services.common.timers): the case and the action, as neither
    contains a `#`."""
    return f"{case_id}#{action_id}"


def from_timer_key(key: str) -> tuple[str, str]:
    case_id, _, action_id = key.rpartition("#")
    return case_id, action_id
