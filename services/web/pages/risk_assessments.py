"""Risk assessments (Annex A) in the browser: a DSL records one from the child's file (the
incident, the child's part, the children considered with them, the risks, the measures,
the victim's wishes, who was consulted, the review date) and reviews it (what was found,
the measures from now on, the next date, or the end). Both return to the child's file."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse, Response

from services.web import risk_form
from services.web.child_labels import MEASURES, PARTS
from services.web.clients.base import Conflict, NotFound, Unprocessable
from services.web.clients.services import Services
from services.web.identity import NotAllowed, User, current_user
from services.web.pages.case import Id, case_section
from services.web.pages.child_context import dsl_at, file_anchor
from services.web.security import checked_form
from services.web.templating import Pages

CurrentUser = Annotated[User, Depends(current_user)]


def router(pages: Pages, services: Services) -> APIRouter:
    api = APIRouter()

    async def page(
        request: Request,
        user: User,
        school_id: str,
        pupil_id: str,
        values: dict[str, Any],
        *,
        assessment_id: str | None = None,
        errors: dict[str, str] | None = None,
        status: int = 200,
    ) -> Response:
        case = (await case_section(services, user, school_id, pupil_id))["case"] or {}
        assessment = _assessment(case, assessment_id) if assessment_id else None
        return pages.render(
            request,
            "risk_assessment_form.html",
            user=user,
            pupil_id=pupil_id,
            case=case,
            assessment=assessment,
            values=values,
            errors=errors or {},
            parts=PARTS,
            measures=MEASURES,
            back=file_anchor(school_id, pupil_id, "risk-assessments"),
            status_code=status,
        )

    async def submit(
        request: Request, user: User, school_id: str, pupil_id: str, assessment_id: str | None
    ) -> Response:
        values = risk_form.values_from_form(await checked_form(request))
        build = risk_form.review_body if assessment_id else risk_form.assessment_body
        body, errors = build(values)
        path = (
            f"/v1/risk-assessments/{assessment_id}/reviews"
            if assessment_id
            else f"/v1/children/{pupil_id}/risk-assessments"
        )
        if body is not None:
            try:
                await services.case.step(user.token, "POST", path, body, risk_form.key_of(values))
            except Unprocessable as exc:
                errors = risk_form.errors_from_service(exc.field_errors())
            except Conflict as exc:
                errors = {"form": str((exc.detail or {}).get("detail") or "Try again")}
            except NotFound:
                raise NotAllowed from None
            else:
                back = file_anchor(school_id, pupil_id, "risk-assessments")
                return RedirectResponse(back, status_code=303)
        return await page(
            request,
            user,
            school_id,
            pupil_id,
            values,
            assessment_id=assessment_id,
            errors=errors,
            status=400,
        )

    @api.get("/children/{school_id}/{pupil_id}/risk-assessments/new")
    async def new_assessment(
        request: Request, school_id: Id, pupil_id: Id, user: CurrentUser
    ) -> Response:
        dsl_at(user, school_id)
        return await page(request, user, school_id, pupil_id, risk_form.blank())

    @api.post("/children/{school_id}/{pupil_id}/risk-assessments/new")
    async def post_assessment(
        request: Request, school_id: Id, pupil_id: Id, user: CurrentUser
    ) -> Response:
        dsl_at(user, school_id)
        return await submit(request, user, school_id, pupil_id, None)

    @api.get("/children/{school_id}/{pupil_id}/risk-assessments/{assessment_id}/review")
    async def review_form(
        request: Request, school_id: Id, pupil_id: Id, assessment_id: Id, user: CurrentUser
    ) -> Response:
        dsl_at(user, school_id)
        case = (await case_section(services, user, school_id, pupil_id))["case"] or {}
        values = risk_form.blank(_assessment(case, assessment_id)["measures"])
        return await page(request, user, school_id, pupil_id, values, assessment_id=assessment_id)

    @api.post("/children/{school_id}/{pupil_id}/risk-assessments/{assessment_id}/review")
    async def post_review(
        request: Request, school_id: Id, pupil_id: Id, assessment_id: Id, user: CurrentUser
    ) -> Response:
        dsl_at(user, school_id)
        return await submit(request, user, school_id, pupil_id, assessment_id)

    return api


def _assessment(case: dict[str, Any], assessment_id: str) -> dict[str, Any]:
    """The open assessment on the case (none: the not-found page)."""
    for assessment in case.get("risk_assessments", []):
        if assessment["assessment_id"] == assessment_id and assessment["status"] == "open":
            return dict(assessment)
    raise NotAllowed
