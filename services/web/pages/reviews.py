"""Reviews due: every case review and risk assessment review a school owes in the next two
weeks, and those overdue, soonest first (a trust lead: across the trust). For the case's
readers; the DSLs and headteacher reach the pattern-watch settings from here."""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response

from services.common.auth import SAFEGUARDING_READERS
from services.common.clock import uk_today
from services.web.clients.services import Services
from services.web.identity import CASE_READERS, User, current_user, require
from services.web.pages.pattern_rules import RULE_PAGE_USERS
from services.web.templating import Pages

CurrentUser = Annotated[User, Depends(current_user)]
LOOK_AHEAD = timedelta(days=14)


def router(pages: Pages, services: Services) -> APIRouter:
    api = APIRouter()

    @api.get("/reviews")
    async def reviews_due(request: Request, user: CurrentUser) -> Response:
        require(user, CASE_READERS)
        today = uk_today()
        due = await services.case.reviews(user.token, (today + LOOK_AHEAD).isoformat())
        return pages.render(
            request,
            "reviews.html",
            user=user,
            reviews=due,
            until=(today + LOOK_AHEAD).isoformat(),
            full_file=user.has(SAFEGUARDING_READERS),
            pattern_rules=user.at_school and user.has(RULE_PAGE_USERS),
        )

    return api
