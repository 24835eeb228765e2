"""Risk assessments (Annex A) and the reviews a school owes, over HTTP: record an
assessment, review it, list the case and assessment reviews due by a date; and the
school's pattern-watch thresholds."""

from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query

from contracts.vocabulary import Role
from services.case.api_common import IdempotencyKey, StepId
from services.case.case_views import part, review_due_view, rules_view
from services.case.domain.patterns import PatternRules
from services.case.domain.risk_assessments import RiskAssessmentRequest, RiskAssessmentReview
from services.case.ports import CasePorts
from services.case.usecases.list_reviews_due import reviews_due
from services.case.usecases.record_risk_assessment import record_risk_assessment
from services.case.usecases.review_risk_assessment import review_risk_assessment
from services.case.usecases.set_pattern_rules import read_pattern_rules, set_pattern_rules
from services.common.auth import DSL_ROLES, Principal
from services.common.ids import IdPath
from services.common.openapi_answers import FORBIDDEN, who_may


def router(ports: CasePorts, principal_dep: Any) -> APIRouter:
    api = APIRouter(prefix="/v1", tags=["risk assessments and reviews"])
    CurrentUser = Annotated[Principal, Depends(principal_dep)]

    @api.post(
        "/children/{pupil_id}/risk-assessments",
        status_code=201,
        openapi_extra=who_may(*DSL_ROLES),
    )
    async def post_assessment(
        pupil_id: IdPath,
        request: RiskAssessmentRequest,
        principal: CurrentUser,
        key: IdempotencyKey = None,
    ) -> dict[str, Any]:
        """Starts risk-assessment-review for `review_on`."""
        return part(await record_risk_assessment(ports, principal, pupil_id, request, key)) or {}

    @api.post(
        "/risk-assessments/{assessment_id}/reviews",
        status_code=201,
        openapi_extra=who_may(*DSL_ROLES),
    )
    async def post_review(
        assessment_id: StepId,
        request: RiskAssessmentReview,
        principal: CurrentUser,
        key: IdempotencyKey = None,
    ) -> dict[str, Any]:
        """Meets the review that was due; `next_review_on` starts the next (none: it ends)."""
        done = await review_risk_assessment(ports, principal, assessment_id, request, key)
        return {
            "assessment_id": assessment_id,
            **(part(done.review) or {}),
            "assessment_status": done.assessment["status"],
            "deadline": done.deadline,
        }

    @api.get(
        "/reviews",
        openapi_extra=who_may(
            Role.HEADTEACHER, *DSL_ROLES, trust_wide=[Role.TRUST_SAFEGUARDING_LEAD]
        ),
    )
    async def get_reviews(
        principal: CurrentUser,
        due_before: date,
        school_id: Annotated[str | None, Query(max_length=64)] = None,
        limit: Annotated[int, Query(ge=1, le=1000)] = 500,
    ) -> dict[str, Any]:
        """Case reviews and risk assessment reviews due on or before `due_before`."""
        due = await reviews_due(ports, principal, due_before, school_id, limit)
        return {"reviews": [review_due_view(r) for r in due]}

    @api.get(
        "/schools/{school_id}/pattern-rules",
        openapi_extra=who_may(
            Role.HEADTEACHER,
            Role.ADMIN,
            *DSL_ROLES,
            trust_wide=[Role.ADMIN, Role.TRUST_SAFEGUARDING_LEAD],
        ),
    )
    async def get_rules(school_id: IdPath, principal: CurrentUser) -> dict[str, Any]:
        return rules_view(await read_pattern_rules(ports, principal, school_id))

    @api.put(
        "/schools/{school_id}/pattern-rules",
        openapi_extra=who_may(
            Role.DSL, Role.HEADTEACHER, trust_wide=[Role.TRUST_SAFEGUARDING_LEAD]
        ),
        responses=FORBIDDEN,  # a deputy DSL or an admin reads them, and may not set them
    )
    async def put_rules(
        school_id: IdPath, rules: PatternRules, principal: CurrentUser
    ) -> dict[str, Any]:
        """Every threshold at once (PUT): 422 names any that makes no sense."""
        return rules_view(await set_pattern_rules(ports, principal, school_id, rules))

    return api
