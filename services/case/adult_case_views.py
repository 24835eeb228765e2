"""The JSON an adult case's readers get (its case manager and the DSLs they named): the
case whole, a case in a list, the low-level log, the retention review. Fingerprints and
the outbox stay in the store."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from services.case.api_deadlines import deadline_view
from services.case.case_views import part
from services.case.usecases.adult_case_file import SeenCase
from services.case.usecases.low_level_concerns import AdultLog
from services.case.usecases.read_adult_cases import AdultCaseRead
from services.common.store import Document


def _who(case: Mapping[str, Any]) -> dict[str, Any]:
    access = case["access"]
    return {
        "case_manager_role": access["manager_role"],
        "trust_lead_user_id": access.get("trust_lead_user_id"),
        "named_dsl_user_ids": list(access.get("named_dsl_user_ids") or []),
    }


def summary_view(read: AdultCaseRead) -> dict[str, Any]:
    case = read.seen.case
    return {
        "case_id": case["_id"],
        "adult_concern_id": case["adult_concern_id"],
        "school_id": case["school_id"],
        "subject": {"name": case["subject"]["name"], "role": case["subject"]["role"]},
        "status": case["status"],
        "opened_at": case["opened_at"],
        "last_activity_at": case.get("last_activity_at"),
        "your_role": read.seen.role,
        "open_deadlines": [deadline_view(d) for d in read.deadlines if d["status"] == "open"],
    }


def adult_case_view(read: AdultCaseRead) -> dict[str, Any]:
    case = read.seen.case
    return {
        **summary_view(read),
        "trust_id": case["trust_id"],
        "subject": dict(case["subject"]),
        "occurred_at": case["occurred_at"],
        "received_at": case["received_at"],
        "whistleblowing": case["whistleblowing"],
        "children_involved": list(case.get("children_involved", [])),
        "reported_by": case["reported_by"],
        **_who(case),
        "decisions": [part(d) for d in case.get("decisions", [])],
        "lado_referrals": [part(r) for r in case.get("lado_referrals", [])],
        "suspension": part(case.get("suspension")),
        "outcome": part(case.get("outcome")),
        "deadlines": [deadline_view(d) for d in read.deadlines],
        "low_level_history": [
            {"case_id": e["case_id"], "occurred_at": e["occurred_at"]} for e in read.low_level
        ],
        "version": case.get("version", 0),
    }


def low_level_view(adult: AdultLog) -> dict[str, Any]:
    subject = adult.log["subject"]
    return {
        "subject": {"name": subject["name"], "role": subject["role"]},
        "identified_by": "staff_user_id" if adult.log["adult_key"].startswith("user:") else "name",
        "concerns": [
            {
                "case_id": c["_id"],
                "occurred_at": c["occurred_at"],
                "status": c["status"],
                "decided": part((c.get("decisions") or [None])[-1]),
            }
            for c in adult.cases
        ],
        "patterns": [part(p) for p in adult.patterns],
    }


def retention_view(seen: SeenCase) -> dict[str, Any]:
    case: Document = seen.case
    outcome = case["outcome"]
    return {
        "case_id": case["_id"],
        "subject": {"name": case["subject"]["name"], "role": case["subject"]["role"]},
        "outcome": outcome["outcome"],
        "concluded_at": outcome["concluded_at"],
        "keep_until": outcome["retention"]["keep_until"],
        "basis": outcome["retention"]["basis"],
    }
