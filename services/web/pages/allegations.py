"""Allegations: the case manager's list of concerns about adults (and the DSLs they named),
the adult case page (the case, its deadlines, its steps and its chronology), the low-level
concerns log, the retention review and each case's access log. The services decide who
sees what: anyone not on a case, the adult concerned above all, gets an empty list and the
plain not-found page, exactly as for a case that does not exist. The forms: allegation_steps."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Request
from fastapi.responses import RedirectResponse, Response

from contracts.vocabulary import Role
from services.web.allegation_forms import LABELS
from services.web.clients.base import NotFound, Unprocessable
from services.web.clients.services import Services
from services.web.identity import ALLEGATIONS_USERS, NotAllowed, User, current_user, require
from services.web.security import checked_form
from services.web.templating import Pages

CurrentUser = Annotated[User, Depends(current_user)]
CaseId = Annotated[str, Path(pattern=r"^adc_[0-9a-f]{32}$")]


async def adult_case_or_none(services: Services, user: User, case_id: str) -> dict[str, Any]:
    """The case, or the not-found page (not on it, the subject, or no such case)."""
    try:
        return await services.case.adult_case(user.token, case_id)
    except NotFound:
        raise NotAllowed from None


def router(pages: Pages, services: Services) -> APIRouter:
    api = APIRouter()

    def render(request: Request, user: User, template: str, **context: Any) -> Response:
        return pages.render(request, template, user=user, labels=LABELS, **context)

    @api.get("/allegations")
    async def allegations(request: Request, user: CurrentUser) -> Response:
        require(user, ALLEGATIONS_USERS)
        cases = await services.case.adult_cases(user.token)
        return render(request, user, "allegations.html", cases=cases)

    @api.get("/allegations/low-level")
    async def low_level(request: Request, user: CurrentUser) -> Response:
        require(user, ALLEGATIONS_USERS)
        adults = await services.case.low_level_log(user.token)
        return render(request, user, "low_level_log.html", adults=adults)

    @api.get("/allegations/retention")
    async def retention(request: Request, user: CurrentUser) -> Response:
        require(user, ALLEGATIONS_USERS)
        due = await services.case.adult_retention_review(user.token)
        return render(request, user, "allegations_retention.html", cases=due)

    @api.get("/allegations/{case_id}")
    async def allegation(request: Request, case_id: CaseId, user: CurrentUser) -> Response:
        require(user, ALLEGATIONS_USERS)
        case = await adult_case_or_none(services, user, case_id)
        try:
            chronology = await services.records.adult_chronology(user.token, case_id)
        except NotFound:  # records has not heard of the case yet (a moment after it opened)
            chronology = {"entries": [], "verification": None}
        return render(
            request,
            user,
            "allegation_page.html",
            case=case,
            entries=list(reversed(chronology["entries"])),  # newest first
            verification=chronology["verification"],
        )

    @api.get("/allegations/{case_id}/access-log")
    async def access_log(request: Request, case_id: CaseId, user: CurrentUser) -> Response:
        require(user, ALLEGATIONS_USERS)
        case = await adult_case_or_none(services, user, case_id)
        try:
            log = await services.records.adult_access_log(user.token, case_id)
        except NotFound:  # a named DSL: the access log is the case manager's
            raise NotAllowed from None
        return render(request, user, "allegation_access_log.html", case=case, log=log)

    # -- the trust's setting: its trust lead manages concerns about adults too ---------------

    def trust_admin(user: User) -> str:
        if not (user.principal.trust_wide and user.has(frozenset({Role.ADMIN}))):
            raise NotAllowed
        return str(user.principal.trust_id)

    @api.get("/settings/allegations")
    async def settings(request: Request, user: CurrentUser, saved: bool = False) -> Response:
        trust_id = trust_admin(user)
        current = await services.case.allegation_settings(user.token, trust_id)
        return render(
            request, user, "allegation_settings.html", settings=current, errors={}, saved=saved
        )

    @api.post("/settings/allegations")
    async def save_settings(request: Request, user: CurrentUser) -> Response:
        trust_id = trust_admin(user)
        form = await checked_form(request)
        lead = str(form.get("trust_lead_user_id") or "").strip() or None
        try:
            await services.case.put_allegation_settings(user.token, trust_id, lead)
        except Unprocessable:
            errors = {"trust_lead_user_id": "Enter the trust lead's sign-in ID as it is"}
            current = {"trust_lead_user_id": lead}
            return render(
                request,
                user,
                "allegation_settings.html",
                settings=current,
                errors=errors,
                saved=False,
                status_code=400,
            )
        return RedirectResponse("/settings/allegations?saved=true", status_code=303)

    return api
