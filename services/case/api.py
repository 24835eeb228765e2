"""case's HTTP API: deadlines and triage decisions."""

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, HTTPException, Path, Query, status

from contracts.case_v1 import DeadlineRule
from contracts.envelope import utc_now
from services.case.domain.cases import case_key
from services.case.domain.deadlines import deadline_view
from services.case.domain.triage import TriageDecision, triage_id
from services.case.store import CaseStore
from services.case.tracker import DeadlineTracker
from services.common.auth import DSL_ROLES, SAFEGUARDING_READERS, Principal
from services.common.store import insert_if_absent
from services.common.web import not_found

ConcernId = Annotated[str, Path(min_length=1, max_length=64)]


def router(store: CaseStore, tracker: DeadlineTracker, principal_dep: Any) -> APIRouter:
    api = APIRouter(prefix="/v1")
    CurrentUser = Annotated[Principal, Depends(principal_dep)]

    @api.get("/deadlines", tags=["deadlines"])
    async def list_deadlines(
        principal: CurrentUser,
        school_id: Annotated[str | None, Query(max_length=64)] = None,
        pupil_id: Annotated[str | None, Query(max_length=64)] = None,
        status: Literal["open", "met", "breached"] | None = None,
        limit: Annotated[int, Query(ge=1, le=1000)] = 200,
    ) -> dict[str, Any]:
        """Deadlines of the caller's school (or trust), soonest first; deadlines the calendar
        cannot place yet come first, because someone must act on them."""
        scope = principal.tenant_filter(school_id)
        if scope is None or not principal.has_any(SAFEGUARDING_READERS):
            raise not_found("school")
        query: dict[str, Any] = dict(scope)
        if pupil_id is not None:
            query["pupil_id"] = pupil_id
        if status is not None:
            query["status"] = status
        cursor = store.deadlines.find(query).sort("due_at", 1).limit(limit)
        return {"deadlines": [deadline_view(d) async for d in cursor]}

    @api.post("/concerns/{concern_id}/triage", status_code=201, tags=["triage"])
    async def triage(
        concern_id: ConcernId, decision: TriageDecision, principal: CurrentUser
    ) -> dict[str, Any]:
        """A DSL's decision on a concern, with the reason; meets the dsl-triage deadline."""
        if principal.school_id is None or not principal.has_any(DSL_ROLES):
            raise not_found("concern")
        school_id = principal.school_id
        case = await store.cases.find_one({"_id": case_key(school_id, decision.pupil_id)})
        if case is None or concern_id not in case.get("sources", []):
            raise not_found("concern")
        now = utc_now()
        record = {
            "_id": triage_id(school_id, concern_id),
            "trust_id": case["trust_id"],
            "school_id": school_id,
            "pupil_id": decision.pupil_id,
            "concern_id": concern_id,
            "decision": decision.decision.value,
            "reason": decision.reason,
            "decided_by": principal.user_id,
            "decided_at": now,
        }
        if not await insert_if_absent(store.decisions, record):
            raise HTTPException(status.HTTP_409_CONFLICT, "this concern has already been triaged")
        outcomes = await tracker.meet(
            school_id=school_id,
            rule=DeadlineRule.DSL_TRIAGE,
            source_id=concern_id,
            met_by=record["_id"],
            met_at=now,
        )
        return {
            "triage_id": record["_id"],
            "concern_id": concern_id,
            "decision": record["decision"],
            "decided_at": now,
            "deadline": outcomes[0] if outcomes else "pending",
        }

    return api
