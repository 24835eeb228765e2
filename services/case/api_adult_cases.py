"""Adult cases over HTTP (concerns about adults, KCSIE Part 4): the case manager's list and
case, their steps (decision, LADO referral, suspension and its confirmation, outcome,
named DSLs), the low-level concerns log, the retention review, and the trust's setting.
The subject of a case, and anyone not on it, gets 404 from every one of them."""

from typing import Annotated, Any

from fastapi import APIRouter, Depends

from contracts.vocabulary import Role
from services.case.adult_case_views import (
    adult_case_view,
    low_level_view,
    retention_view,
    summary_view,
)
from services.case.api_common import IdempotencyKey
from services.case.case_views import part
from services.case.domain.adult_cases import NamedDslsRequest
from services.case.domain.allegation_outcome import OutcomeRequest
from services.case.domain.allegation_steps import (
    ConfirmationRequest,
    LadoReferralRequest,
    SuspensionRequest,
)
from services.case.domain.harm_threshold import DecisionRequest
from services.case.ports import CasePorts
from services.case.usecases.adult_retention_review import adult_retention_review
from services.case.usecases.allegation_settings import (
    AllegationSettings,
    read_allegation_settings,
    set_allegation_settings,
)
from services.case.usecases.conclude_allegation import conclude_allegation
from services.case.usecases.decide_adult_case import decide_adult_case
from services.case.usecases.low_level_concerns import read_low_level_log
from services.case.usecases.name_dsls import name_dsls
from services.case.usecases.read_adult_cases import list_adult_cases, read_adult_case
from services.case.usecases.refer_to_lado import refer_to_lado
from services.case.usecases.suspend_subject import confirm_suspension, suspend_subject
from services.common.auth import DSL_ROLES, SCHOOL_ROLES, TRUST_ROLES, Principal
from services.common.ids import IdPath
from services.common.openapi_answers import FORBIDDEN, for_anyone, who_may

# Whoever may hold a part in an adult case; the case itself then says who does (its manager,
# the trust lead it names, the DSLs the manager names; never its subject): anyone else 404.
ADULT_CASE_ROLES = who_may(
    Role.HEADTEACHER,
    Role.CHAIR_OF_GOVERNORS,
    *DSL_ROLES,
    trust_wide=[Role.TRUST_SAFEGUARDING_LEAD],
)
# Lists anyone may ask for: each holds only the cases the caller has a part in.
ANYONE_ASKS = for_anyone(*SCHOOL_ROLES, trust_wide=TRUST_ROLES)


def router(ports: CasePorts, principal_dep: Any) -> APIRouter:
    api = APIRouter(prefix="/v1", tags=["adult cases"])
    CurrentUser = Annotated[Principal, Depends(principal_dep)]

    @api.get("/adult-cases", openapi_extra=ANYONE_ASKS)
    async def get_adult_cases(principal: CurrentUser) -> dict[str, Any]:
        """The adult cases the caller manages or was named on, open ones first."""
        return {"cases": [summary_view(c) for c in await list_adult_cases(ports, principal)]}

    # Before /adult-cases/{case_id}, which would take "retention-review" for an id.
    @api.get("/adult-cases/retention-review", openapi_extra=ANYONE_ASKS)
    async def get_retention_review(principal: CurrentUser) -> dict[str, Any]:
        """Closed adult cases kept no longer; nothing is deleted automatically."""
        due = await adult_retention_review(ports, principal)
        return {"cases": [retention_view(s) for s in due]}

    @api.get("/adult-cases/{case_id}", openapi_extra=ADULT_CASE_ROLES)
    async def get_adult_case(case_id: IdPath, principal: CurrentUser) -> dict[str, Any]:
        return adult_case_view(await read_adult_case(ports, principal, case_id))

    @api.post(
        "/adult-cases/{case_id}/decision",
        status_code=201,
        openapi_extra=ADULT_CASE_ROLES,
        responses=FORBIDDEN,
    )
    async def post_decision(
        case_id: IdPath,
        request: DecisionRequest,
        principal: CurrentUser,
        key: IdempotencyKey = None,
    ) -> dict[str, Any]:
        """Whether the concern meets the harm threshold (allegation) or not (low_level)."""
        return part(await decide_adult_case(ports, principal, case_id, request, key)) or {}

    @api.post(
        "/adult-cases/{case_id}/lado-referral", status_code=201, openapi_extra=ADULT_CASE_ROLES
    )
    async def post_lado_referral(
        case_id: IdPath,
        request: LadoReferralRequest,
        principal: CurrentUser,
        key: IdempotencyKey = None,
    ) -> dict[str, Any]:
        """Meets lado-referral; `deadline` says "met", "breached" (late) or "pending"."""
        recorded = await refer_to_lado(ports, principal, case_id, request, key)
        return {**(part(recorded.record) or {}), "deadline": recorded.deadline}

    @api.post(
        "/adult-cases/{case_id}/suspension",
        status_code=201,
        openapi_extra=ADULT_CASE_ROLES,
        responses=FORBIDDEN,
    )
    async def post_suspension(
        case_id: IdPath,
        request: SuspensionRequest,
        principal: CurrentUser,
        key: IdempotencyKey = None,
    ) -> dict[str, Any]:
        """Starts suspension-confirmation."""
        return part(await suspend_subject(ports, principal, case_id, request, key)) or {}

    @api.post(
        "/adult-cases/{case_id}/suspension/confirmation",
        status_code=201,
        openapi_extra=ADULT_CASE_ROLES,
        responses=FORBIDDEN,
    )
    async def post_confirmation(
        case_id: IdPath,
        request: ConfirmationRequest,
        principal: CurrentUser,
        key: IdempotencyKey = None,
    ) -> dict[str, Any]:
        """The written confirmation sent: meets suspension-confirmation."""
        recorded = await confirm_suspension(ports, principal, case_id, request, key)
        return {**(part(recorded.record) or {}), "deadline": recorded.deadline}

    @api.post(
        "/adult-cases/{case_id}/outcome",
        status_code=201,
        openapi_extra=ADULT_CASE_ROLES,
        responses=FORBIDDEN,
    )
    async def post_outcome(
        case_id: IdPath, request: OutcomeRequest, principal: CurrentUser, key: IdempotencyKey = None
    ) -> dict[str, Any]:
        """Closes the case; the retention follows the outcome."""
        return part(await conclude_allegation(ports, principal, case_id, request, key)) or {}

    @api.put(
        "/adult-cases/{case_id}/named-dsls",
        openapi_extra=ADULT_CASE_ROLES,
        responses=FORBIDDEN,
    )
    async def put_named_dsls(
        case_id: IdPath, request: NamedDslsRequest, principal: CurrentUser
    ) -> dict[str, Any]:
        access = await name_dsls(ports, principal, case_id, request)
        return {"case_id": case_id, "named_dsl_user_ids": access["named_dsl_user_ids"]}

    @api.get("/low-level-concerns", openapi_extra=ANYONE_ASKS)
    async def get_low_level_log(principal: CurrentUser) -> dict[str, Any]:
        """The school's low-level concerns log, per adult, as far as the caller may see."""
        return {"adults": [low_level_view(a) for a in await read_low_level_log(ports, principal)]}

    @api.put(
        "/trusts/{trust_id}/allegation-settings", openapi_extra=who_may(trust_wide=[Role.ADMIN])
    )
    async def put_settings(
        trust_id: IdPath, settings: AllegationSettings, principal: CurrentUser
    ) -> dict[str, Any]:
        """The trust lead who manages concerns about adults with the headteacher, or none."""
        return await set_allegation_settings(ports, principal, trust_id, settings)

    @api.get(
        "/trusts/{trust_id}/allegation-settings",
        openapi_extra=who_may(trust_wide=[Role.ADMIN, Role.TRUST_SAFEGUARDING_LEAD]),
    )
    async def get_settings(trust_id: IdPath, principal: CurrentUser) -> dict[str, Any]:
        return await read_allegation_settings(ports, principal, trust_id)

    return api
