"""Operation Encompass: children the police named whom nobody could match; Match or Dismiss."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Path, Request
from fastapi.responses import RedirectResponse, Response

from services.web.clients.base import Conflict, NotFound, Unprocessable
from services.web.clients.services import Services
from services.web.identity import NotAllowed, User, current_user, may_use_encompass
from services.web.security import checked_form
from services.web.templating import Pages

CurrentUser = Annotated[User, Depends(current_user)]
NotificationId = Annotated[str, Path(pattern=r"^enc_[0-9a-f]{32}$")]


def router(pages: Pages, services: Services) -> APIRouter:
    api = APIRouter()

    async def queue_page(
        request: Request,
        user: User,
        *,
        errors: dict[str, dict[str, str]] | None = None,
        status_code: int = 200,
    ) -> Response:
        unmatched = await services.intake.unmatched(user.token, limit=200)
        return pages.render(
            request,
            "encompass.html",
            user=user,
            unmatched=unmatched,
            errors=errors or {},
            status_code=status_code,
        )

    def check(user: User) -> None:
        if not may_use_encompass(user):
            raise NotAllowed

    @api.get("/encompass")
    async def queue(request: Request, user: CurrentUser) -> Response:
        check(user)
        return await queue_page(request, user)

    @api.post("/encompass/{notification_id}/match")
    async def match(
        request: Request, notification_id: NotificationId, user: CurrentUser
    ) -> Response:
        check(user)
        form = await checked_form(request)
        school_id, _, pupil_id = str(form.get("candidate") or "").partition("|")
        if not pupil_id:
            errors = {notification_id: {"candidate": "Choose the pupil this child is"}}
            return await queue_page(request, user, errors=errors, status_code=400)
        try:
            await services.intake.match(user.token, notification_id, pupil_id, school_id or None)
        except (Unprocessable, Conflict) as exc:
            message = (
                "; ".join(exc.field_errors().values())
                if isinstance(exc, Unprocessable)
                else "It has already been resolved"
            )
            errors = {notification_id: {"candidate": message or "The pupil could not be matched"}}
            return await queue_page(request, user, errors=errors, status_code=400)
        except NotFound:
            return pages.render(request, "not_found.html", user=user, status_code=404)
        return RedirectResponse("/encompass", status_code=303)

    @api.post("/encompass/{notification_id}/dismiss")
    async def dismiss(
        request: Request, notification_id: NotificationId, user: CurrentUser
    ) -> Response:
        check(user)
        form = await checked_form(request)
        reason = str(form.get("reason") or "").strip()
        if not reason or len(reason) > 2000:
            errors = {notification_id: {"reason": "Enter why this child is not one of your pupils"}}
            return await queue_page(request, user, errors=errors, status_code=400)
        try:
            await services.intake.dismiss(user.token, notification_id, reason)
        except Conflict:
            errors = {notification_id: {"reason": "It has already been resolved"}}
            return await queue_page(request, user, errors=errors, status_code=400)
        except NotFound:
            return pages.render(request, "not_found.html", user=user, status_code=404)
        return RedirectResponse("/encompass", status_code=303)

    return api
