"""The child's case in the browser, to read: the Cases list (a school's open cases and the
reviews coming due; a trust lead's across the trust) and the case page, which is also part
of the child's file (templates/_case.html). The forms a DSL works it with: case_steps.py."""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Request
from fastapi.responses import Response

from services.common.auth import DSL_ROLES, SAFEGUARDING_READERS
from services.common.clock import uk_today
from services.web.case_labels import LABELS
from services.web.clients.base import NotFound, Unavailable
from services.web.clients.services import Services
from services.web.identity import CASE_READERS, NotAllowed, User, current_user, require
from services.web.templating import Pages

CurrentUser = Annotated[User, Depends(current_user)]
Id = Annotated[str, Path(pattern=r"^[A-Za-z0-9][A-Za-z0-9_.:-]{0,63}$")]
REVIEW_WINDOW = timedelta(days=7)  # the Cases page lists reviews due within a week


def case_base(school_id: str, pupil_id: str) -> str:
    return f"/children/{school_id}/{pupil_id}/case"


async def case_section(
    services: Services, user: User, school_id: str, pupil_id: str
) -> dict[str, Any]:
    """What the case partial (_case.html) needs: the case (None: no case yet), the labels,
    and whether this user works the case (a DSL of the school) or only reads it."""
    scope = None if user.school_id else school_id
    try:
        case = await services.case.case(user.token, scope, pupil_id)
    except NotFound:
        case = None
    return {
        "case": case,
        "case_decisions": {d["concern_id"]: d for d in (case or {}).get("decisions", [])},
        "case_labels": LABELS,
        "case_base": case_base(school_id, pupil_id),
        "works_case": user.school_id == school_id and user.has(DSL_ROLES),
        "today": uk_today().isoformat(),
    }


async def fgm_reports_owed(services: Services, user: User) -> list[dict[str, Any]]:
    """The FGM reports to the police this user still owes (their personal duty). My
    concerns shows them; it still works, without them, while case cannot be reached."""
    try:
        duties = await services.case.fgm_duties(user.token)
    except (NotFound, Unavailable):
        return []
    mine = user.principal.user_id
    return [d for d in duties if d["duty_holder"] == mine and d.get("reported_at") is None]


async def the_case(services: Services, user: User, school_id: str, pupil_id: str) -> dict[str, Any]:
    """The case section of a child who has a case (none: the not-found page)."""
    section = await case_section(services, user, school_id, pupil_id)
    if section["case"] is None:
        raise NotAllowed
    return section


def router(pages: Pages, services: Services) -> APIRouter:
    api = APIRouter()

    @api.get("/cases")
    async def cases(request: Request, user: CurrentUser) -> Response:
        require(user, CASE_READERS)
        found = await services.case.cases(user.token, status="open")
        soon = (uk_today() + REVIEW_WINDOW).isoformat()
        due = [c for c in found if c["review_on"] and c["review_on"] <= soon]
        return pages.render(
            request,
            "cases.html",
            user=user,
            cases=found,
            reviews_due=due,
            today=uk_today().isoformat(),
            full_file=user.has(SAFEGUARDING_READERS),
        )

    @api.get("/children/{school_id}/{pupil_id}/case")
    async def case_page(
        request: Request, school_id: Id, pupil_id: Id, user: CurrentUser
    ) -> Response:
        require(user, CASE_READERS)
        if user.school_id is not None and user.school_id != school_id:
            raise NotAllowed
        section = await the_case(services, user, school_id, pupil_id)
        return pages.render(
            request,
            "case_page.html",
            user=user,
            school_id=school_id,
            pupil_id=pupil_id,
            full_file=user.has(SAFEGUARDING_READERS),
            **section,
        )

    return api
