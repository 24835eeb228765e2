"""Correcting an entry of a child's file (a correction is appended beside it; the entry
never changes), and the retention review with disposal, for the headteacher and DSLs."""

from __future__ import annotations

import json
import secrets
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Request
from fastapi.responses import RedirectResponse, Response

from contracts.vocabulary import Role
from services.common.auth import DSL_ROLES, SAFEGUARDING_READERS
from services.web.clients.base import Conflict, NotFound, Unprocessable
from services.web.clients.services import Services
from services.web.identity import User, current_user, require
from services.web.security import checked_form
from services.web.templating import Pages

CurrentUser = Annotated[User, Depends(current_user)]
Id = Annotated[str, Path(pattern=r"^[A-Za-z0-9][A-Za-z0-9_.:-]{0,63}$")]
RETENTION_USERS = DSL_ROLES | {Role.HEADTEACHER}


def router(pages: Pages, services: Services) -> APIRouter:
    api = APIRouter()
    records = services.records

    async def correction_page(
        request: Request,
        user: User,
        school_id: str,
        pupil_id: str,
        entry_id: str,
        *,
        errors: dict[str, str] | None = None,
        values: dict[str, str] | None = None,
        status_code: int = 200,
    ) -> Response:
        chronology = await records.chronology(user.token, school_id, pupil_id)
        entry = next((e for e in chronology["entries"] if e["entry_id"] == entry_id), None)
        if entry is None:
            return pages.render(request, "not_found.html", user=user, status_code=404)
        fields = [k for k, v in entry["content"].items() if isinstance(v, str | int | float | bool)]
        return pages.render(
            request,
            "correct_entry.html",
            user=user,
            school_id=school_id,
            pupil_id=pupil_id,
            entry=entry,
            fields=fields,
            errors=errors or {},
            values=values or {},
            key=secrets.token_urlsafe(16),
            status_code=status_code,
        )

    @api.get("/children/{school_id}/{pupil_id}/entries/{entry_id}/correct")
    async def correct_form(
        request: Request, school_id: Id, pupil_id: Id, entry_id: Id, user: CurrentUser
    ) -> Response:
        require(user, SAFEGUARDING_READERS)
        if user.school_id not in (None, school_id):
            return pages.render(request, "not_found.html", user=user, status_code=404)
        try:
            return await correction_page(request, user, school_id, pupil_id, entry_id)
        except NotFound:
            return pages.render(request, "not_found.html", user=user, status_code=404)

    @api.post("/children/{school_id}/{pupil_id}/entries/{entry_id}/correct")
    async def correct(
        request: Request, school_id: Id, pupil_id: Id, entry_id: Id, user: CurrentUser
    ) -> Response:
        require(user, SAFEGUARDING_READERS)
        if user.school_id not in (None, school_id):
            return pages.render(request, "not_found.html", user=user, status_code=404)
        form = await checked_form(request)
        values = {k: str(form.get(k) or "").strip() for k in ("field", "value", "reason", "key")}
        errors = {
            name: message
            for name, message in (
                ("field", "Choose the field to correct"),
                ("value", "Enter what it should say"),
                ("reason", "Say why it is corrected"),
            )
            if not values[name]
        }
        if not errors:
            try:
                await records.correct(
                    user.token,
                    school_id,
                    pupil_id,
                    entry_id,
                    {"reason": values["reason"], "fields": {values["field"]: values["value"]}},
                    values["key"] or secrets.token_urlsafe(16),
                )
            except Unprocessable as exc:
                errors = {"field": next(iter(exc.field_errors().values()), "Check the form")}
            except Conflict:  # this form was sent before with other words: that one stands
                values["key"] = ""  # sent again, it is a correction of its own
                errors = {"value": "This form was sent already: send it again to add this too"}
        if errors:
            return await correction_page(
                request,
                user,
                school_id,
                pupil_id,
                entry_id,
                errors=errors,
                values=values,
                status_code=422,
            )
        return RedirectResponse(f"/children/{school_id}/{pupil_id}", status_code=303)

    async def review_page(
        request: Request,
        user: User,
        *,
        errors: dict[str, str] | None = None,
        disposed: str | None = None,
        status_code: int = 200,
    ) -> Response:
        review = await records.retention_review(user.token)
        return pages.render(
            request,
            "retention.html",
            user=user,
            review=review,
            errors=errors or {},
            disposed=disposed,
            status_code=status_code,
        )

    @api.get("/retention")
    async def retention(request: Request, user: CurrentUser) -> Response:
        require(user, RETENTION_USERS, at_school=True)
        return await review_page(request, user)

    @api.post("/retention/{pupil_id}/dispose")
    async def dispose(request: Request, pupil_id: Id, user: CurrentUser) -> Response:
        require(user, RETENTION_USERS, at_school=True)
        form = await checked_form(request)
        reason = str(form.get("reason") or "").strip()
        field = f"reason-{pupil_id}"
        if not reason:
            return await review_page(
                request, user, errors={field: "Give the reason for disposal"}, status_code=422
            )
        try:
            await records.dispose(user.token, pupil_id, reason)
        except Conflict as exc:
            detail: Any = exc.detail.get("detail") if isinstance(exc.detail, dict) else None
            return await review_page(
                request,
                user,
                errors={field: str(detail or json.dumps(exc.detail))},
                status_code=409,
            )
        except NotFound:
            return pages.render(request, "not_found.html", user=user, status_code=404)
        return await review_page(request, user, disposed=pupil_id)

    return api
