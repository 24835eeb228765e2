"""The JSON a case's readers get: the case whole (the child's context, links to other
children and risk assessments first; then status, decisions per concern with their
history, open and done actions, referrals with their feedback and escalations, notes, the
next review, closure) and its parts. Fingerprints and the outbox stay in the store."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from services.case.domain import triage
from services.case.usecases.list_reviews_due import ReviewDue
from services.case.usecases.set_pattern_rules import SchoolRules
from services.common.store import Document

_PRIVATE = {"fingerprint", "completion_fingerprint", "_id", "outbox"}


def part(item: Mapping[str, Any] | None) -> dict[str, Any] | None:
    """A stored step as the API shows it."""
    if item is None:
        return None
    return {k: _clean(v) for k, v in item.items() if k not in _PRIVATE}


def case_view(case: Document) -> dict[str, Any]:
    actions = [part(a) for a in case.get("actions", [])]
    return {
        "pupil_id": case["pupil_id"],
        "school_id": case["school_id"],
        "trust_id": case["trust_id"],
        # What the DSL must know of the child comes first (null: nothing recorded yet).
        "context": part(case.get("context")),
        "links": [part(link) for link in case.get("links", [])],
        "risk_assessments": [part(a) for a in case.get("risk_assessments", [])],
        "status": case["status"],
        "opened_at": case["opened_at"],
        "last_activity_at": case.get("last_activity_at"),
        "concern_ids": list(case.get("sources", [])),
        "decisions": decisions_view(case),
        "actions": {
            "open": [a for a in actions if a and a["status"] == "open"],
            "done": [a for a in actions if a and a["status"] == "done"],
        },
        "referrals": [part(r) for r in case.get("referrals", [])],
        "notes": [part(n) for n in reversed(case.get("notes", []))],  # newest first
        "review": part(case.get("review")),
        "closure": part(case.get("closure")),
        "status_history": [part(h) for h in case.get("status_history", [])],
        "fgm_duties": [part(d) for d in case.get("fgm_duties", [])],
        "version": case.get("version", 0),
    }


def decisions_view(case: Document) -> list[dict[str, Any]]:
    """Per concern with a decision: the one in force and every one, oldest first."""
    concerns = list(dict.fromkeys(d["concern_id"] for d in case.get("decisions", [])))
    views = []
    for concern_id in concerns:
        history = triage.history(case, concern_id)
        views.append(
            {
                "concern_id": concern_id,
                "current": part(triage.current(history)),
                "history": [part(d) for d in history],
            }
        )
    return views


def summary_view(case: Document, child: Document | None) -> dict[str, Any]:
    """A case in a list: whose, its status and next review; never the file's content."""
    review = case.get("review") or {}
    return {
        "pupil_id": case["pupil_id"],
        "school_id": case["school_id"],
        "child": (
            {f: child.get(f) for f in ("forename", "surname", "date_of_birth")} if child else None
        ),
        "status": case["status"],
        "opened_at": case["opened_at"],
        "last_activity_at": case.get("last_activity_at"),
        "review_on": review.get("review_on"),
        "review_reason": review.get("reason"),
    }


def _clean(value: Any) -> Any:
    if isinstance(value, Mapping):
        return {k: _clean(v) for k, v in value.items() if k not in _PRIVATE}
    if isinstance(value, list):
        return [_clean(v) for v in value]
    return value


def context_view(case: Document) -> dict[str, Any]:
    """The child's context as it stands and every version it has been, newest first."""
    return {
        "pupil_id": case["pupil_id"],
        "school_id": case["school_id"],
        "current": part(case.get("context")),
        "history": [part(v) for v in reversed(case.get("context_history", []))],
    }


def review_due_view(due: ReviewDue) -> dict[str, Any]:
    """A review owed: whose, when, what; no file content."""
    child = due.child
    return {
        "kind": due.kind,
        "school_id": due.school_id,
        "pupil_id": due.pupil_id,
        "child": (
            {f: child.get(f) for f in ("forename", "surname", "date_of_birth")} if child else None
        ),
        "due_on": due.due_on,
        "overdue": due.overdue,
        **due.detail,
    }


def rules_view(school_rules: SchoolRules) -> dict[str, Any]:
    """A school's pattern thresholds (`defaults`: never changed)."""
    return {
        "school_id": school_rules.school_id,
        "rules": school_rules.rules.model_dump(mode="json"),
        "defaults": school_rules.updated_by is None,
        "updated_by": school_rules.updated_by,
        "updated_at": school_rules.updated_at,
    }
