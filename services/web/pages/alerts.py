"""Alerts: the inbox of a school's (or trust's) alerts, and Acknowledge."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Request
from fastapi.responses import RedirectResponse, Response

from services.web.clients.base import Conflict, Forbidden, NotFound
from services.web.clients.services import Services
from services.web.identity import ALERT_READERS, User, current_user, require
from services.web.security import checked_form
from services.web.templating import Pages

CurrentUser = Annotated[User, Depends(current_user)]
AlertId = Annotated[str, Path(min_length=1, max_length=128, pattern=r"^[A-Za-z0-9_.:-]+$")]
INBOX_SIZE = 500
_RANK = {"urgent": 0, "encompass": 1, "normal": 2}


def inbox_order(alerts: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Unacknowledged before acknowledged; urgent, then Encompass, then the rest; newest
    first within each (the service lists newest first, and the sort is stable)."""
    return sorted(
        alerts,
        key=lambda a: (a["acknowledged_at"] is not None, _RANK.get(a["priority"], 3)),
    )


def router(pages: Pages, services: Services) -> APIRouter:
    api = APIRouter()

    async def inbox(
        request: Request, user: User, *, problem: str | None = None, status_code: int = 200
    ) -> Response:
        alerts = await services.notification.alerts(user.token, limit=INBOX_SIZE)
        return pages.render(
            request,
            "alerts.html",
            user=user,
            alerts=inbox_order(alerts),
            full=len(alerts) >= INBOX_SIZE,
            problem=problem,
            status_code=status_code,
        )

    @api.get("/alerts")
    async def alerts_page(request: Request, user: CurrentUser) -> Response:
        require(user, ALERT_READERS)
        try:
            return await inbox(request, user)
        except NotFound:
            # Not on the rota and no safeguarding role: nothing to show, not an error.
            return pages.render(
                request, "alerts.html", user=user, alerts=[], full=False, problem=None
            )

    @api.post("/alerts/{alert_id}/acknowledge")
    async def acknowledge(request: Request, alert_id: AlertId, user: CurrentUser) -> Response:
        require(user, ALERT_READERS)
        await checked_form(request)
        try:
            await services.notification.acknowledge(user.token, alert_id)
        except Forbidden:
            return await inbox(
                request,
                user,
                problem="Only members of the school's rota can acknowledge alerts.",
                status_code=403,
            )
        except Conflict:
            return await inbox(request, user, problem="The alert is being updated; try again.")
        except NotFound:
            return pages.render(request, "not_found.html", user=user, status_code=404)
        return RedirectResponse(f"/alerts#alert-{alert_id}", status_code=303)

    return api
