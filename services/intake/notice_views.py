"""The JSON answered about police notices (api_encompass.py): what a police sender learns
of its delivery, and what a DSL, trust lead or admin sees of a child, limited to their
own school or trust."""

from __future__ import annotations

from collections import Counter
from typing import Any

from services.common.auth import SAFEGUARDING_READERS, Principal
from services.common.store import Document
from services.intake.domain.encompass_batch import BatchResult, ParsedRow
from services.intake.usecases.receive_notices import Received

BATCH_OUTCOMES = ("matched", "unmatched", "duplicate", "amended", "invalid")


def webhook_receipt(received: Received) -> dict[str, Any]:
    return {
        "incident_id": received.children[0].incident_id,
        "received_at": received.received_at,
        "children": [
            {"child": index, "notification_id": o.notification_id, "outcome": o.outcome}
            for index, o in enumerate(received.children)
        ],
    }


def batch_receipt(parsed: BatchResult, received: Received) -> dict[str, Any]:
    """One outcome per data row, in file order (`received` has one per parsed row)."""
    outcome_of = {
        row.line: outcome for row, outcome in zip(parsed.parsed, received.children, strict=True)
    }
    rows: list[dict[str, Any]] = []
    for row in parsed.rows:
        if isinstance(row, ParsedRow):
            outcome = outcome_of[row.line]
            rows.append(
                {
                    "line": row.line,
                    "outcome": outcome.outcome,
                    "incident_id": outcome.incident_id,
                    "notification_id": outcome.notification_id,
                }
            )
        else:
            rows.append({"line": row.line, "outcome": "invalid", "reason": row.reason})
    summary = Counter(row["outcome"] for row in rows)
    return {
        "received_at": received.received_at,
        "summary": {name: summary.get(name, 0) for name in BATCH_OUTCOMES},
        "rows": rows,
    }


def _visible(candidate: dict[str, Any], principal: Principal) -> bool:
    if principal.school_id is not None:
        return candidate["school_id"] == principal.school_id
    return candidate["trust_id"] == principal.trust_id


def _reason_for(notice: Document, principal: Principal, shown: list[dict[str, Any]]) -> str:
    per_trust = {entry["trust_id"]: entry["reason"] for entry in notice["match"]["trust_reasons"]}
    if not per_trust:
        return str(notice["match"]["reason"])
    trust = principal.trust_id if principal.school_id is None else None
    if trust is None and shown:
        trust = shown[0]["trust_id"]
    return per_trust.get(trust or "", "school URN unknown")


def _named_school_visible(notice: Document, principal: Principal) -> bool:
    named = notice.get("named_school_id")
    if named is None:
        return False
    if principal.school_id is not None:
        return named == principal.school_id
    return notice.get("trust_id") == principal.trust_id


def identification(notice: Document) -> dict[str, Any]:
    """Enough to find the child on a roll, without what happened."""
    content = notice["content"]
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


def queue_view(notice: Document, principal: Principal) -> dict[str, Any]:
    """An unmatched child as a DSL, trust lead or admin sees it in the queue.

    Candidates are limited to the viewer's school (or trust); the incident's narrative
    is shown to safeguarding readers only, not to admins."""
    shown = [c for c in notice["match"]["candidates"] if _visible(c, principal)]
    view = {
        "notification_id": notice["_id"],
        "incident_id": notice["incident_id"],
        "state": notice["state"],
        "revision": notice["revision"],
        "received_at": notice["received_at"],
        "named_school_id": notice.get("named_school_id")
        if _named_school_visible(notice, principal)
        else None,
        "reason": _reason_for(notice, principal, shown),
        "candidates": shown,
        **identification(notice),
    }
    if principal.has_any(SAFEGUARDING_READERS):
        view["content"] = notice["content"]
    return view


def notice_view(notice: Document, principal: Principal) -> dict[str, Any]:
    """One child of the queue, with how it was resolved if it was."""
    return {**queue_view(notice, principal), "resolution": notice.get("resolution")}


def incident_view(notices: list[Document], principal: Principal) -> dict[str, Any]:
    """One incident, limited to the children the viewer may see."""
    first = notices[0]["content"]
    return {
        "incident_id": notices[0]["incident_id"],
        "police_reference": first["police_reference"],
        "force": first["force"],
        "incident_at": first["incident_at"],
        "children": [_incident_child(notice, principal) for notice in notices],
    }


def _incident_child(notice: Document, principal: Principal) -> dict[str, Any]:
    view: dict[str, Any] = {
        "notification_id": notice["_id"],
        "state": notice["state"],
        "revision": notice["revision"],
        "received_at": notice["received_at"],
        "school_id": notice["school_id"] if notice["state"] == "matched" else None,
        "pupil_id": notice["pupil_id"],
        "matched_by": notice["match"]["matched_by"],
        "content": notice["content"],
    }
    if notice["state"] != "matched":
        shown = [c for c in notice["match"]["candidates"] if _visible(c, principal)]
        view["reason"] = _reason_for(notice, principal, shown)
        view["named_school_id"] = (
            notice.get("named_school_id") if _named_school_visible(notice, principal) else None
        )
    if notice.get("resolution"):
        view["resolution"] = notice["resolution"]
    return view
