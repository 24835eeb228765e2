"""Actions and referrals on a child's case over HTTP: add an action and complete it; make
a referral, record the agency's feedback and the school's escalations."""

from typing import Annotated, Any

from fastapi import APIRouter, Depends

from services.case.api_common import IdempotencyKey, StepId
from services.case.case_views import part
from services.case.domain.actions import ActionCompletion, ActionRequest
from services.case.domain.referrals import EscalationRequest, FeedbackRequest, ReferralRequest
from services.case.ports import CasePorts
from services.case.usecases.add_action import add_action
from services.case.usecases.complete_action import complete_action
from services.case.usecases.make_referral import make_referral
from services.case.usecases.referral_responses import record_escalation, record_feedback
from services.common.auth import DSL_ROLES, Principal
from services.common.ids import IdPath
from services.common.openapi_answers import CONFLICT, who_may


def router(ports: CasePorts, principal_dep: Any) -> APIRouter:
    api = APIRouter(prefix="/v1", tags=["actions and referrals"])
    CurrentUser = Annotated[Principal, Depends(principal_dep)]

    @api.post("/children/{pupil_id}/actions", status_code=201, openapi_extra=who_may(*DSL_ROLES))
    async def post_action(
        pupil_id: IdPath, request: ActionRequest, principal: CurrentUser, key: IdempotencyKey = None
    ) -> dict[str, Any]:
        return part(await add_action(ports, principal, pupil_id, request, key)) or {}

    @api.post(
        "/actions/{action_id}/complete", openapi_extra=who_may(*DSL_ROLES), responses=CONFLICT
    )
    async def post_completion(
        action_id: StepId, request: ActionCompletion, principal: CurrentUser
    ) -> dict[str, Any]:
        return part(await complete_action(ports, principal, action_id, request)) or {}

    @api.post("/children/{pupil_id}/referrals", status_code=201, openapi_extra=who_may(*DSL_ROLES))
    async def post_referral(
        pupil_id: IdPath,
        request: ReferralRequest,
        principal: CurrentUser,
        key: IdempotencyKey = None,
    ) -> dict[str, Any]:
        return part(await make_referral(ports, principal, pupil_id, request, key)) or {}

    @api.post(
        "/referrals/{referral_id}/feedback", status_code=201, openapi_extra=who_may(*DSL_ROLES)
    )
    async def post_feedback(
        referral_id: StepId,
        request: FeedbackRequest,
        principal: CurrentUser,
        key: IdempotencyKey = None,
    ) -> dict[str, Any]:
        """Children's social care's decision; meets the social-care-feedback deadline."""
        feedback, deadline = await record_feedback(ports, principal, referral_id, request, key)
        return {"referral_id": referral_id, **(part(feedback) or {}), "deadline": deadline}

    @api.post(
        "/referrals/{referral_id}/escalations", status_code=201, openapi_extra=who_may(*DSL_ROLES)
    )
    async def post_escalation(
        referral_id: StepId,
        request: EscalationRequest,
        principal: CurrentUser,
        key: IdempotencyKey = None,
    ) -> dict[str, Any]:
        """A challenge under the local resolution procedure: when, to whom, the outcome."""
        escalation = await record_escalation(ports, principal, referral_id, request, key)
        return {"referral_id": referral_id, **(part(escalation) or {})}

    return api
