"""The child's file's own tools, for the school's safeguarding leads: Transfer (to a
school's URN here, or to the receiving DSL's e-mail outside Harbour), Download PDF (with a
stated purpose for a police or court copy), the access log; and Incoming files, where a
DSL accepts a file another school sent."""

from __future__ import annotations

import secrets
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Request
from fastapi.responses import Response

from services.common.auth import DSL_ROLES, SAFEGUARDING_READERS
from services.web.clients.base import Conflict, NotFound, Unprocessable
from services.web.clients.services import Services
from services.web.identity import ALERT_READERS, User, current_user, require
from services.web.security import checked_form
from services.web.templating import Pages

CurrentUser = Annotated[User, Depends(current_user)]
Id = Annotated[str, Path(pattern=r"^[A-Za-z0-9][A-Za-z0-9_.:-]{0,63}$")]
TransferId = Annotated[str, Path(pattern=r"^tr[0-9a-f]{20}$")]


def router(pages: Pages, services: Services) -> APIRouter:
    api = APIRouter()
    records = services.records

    def own_school(user: User, school_id: str) -> bool:
        return user.school_id is None or user.school_id == school_id

    async def transfer_page(
        request: Request,
        user: User,
        school_id: str,
        pupil_id: str,
        *,
        errors: dict[str, str] | None = None,
        values: dict[str, str] | None = None,
        status_code: int = 200,
    ) -> Response:
        transfers = await records.transfers(user.token, school_id, pupil_id)
        return pages.render(
            request,
            "file_transfer.html",
            user=user,
            school_id=school_id,
            pupil_id=pupil_id,
            transfers=transfers,
            errors=errors or {},
            values=values or {},
            key=secrets.token_urlsafe(16),
            status_code=status_code,
        )

    @api.get("/children/{school_id}/{pupil_id}/transfer")
    async def transfer_form(
        request: Request, school_id: Id, pupil_id: Id, user: CurrentUser
    ) -> Response:
        require(user, DSL_ROLES, at_school=True)
        if not own_school(user, school_id):
            return pages.render(request, "not_found.html", user=user, status_code=404)
        try:
            return await transfer_page(request, user, school_id, pupil_id)
        except NotFound:
            return pages.render(request, "not_found.html", user=user, status_code=404)

    @api.post("/children/{school_id}/{pupil_id}/transfer")
    async def transfer(
        request: Request, school_id: Id, pupil_id: Id, user: CurrentUser
    ) -> Response:
        require(user, DSL_ROLES, at_school=True)
        if not own_school(user, school_id):
            return pages.render(request, "not_found.html", user=user, status_code=404)
        form = await checked_form(request)
        values = {k: str(form.get(k) or "").strip() for k in ("route", "urn", "email", "key")}
        errors = _destination_errors(values)
        if errors:
            return await transfer_page(
                request, user, school_id, pupil_id, errors=errors, values=values, status_code=422
            )
        route = values["route"]
        destination = {"urn": values["urn"]} if route == "urn" else {"email": values["email"]}
        try:
            offered = await records.offer(
                user.token, pupil_id, destination, values["key"] or secrets.token_urlsafe(16)
            )
        except Unprocessable as exc:
            found = exc.field_errors()
            message = next(iter(found.values()), "Check the destination")
            field = "urn" if route == "urn" else "email"
            return await transfer_page(
                request,
                user,
                school_id,
                pupil_id,
                errors={field: message},
                values=values,
                status_code=422,
            )
        except Conflict as exc:
            message = (exc.detail or {}).get("detail", "The file cannot be transferred now")
            return await transfer_page(
                request,
                user,
                school_id,
                pupil_id,
                errors={"route": str(message)},
                values=values,
                status_code=409,
            )
        return pages.render(
            request,
            "file_transfer_offered.html",
            user=user,
            school_id=school_id,
            pupil_id=pupil_id,
            offered=offered,
            offer=offered["attempts"][-1],
        )

    @api.post("/children/{school_id}/{pupil_id}/file.pdf")
    async def file_pdf(
        request: Request, school_id: Id, pupil_id: Id, user: CurrentUser
    ) -> Response:
        require(user, SAFEGUARDING_READERS)
        if not own_school(user, school_id):
            return pages.render(request, "not_found.html", user=user, status_code=404)
        form = await checked_form(request)
        purpose = str(form.get("purpose") or "").strip()[:300] or None
        try:
            pdf = await records.file_pdf(user.token, school_id, pupil_id, purpose)
        except NotFound:
            return pages.render(request, "not_found.html", user=user, status_code=404)
        return Response(
            pdf,
            media_type="application/pdf",
            headers={"Content-Disposition": 'attachment; filename="child-protection-file.pdf"'},
        )

    @api.get("/children/{school_id}/{pupil_id}/access-log")
    async def access_log(
        request: Request, school_id: Id, pupil_id: Id, user: CurrentUser
    ) -> Response:
        require(user, ALERT_READERS)
        if not own_school(user, school_id):
            return pages.render(request, "not_found.html", user=user, status_code=404)
        try:
            log = await records.access_log(user.token, school_id, pupil_id)
        except NotFound:
            return pages.render(request, "not_found.html", user=user, status_code=404)
        return pages.render(
            request,
            "access_log.html",
            user=user,
            school_id=school_id,
            pupil_id=pupil_id,
            log=log,
        )

    async def incoming_page(
        request: Request,
        user: User,
        *,
        accepted: dict[str, Any] | None = None,
        errors: dict[str, str] | None = None,
        status_code: int = 200,
    ) -> Response:
        return pages.render(
            request,
            "incoming_files.html",
            user=user,
            transfers=await records.incoming(user.token),
            accepted=accepted,
            errors=errors or {},
            status_code=status_code,
        )

    @api.get("/transfers/incoming")
    async def incoming(request: Request, user: CurrentUser) -> Response:
        require(user, DSL_ROLES, at_school=True)
        return await incoming_page(request, user)

    @api.post("/transfers/{transfer_id}/accept")
    async def accept(request: Request, transfer_id: TransferId, user: CurrentUser) -> Response:
        require(user, DSL_ROLES, at_school=True)
        form = await checked_form(request)
        pupil_id = str(form.get("pupil_id") or "").strip()
        field = f"pupil-{transfer_id}"
        try:
            if not pupil_id:
                raise Unprocessable(422, {"detail": [{"field": "pupil_id", "msg": "required"}]})
            accepted = await records.accept(user.token, transfer_id, pupil_id)
        except Unprocessable:
            message = "Enter the child's pupil ID on your school's roll"
            return await incoming_page(request, user, errors={field: message}, status_code=422)
        except Conflict as exc:
            message = str((exc.detail or {}).get("detail", "The file cannot be accepted"))
            return await incoming_page(request, user, errors={field: message}, status_code=409)
        except NotFound:
            return pages.render(request, "not_found.html", user=user, status_code=404)
        return await incoming_page(request, user, accepted=accepted)

    return api


def _destination_errors(values: dict[str, str]) -> dict[str, str]:
    route = values["route"]
    if route not in ("urn", "email"):
        return {"route": "Choose where the file goes"}
    if route == "urn" and not (values["urn"].isdigit() and 6 <= len(values["urn"]) <= 7):
        return {"urn": "Enter the receiving school's URN, 6 or 7 digits"}
    if route == "email" and "@" not in values["email"]:
        return {"email": "Enter the receiving DSL's e-mail address"}
    return {}
