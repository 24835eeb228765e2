"""Operation Encompass: police notices in (signed webhook, signed batch file), the queue of
children nobody could match, and the trust's view of a whole incident.

Inside intake a police notification is a "notice" (the notification service is another
thing); what senders and users see keeps the scheme's own word: the paths, the handlers'
descriptions and each child's `notification_id`."""

from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Path, Query, Request, status
from fastapi.exceptions import RequestValidationError
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from contracts.vocabulary import Role
from services.common.auth import DSL_ROLES, TRUST_ROLES, Principal
from services.common.ids import ID_PATTERN, MAX_ID_LENGTH
from services.common.openapi_answers import CONFLICT, CSV_UPLOAD, SIGNED_BY_SENDER, who_may
from services.common.web import unprocessable
from services.intake.api_roster import CSV_BODY, require_csv
from services.intake.domain.encompass import EncompassNotice
from services.intake.domain.encompass_batch import (
    BatchFormatError,
    BatchResult,
    BatchTooLarge,
    parse_batch,
)
from services.intake.notice_views import (
    batch_receipt,
    incident_view,
    notice_view,
    queue_view,
    webhook_receipt,
)
from services.intake.ports import IntakePorts
from services.intake.sender_auth import authenticate_sender
from services.intake.usecases.dismiss_notice import dismiss_notice
from services.intake.usecases.match_notice import match_notice
from services.intake.usecases.read_notices import incident_notices, notice_for, unmatched_notices
from services.intake.usecases.receive_notices import Submission, receive_notices

NoticeId = Annotated[str, Path(pattern=r"^enc_[0-9a-f]{32}$")]
IncidentId = Annotated[str, Path(pattern=r"^inc_[0-9a-f]{32}$")]
JSON_BODY = {
    "requestBody": {
        "required": True,
        "content": {
            "application/json": {"schema": EncompassNotice.model_json_schema()},
        },
    }
}


class ManualMatch(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    pupil_id: str = Field(min_length=1, max_length=MAX_ID_LENGTH, pattern=ID_PATTERN)
    school_id: str | None = Field(
        default=None,
        min_length=1,
        max_length=64,
        description="the pupil's school; defaults to yours, or to the school the police named",
    )


class Dismissal(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    reason: str = Field(min_length=1, max_length=2000)


def _notice_from(body: bytes) -> EncompassNotice:
    """The webhook's JSON body; invalid fields are answered like any other body's (422)."""
    try:
        return EncompassNotice.model_validate_json(body)
    except ValidationError as exc:
        raise RequestValidationError(
            [{**error, "loc": ("body", *error["loc"])} for error in exc.errors()]
        ) from None


def _batch_from(body: bytes) -> BatchResult:
    try:
        return parse_batch(body)
    except BatchTooLarge as exc:
        raise HTTPException(status.HTTP_413_CONTENT_TOO_LARGE, str(exc)) from None
    except BatchFormatError as exc:
        raise unprocessable("file", str(exc)) from None


def router(ports: IntakePorts, principal_dep: Any) -> APIRouter:
    api = APIRouter(prefix="/v1/encompass", tags=["encompass"])
    CurrentUser = Annotated[Principal, Depends(principal_dep)]

    @api.post(
        "/notifications",
        status_code=status.HTTP_202_ACCEPTED,
        openapi_extra=JSON_BODY,
        responses=SIGNED_BY_SENDER,
    )
    async def notify(request: Request) -> dict[str, Any]:
        """A police notification about one incident, signed with the sender's secret.
        Each child is matched to a pupil and sent to that school's Key Adults."""
        body = await request.body()
        sender = await authenticate_sender(ports.store, ports.secret_box, request, body)
        notice = _notice_from(body)
        submissions = [Submission(notice, child) for child in notice.children]
        return webhook_receipt(await receive_notices(ports, sender, submissions))

    @api.post(
        "/batches",
        status_code=status.HTTP_202_ACCEPTED,
        openapi_extra=CSV_BODY,
        responses={**SIGNED_BY_SENDER, **CSV_UPLOAD},
    )
    async def batch(request: Request) -> dict[str, Any]:
        """A CSV of notifications, one row per child, signed like the webhook. Every row
        gets an outcome; an invalid row never holds up the others."""
        body = await request.body()
        sender = await authenticate_sender(ports.store, ports.secret_box, request, body)
        require_csv(request)
        parsed = _batch_from(body)
        submissions = [Submission(row.notice, row.child) for row in parsed.parsed]
        return batch_receipt(parsed, await receive_notices(ports, sender, submissions))

    @api.get("/unmatched", openapi_extra=who_may(*DSL_ROLES, trust_wide=[*TRUST_ROLES]))
    async def unmatched(
        principal: CurrentUser, limit: Annotated[int, Query(ge=1, le=500)] = 100
    ) -> dict[str, Any]:
        """Children nobody could match, oldest first, with the reason and the pupils a DSL
        may choose from (only those of the caller's school or trust)."""
        found = await unmatched_notices(ports, principal, limit)
        return {"unmatched": [queue_view(notice, principal) for notice in found]}

    @api.get(
        "/unmatched/{notification_id}", openapi_extra=who_may(*DSL_ROLES, trust_wide=[*TRUST_ROLES])
    )
    async def unmatched_one(notification_id: NoticeId, principal: CurrentUser) -> dict[str, Any]:
        return notice_view(await notice_for(ports, principal, notification_id), principal)

    @api.post(
        "/unmatched/{notification_id}/match",
        openapi_extra=who_may(*DSL_ROLES, trust_wide=[*TRUST_ROLES]),
        responses=CONFLICT,
    )
    async def match(
        notification_id: NoticeId, choice: ManualMatch, principal: CurrentUser
    ) -> dict[str, Any]:
        """Say which pupil the child is: the notification goes on exactly as if it had
        matched (alert, chronology, deadline from when Harbour first received it)."""
        notice = await match_notice(
            ports, principal, notification_id, choice.pupil_id, choice.school_id
        )
        return {
            "notification_id": notice["_id"],
            "state": notice["state"],
            "school_id": notice["school_id"],
            "pupil_id": notice["pupil_id"],
        }

    @api.post(
        "/unmatched/{notification_id}/dismiss",
        openapi_extra=who_may(*DSL_ROLES, trust_wide=[*TRUST_ROLES]),
        responses=CONFLICT,
    )
    async def dismiss(
        notification_id: NoticeId, dismissal: Dismissal, principal: CurrentUser
    ) -> dict[str, Any]:
        """Close a notification that is about none of the trust's pupils, with a reason."""
        notice = await dismiss_notice(ports, principal, notification_id, dismissal.reason)
        return {"notification_id": notice["_id"], "state": notice["state"]}

    @api.get(
        "/incidents/{incident_id}",
        openapi_extra=who_may(*DSL_ROLES, trust_wide=[Role.TRUST_SAFEGUARDING_LEAD]),
    )
    async def incident(incident_id: IncidentId, principal: CurrentUser) -> dict[str, Any]:
        """The trust safeguarding lead sees every child of the incident in the trust; a
        school's DSL sees only the school's own pupils."""
        found = await incident_notices(ports, principal, incident_id)
        return incident_view(found, principal)

    return api
