"""Operation Encompass: police notifications in (signed webhook, signed batch file), the
queue of children nobody could match, and the trust's view of a whole incident."""

from collections import Counter
from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Path, Query, Request, status
from fastapi.exceptions import RequestValidationError
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from contracts.envelope import utc_now
from services.common.auth import Principal
from services.common.web import not_found, unprocessable
from services.intake.api_roster import CSV_BODY, require_csv
from services.intake.domain import encompass_records as records
from services.intake.domain.encompass import EncompassNotification
from services.intake.domain.encompass_batch import (
    BatchFormatError,
    BatchTooLarge,
    ParsedRow,
    parse_batch,
)
from services.intake.encompass_intake import (
    Conflict,
    EncompassIntake,
    NotFound,
    Refused,
    Submission,
)
from services.intake.secret_box import SecretBox
from services.intake.sender_auth import authenticate_sender
from services.intake.store import IntakeStore

NotificationId = Annotated[str, Path(pattern=r"^enc_[0-9a-f]{32}$")]
IncidentId = Annotated[str, Path(pattern=r"^inc_[0-9a-f]{32}$")]
Id = Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9][A-Za-z0-9_.:-]*$")
JSON_BODY = {
    "requestBody": {
        "required": True,
        "content": {
            "application/json": {"schema": EncompassNotification.model_json_schema()},
        },
    }
}


class ManualMatch(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    pupil_id: str = Id
    school_id: str | None = Field(
        default=None,
        min_length=1,
        max_length=64,
        description="the pupil's school; defaults to yours, or to the school the police named",
    )


class Dismissal(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    reason: str = Field(min_length=1, max_length=2000)


def router(
    store: IntakeStore, intake: EncompassIntake, secret_box: SecretBox, principal_dep: Any
) -> APIRouter:
    api = APIRouter(prefix="/v1/encompass", tags=["encompass"])
    CurrentUser = Annotated[Principal, Depends(principal_dep)]

    @api.post("/notifications", status_code=status.HTTP_202_ACCEPTED, openapi_extra=JSON_BODY)
    async def notify(request: Request) -> dict[str, Any]:
        """A police notification about one incident, signed with the sender's secret.
        Each child is matched to a pupil and sent to that school's Key Adults."""
        body = await request.body()
        sender = await authenticate_sender(store, secret_box, request, body)
        try:
            notification = EncompassNotification.model_validate_json(body)
        except ValidationError as exc:
            raise RequestValidationError(
                [{**error, "loc": ("body", *error["loc"])} for error in exc.errors()]
            ) from None
        received_at = utc_now()
        outcomes = await intake.receive(
            sender,
            [Submission(notification, child) for child in notification.children],
            received_at,
        )
        return {
            "incident_id": outcomes[0].incident_id,
            "received_at": received_at,
            "children": [
                {"child": index, "notification_id": o.notification_id, "outcome": o.outcome}
                for index, o in enumerate(outcomes)
            ],
        }

    @api.post("/batches", status_code=status.HTTP_202_ACCEPTED, openapi_extra=CSV_BODY)
    async def batch(request: Request) -> dict[str, Any]:
        """A CSV of notifications, one row per child, signed like the webhook. Every row
        gets an outcome; an invalid row never holds up the others."""
        body = await request.body()
        sender = await authenticate_sender(store, secret_box, request, body)
        require_csv(request)
        try:
            parsed = parse_batch(body)
        except BatchTooLarge as exc:
            raise HTTPException(status.HTTP_413_CONTENT_TOO_LARGE, str(exc)) from None
        except BatchFormatError as exc:
            raise unprocessable("file", str(exc)) from None
        received_at = utc_now()
        valid = parsed.parsed
        outcomes = await intake.receive(
            sender, [Submission(row.notification, row.child) for row in valid], received_at
        )
        outcome_of = dict(zip((row.line for row in valid), outcomes, strict=True))
        rows: list[dict[str, Any]] = []
        for row in parsed.rows:
            if isinstance(row, ParsedRow):
                outcome = outcome_of[row.line]
                rows.append(
                    {
                        "line": row.line,
                        "outcome": outcome.outcome,
                        "incident_id": outcome.incident_id,
                        "notification_id": outcome.notification_id,
                    }
                )
            else:
                rows.append({"line": row.line, "outcome": "invalid", "reason": row.reason})
        summary = Counter(row["outcome"] for row in rows)
        return {
            "received_at": received_at,
            "summary": {
                name: summary.get(name, 0)
                for name in ("matched", "unmatched", "duplicate", "amended", "invalid")
            },
            "rows": rows,
        }

    @api.get("/unmatched")
    async def unmatched(
        principal: CurrentUser, limit: Annotated[int, Query(ge=1, le=500)] = 100
    ) -> dict[str, Any]:
        """Children nobody could match, oldest first, with the reason and the pupils a DSL
        may choose from (only those of the caller's school or trust)."""
        try:
            found = await intake.queue(principal, limit)
        except NotFound:
            raise not_found("school") from None
        return {"unmatched": [records.queue_view(doc, principal) for doc in found]}

    @api.get("/unmatched/{notification_id}")
    async def unmatched_one(
        notification_id: NotificationId, principal: CurrentUser
    ) -> dict[str, Any]:
        try:
            doc = await intake.record_for(notification_id, principal)
        except NotFound:
            raise not_found("notification") from None
        view = records.queue_view(doc, principal)
        view["resolution"] = doc.get("resolution")
        return view

    @api.post("/unmatched/{notification_id}/match")
    async def match(
        notification_id: NotificationId, choice: ManualMatch, principal: CurrentUser
    ) -> dict[str, Any]:
        """Say which pupil the child is: the notification goes on exactly as if it had
        matched (alert, chronology, deadline from when Harbour first received it)."""
        try:
            doc = await intake.match_by_hand(
                notification_id, principal, choice.pupil_id, choice.school_id
            )
        except NotFound:
            raise not_found("notification") from None
        except Refused as exc:
            raise unprocessable(exc.field, exc.message) from None
        except Conflict as exc:
            raise HTTPException(status.HTTP_409_CONFLICT, str(exc)) from None
        return {
            "notification_id": doc["_id"],
            "state": doc["state"],
            "school_id": doc["school_id"],
            "pupil_id": doc["pupil_id"],
        }

    @api.post("/unmatched/{notification_id}/dismiss")
    async def dismiss(
        notification_id: NotificationId, dismissal: Dismissal, principal: CurrentUser
    ) -> dict[str, Any]:
        """Close a notification that is about none of the trust's pupils, with a reason."""
        try:
            doc = await intake.dismiss(notification_id, principal, dismissal.reason)
        except NotFound:
            raise not_found("notification") from None
        except Conflict as exc:
            raise HTTPException(status.HTTP_409_CONFLICT, str(exc)) from None
        return {"notification_id": doc["_id"], "state": doc["state"]}

    @api.get("/incidents/{incident_id}")
    async def incident(incident_id: IncidentId, principal: CurrentUser) -> dict[str, Any]:
        """The trust safeguarding lead sees every child of the incident in the trust; a
        school's DSL sees only the school's own pupils."""
        try:
            found = await intake.incident(incident_id, principal)
        except NotFound:
            raise not_found("incident") from None
        return records.incident_view(found, principal)

    return api
