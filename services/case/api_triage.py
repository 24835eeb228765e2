"""Triage over HTTP: a DSL's decision on a concern, with the reason."""

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path

from services.case.domain.triage import TriageDecision
from services.case.ports import CasePorts
from services.case.usecases.triage_concern import triage_concern
from services.common.auth import Principal

ConcernId = Annotated[str, Path(min_length=1, max_length=64)]


def router(ports: CasePorts, principal_dep: Any) -> APIRouter:
    api = APIRouter(prefix="/v1", tags=["triage"])
    CurrentUser = Annotated[Principal, Depends(principal_dep)]

    @api.post("/concerns/{concern_id}/triage", status_code=201)
    async def triage(
        concern_id: ConcernId, decision: TriageDecision, principal: CurrentUser
    ) -> dict[str, Any]:
        """A DSL's decision on a concern, with the reason; meets the dsl-triage deadline."""
        triaged = await triage_concern(ports, principal, concern_id, decision)
        return {
            "triage_id": triaged.triage_id,
            "concern_id": triaged.concern_id,
            "decision": triaged.decision,
            "decided_at": triaged.decided_at,
            "deadline": triaged.deadline,
        }

    return api
