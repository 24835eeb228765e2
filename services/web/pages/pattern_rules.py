"""Pattern watch settings: when Harbour alerts the DSLs to a pattern in a child's recent
events. The DSL and the headteacher change the thresholds; a deputy DSL and an admin read
them (School settings links here)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse, Response

from contracts.vocabulary import Role
from services.web import pattern_rules_form as rules_form
from services.web.clients.base import Forbidden, Unprocessable
from services.web.clients.services import Services
from services.web.identity import User, current_user, require
from services.web.security import checked_form
from services.web.templating import Pages

CurrentUser = Annotated[User, Depends(current_user)]
RULE_PAGE_USERS = frozenset({Role.DSL, Role.DEPUTY_DSL, Role.HEADTEACHER, Role.ADMIN})
RULE_EDITORS = frozenset({Role.DSL, Role.HEADTEACHER})


def router(pages: Pages, services: Services) -> APIRouter:
    api = APIRouter()

    async def page(
        request: Request,
        user: User,
        *,
        values: dict[str, Any] | None = None,
        errors: dict[str, str] | None = None,
        saved: bool = False,
        status: int = 200,
    ) -> Response:
        stored = await services.case.pattern_rules(user.token, user.school_id or "")
        return pages.render(
            request,
            "pattern_rules.html",
            user=user,
            stored=stored,
            values=values or rules_form.values_from_rules(stored["rules"]),
            errors=errors or {},
            saved=saved,
            editor=user.has(RULE_EDITORS),
            status_code=status,
        )

    @api.get("/settings/pattern-rules")
    async def rules_page(request: Request, user: CurrentUser, saved: str = "") -> Response:
        require(user, RULE_PAGE_USERS, at_school=True)
        return await page(request, user, saved=bool(saved))

    @api.post("/settings/pattern-rules")
    async def save_rules(request: Request, user: CurrentUser) -> Response:
        require(user, RULE_EDITORS, at_school=True)
        values = rules_form.values_from_form(await checked_form(request))
        body, errors = rules_form.body_from_values(values)
        try:
            if body is not None:
                await services.case.put_pattern_rules(user.token, user.school_id or "", body)
                return RedirectResponse("/settings/pattern-rules?saved=1", status_code=303)
        except Unprocessable as exc:
            errors = rules_form.errors_from_service(exc.field_errors())
        except Forbidden:
            errors = {"form": "Only the DSL or the headteacher may change these"}
        return await page(request, user, values=values, errors=errors, status=400)

    return api
