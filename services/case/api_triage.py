"""Decisions on concerns over HTTP: a DSL's triage decision (or its revision) with the
reason, the decision in force with its history, and the FGM report a concern calls for."""

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query

from contracts.vocabulary import Role
from services.case.api_common import ConcernId, IdempotencyKey
from services.case.case_views import part
from services.case.domain.fgm import FgmReportRequest
from services.case.domain.triage import TriageDecision
from services.case.ports import CasePorts
from services.case.usecases.read_triage import read_triage
from services.case.usecases.report_fgm import fgm_duties, report_fgm
from services.case.usecases.triage_concern import triage_concern
from services.common.auth import DSL_ROLES, SCHOOL_ROLES, Principal
from services.common.openapi_answers import who_may


def router(ports: CasePorts, principal_dep: Any) -> APIRouter:
    api = APIRouter(prefix="/v1", tags=["triage"])
    CurrentUser = Annotated[Principal, Depends(principal_dep)]

    @api.post("/concerns/{concern_id}/triage", status_code=201, openapi_extra=who_may(*DSL_ROLES))
    async def triage(
        concern_id: ConcernId,
        decision: TriageDecision,
        principal: CurrentUser,
        key: IdempotencyKey = None,
    ) -> dict[str, Any]:
        """A DSL's decision on a concern, with the reason; the first meets the dsl-triage
        deadline, a later one names the decision it supersedes."""
        triaged = await triage_concern(ports, principal, concern_id, decision, key)
        return {
            "triage_id": triaged.triage_id,
            "concern_id": triaged.concern_id,
            "decision": triaged.decision,
            "decided_at": triaged.decided_at,
            "deadline": triaged.deadline,
            "supersedes": triaged.record["supersedes"],
        }

    @api.get(
        "/concerns/{concern_id}/triage",
        openapi_extra=who_may(
            Role.HEADTEACHER, *DSL_ROLES, trust_wide=[Role.TRUST_SAFEGUARDING_LEAD]
        ),
    )
    async def triage_history(
        concern_id: ConcernId,
        principal: CurrentUser,
        school_id: Annotated[str | None, Query(max_length=64)] = None,
    ) -> dict[str, Any]:
        """The decision in force and every decision on the concern, oldest first."""
        found = await read_triage(ports, principal, concern_id, school_id)
        return {
            "concern_id": found.concern_id,
            "pupil_id": found.pupil_id,
            "school_id": found.school_id,
            "current": part(found.current),
            "history": [part(d) for d in found.history],
        }

    @api.post(
        "/concerns/{concern_id}/fgm-report", status_code=201, openapi_extra=who_may(*SCHOOL_ROLES)
    )
    async def fgm_report(
        concern_id: ConcernId,
        request: FgmReportRequest,
        principal: CurrentUser,
        key: IdempotencyKey = None,
    ) -> dict[str, Any]:
        """The FGM report to the police, by the teacher who discovered it or a DSL on their
        behalf; meets the fgm-police-report deadline."""
        report, deadline = await report_fgm(ports, principal, concern_id, request, key)
        return {"concern_id": concern_id, **(part(report) or {}), "deadline": deadline}

    @api.get("/fgm-duties", openapi_extra=who_may(*SCHOOL_ROLES))
    async def duties(principal: CurrentUser) -> dict[str, Any]:
        """The FGM reports the caller must make (a DSL: the school's), reported or not."""
        found = await fgm_duties(ports, principal)
        return {"duties": [part(d) for d in found]}

    return api
