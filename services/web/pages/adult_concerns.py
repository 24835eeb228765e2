"""Report a concern about an adult (any member of staff) and its receipt: all the reporter
ever sees of it."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Path, Request
from fastapi.responses import RedirectResponse, Response

from services.common.auth import SCHOOL_ROLES
from services.web.adult_concern_form import ROLE_LABELS, AdultConcernDraft, errors_from_service
from services.web.clients.base import NotFound, Unprocessable
from services.web.clients.services import Services
from services.web.identity import User, current_user, require
from services.web.security import checked_form
from services.web.templating import Pages

CurrentUser = Annotated[User, Depends(current_user)]
AdultConcernId = Annotated[str, Path(pattern=r"^[0-9a-f-]{36}$")]


def router(pages: Pages, services: Services) -> APIRouter:
    api = APIRouter()

    def form_page(
        request: Request,
        user: User,
        draft: AdultConcernDraft,
        *,
        errors: dict[str, str] | None = None,
        pupils: list[dict[str, str]] | None = None,
        searched: bool = False,
        status_code: int = 200,
    ) -> Response:
        return pages.render(
            request,
            "adult_concern_form.html",
            user=user,
            draft=draft,
            roles=ROLE_LABELS,
            errors=errors or {},
            pupils=pupils or [],
            searched=searched,
            status_code=status_code,
        )

    @api.get("/adult-concerns/new")
    async def new_adult_concern(request: Request, user: CurrentUser) -> Response:
        require(user, SCHOOL_ROLES, at_school=True)
        return form_page(request, user, AdultConcernDraft())

    @api.post("/adult-concerns/new")
    async def post_adult_concern(request: Request, user: CurrentUser) -> Response:
        require(user, SCHOOL_ROLES, at_school=True)
        form = await checked_form(request)
        draft = AdultConcernDraft.from_form(form)
        if str(form.get("action") or "submit") == "find_pupil":
            if len(draft.pupil_name) < 2:
                errors = {"pupil_name": "Enter at least 2 letters of the pupil's name"}
                return form_page(request, user, draft, errors=errors)
            pupils = await services.intake.search_pupils(user.token, draft.pupil_name)
            return form_page(request, user, draft, pupils=pupils, searched=True)
        body, errors = draft.check()
        if body is None:
            return form_page(request, user, draft, errors=errors, status_code=400)
        try:
            receipt = await services.intake.raise_adult_concern(
                user.token, {"school_id": user.school_id, **body}, draft.idempotency_key
            )
        except Unprocessable as exc:
            errors = errors_from_service(exc.field_errors())
            return form_page(request, user, draft, errors=errors, status_code=400)
        concern_id = receipt["adult_concern_id"]
        return RedirectResponse(f"/adult-concerns/{concern_id}/sent", status_code=303)

    @api.get("/adult-concerns/{adult_concern_id}/sent")
    async def sent(
        request: Request, adult_concern_id: AdultConcernId, user: CurrentUser
    ) -> Response:
        require(user, SCHOOL_ROLES, at_school=True)
        try:
            receipt = await services.intake.adult_receipt(user.token, adult_concern_id)
        except NotFound:
            return pages.render(request, "not_found.html", user=user, status_code=404)
        return pages.render(request, "adult_concern_recorded.html", user=user, receipt=receipt)

    return api
