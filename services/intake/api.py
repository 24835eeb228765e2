"""Intake's HTTP API for schools and the pupils on their rolls (admins).

Concerns, roster uploads, Encompass senders and notices have their own routers
(api_concerns.py, api_roster.py, api_senders.py, api_encompass.py)."""

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Response, status

from contracts.vocabulary import Role
from services.common.auth import Principal
from services.common.ids import IdPath
from services.common.openapi_answers import CONFLICT, CREATED, who_may
from services.intake.domain.schools import PupilDetails, SchoolDetails
from services.intake.ports import IntakePorts
from services.intake.usecases.record_pupil import record_pupil
from services.intake.usecases.record_school import record_school

# Never shown: the trust (the caller knows it) and the matcher's lookup keys.
_HIDDEN_PUPIL_FIELDS = frozenset({"trust_id", "surname_key", "forename_keys"})


def router(ports: IntakePorts, principal_dep: Any) -> APIRouter:
    api = APIRouter(prefix="/v1", tags=["schools"])
    CurrentUser = Annotated[Principal, Depends(principal_dep)]

    @api.put(
        "/schools/{school_id}",
        openapi_extra=who_may(Role.ADMIN, trust_wide=[Role.ADMIN]),
        responses={**CONFLICT, **CREATED},
    )
    async def put_school(
        school_id: IdPath, details: SchoolDetails, principal: CurrentUser, response: Response
    ) -> dict[str, Any]:
        recorded = await record_school(ports, principal, school_id, details)
        response.status_code = status.HTTP_201_CREATED if recorded.created else status.HTTP_200_OK
        return {"school_id": school_id, **recorded.details}

    @api.put(
        "/schools/{school_id}/pupils/{pupil_id}",
        openapi_extra=who_may(Role.ADMIN, trust_wide=[Role.ADMIN]),
        responses=CREATED,
    )
    async def put_pupil(
        school_id: IdPath,
        pupil_id: IdPath,
        details: PupilDetails,
        principal: CurrentUser,
        response: Response,
    ) -> dict[str, Any]:
        recorded = await record_pupil(ports, principal, school_id, pupil_id, details)
        response.status_code = status.HTTP_201_CREATED if recorded.created else status.HTTP_200_OK
        shown = {k: v for k, v in recorded.state.items() if k not in _HIDDEN_PUPIL_FIELDS}
        return {"pupil_id": pupil_id, **shown}

    return api
