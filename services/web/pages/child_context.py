"""What the DSL knows of the child, as a form: the social worker, the plan, care, SEND,
private fostering, who has parental responsibility, and the address (withheld or not).
The school's DSLs change it; it shows at the top of the child's file (_child_context.html)
for everyone who reads the case, a withheld address for the DSLs only."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse, Response

from services.common.auth import DSL_ROLES
from services.web.child_labels import (
    LEGAL_STATUSES,
    PLANS,
    PREVIOUSLY,
    PROTECTION_CATEGORIES,
    SEND_OPTIONS,
)
from services.web.clients.base import NotFound, Unprocessable
from services.web.clients.services import Services
from services.web.context_form import (
    PEOPLE,
    body_from_values,
    errors_from_service,
    values_from_context,
    values_from_form,
)
from services.web.identity import NotAllowed, User, current_user
from services.web.pages.case import Id, case_section
from services.web.security import checked_form
from services.web.templating import Pages

CurrentUser = Annotated[User, Depends(current_user)]


def dsl_at(user: User, school_id: str) -> None:
    """The page is for the school's own DSLs (everyone else: not found)."""
    if user.school_id != school_id or not user.has(DSL_ROLES):
        raise NotAllowed


def file_anchor(school_id: str, pupil_id: str, anchor: str) -> str:
    return f"/children/{school_id}/{pupil_id}#{anchor}"


def router(pages: Pages, services: Services) -> APIRouter:
    api = APIRouter()

    def form(
        request: Request,
        user: User,
        school_id: str,
        pupil_id: str,
        values: dict[str, Any],
        errors: dict[str, str],
        status: int = 200,
    ) -> Response:
        return pages.render(
            request,
            "context_form.html",
            user=user,
            pupil_id=pupil_id,
            values=values,
            errors=errors,
            back=file_anchor(school_id, pupil_id, "context"),
            plans=PLANS,
            protection_categories=PROTECTION_CATEGORIES,
            legal_statuses=LEGAL_STATUSES,
            previously=PREVIOUSLY,
            send_options=SEND_OPTIONS,
            people=PEOPLE,
            status_code=status,
        )

    @api.get("/children/{school_id}/{pupil_id}/context")
    async def context_form(
        request: Request, school_id: Id, pupil_id: Id, user: CurrentUser
    ) -> Response:
        dsl_at(user, school_id)
        case = (await case_section(services, user, school_id, pupil_id))["case"] or {}
        values = values_from_context((case.get("context") or {}).get("context"))
        return form(request, user, school_id, pupil_id, values, {})

    @api.post("/children/{school_id}/{pupil_id}/context")
    async def save_context(
        request: Request, school_id: Id, pupil_id: Id, user: CurrentUser
    ) -> Response:
        dsl_at(user, school_id)
        values = values_from_form(await checked_form(request))
        body, errors = body_from_values(values)
        if body is None:
            return form(request, user, school_id, pupil_id, values, errors, 400)
        try:
            await services.case.put_context(user.token, pupil_id, body)
        except Unprocessable as exc:
            errors = errors_from_service(exc.field_errors())
            return form(request, user, school_id, pupil_id, values, errors, 400)
        except NotFound:
            raise NotAllowed from None
        return RedirectResponse(file_anchor(school_id, pupil_id, "context"), status_code=303)

    return api
