"""The reviews a school's DSLs owe by a date: each open case's next review (its review
date) and each open risk assessment's next review, soonest first, overdue ones marked.
For the school's case readers; the trust lead sees every school of the trust."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any, Literal

from services.case.domain.case_access import CASE_READERS
from services.case.domain.cases import case_key
from services.case.ports import CasePorts
from services.common.auth import Principal
from services.common.errors import NotFound
from services.common.store import Document


@dataclass(frozen=True)
class ReviewDue:
    kind: Literal["case_review", "risk_assessment_review"]
    school_id: str
    pupil_id: str
    child: Document | None  # the pupil as intake last recorded them
    due_on: str
    overdue: bool
    detail: dict[str, Any]  # the case review's reason, or the assessment's id and part


async def reviews_due(
    ports: CasePorts,
    principal: Principal,
    due_before: date,
    school_id: str | None = None,
    limit: int = 500,
) -> list[ReviewDue]:
    scope = principal.tenant_filter(school_id)
    if scope is None or not principal.has_any(CASE_READERS):
        raise NotFound("school")
    store, today = ports.store, ports.clock.today()
    found: list[tuple[Document, str, str, dict[str, Any]]] = []
    for case in await store.cases_in(
        scope, status="open", review_due_before=due_before, limit=limit
    ):
        review = case.get("review") or {}
        found.append((case, "case_review", review["review_on"], {"reason": review.get("reason")}))
    for case in await store.cases_with_assessment_review(scope, due_before, limit):
        for assessment in case.get("risk_assessments", []):
            due_on = assessment.get("review_on")
            if assessment["status"] == "open" and due_on and due_on <= due_before.isoformat():
                detail = {"assessment_id": assessment["assessment_id"], "part": assessment["part"]}
                found.append((case, "risk_assessment_review", due_on, detail))
    found.sort(key=lambda f: f[2])
    keys = [case_key(case["school_id"], case["pupil_id"]) for case, *_ in found]
    children = await store.pupils_by_case(keys)
    return [
        ReviewDue(
            kind,  # type: ignore[arg-type]
            case["school_id"],
            case["pupil_id"],
            children.get(key),
            due_on,
            date.fromisoformat(due_on) < today,
            detail,
        )
        for (case, kind, due_on, detail), key in zip(found, keys, strict=True)
    ][:limit]
