"""Service health (a trust-wide admin, who runs Harbour for the trust): whether each
service is ready, its outbox and dead-letter queue, and the messages dead-lettered that
named the trust. Content-free: services, queues, reasons and ids only."""

from __future__ import annotations

import asyncio
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response

from contracts.vocabulary import Role
from services.web.clients.health import readiness
from services.web.clients.services import Services
from services.web.identity import NotAllowed, User, current_user
from services.web.settings import WebSettings
from services.web.templating import Pages

CurrentUser = Annotated[User, Depends(current_user)]
ALERT_LIMIT = 50


def may_see_service_health(user: User) -> bool:
    return user.principal.trust_wide and user.has(frozenset({Role.ADMIN}))


def service_rows(reports: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """What the page shows of each readiness report."""
    rows = []
    for report in reports:
        outbox = report.get("outbox") or {}
        problems = []
        if report.get("status") == "unreachable":
            problems.append("Does not answer")
        for part in ("store", "broker"):
            if str(report.get(part, "ok")) != "ok":
                problems.append(f"Cannot reach its {'database' if part == 'store' else 'broker'}")
        if outbox.get("problem"):
            problems.append("Events are waiting too long to be published")
        if report.get("dead_letters_growing"):
            problems.append("Messages are being dead-lettered")
        rows.append(
            {
                "service": report["service"],
                "ready": report.get("status") == "ready",
                "pending_events": outbox.get("pending_events"),
                "oldest_pending_seconds": outbox.get("oldest_pending_seconds"),
                "dead_letters": report.get("dead_letters"),
                "problems": problems,
            }
        )
    return rows


def router(pages: Pages, services: Services, settings: WebSettings) -> APIRouter:
    api = APIRouter()
    urls = {
        "intake": settings.intake_url,
        "case": settings.case_url,
        "notification": settings.notification_url,
        "records": settings.records_url,
    }

    @api.get("/service-health")
    async def service_health(request: Request, user: CurrentUser) -> Response:
        if not may_see_service_health(user):
            raise NotAllowed
        reports, alerts = await asyncio.gather(
            readiness(services.http, urls),
            services.notification.operations_alerts(user.token, limit=ALERT_LIMIT),
        )
        return pages.render(
            request,
            "service_health.html",
            user=user,
            rows=service_rows(reports),
            alerts=alerts,
        )

    return api
