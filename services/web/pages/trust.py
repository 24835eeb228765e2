"""Trust overview (trust safeguarding lead): each school's open alerts, unacknowledged
urgent alerts, breached deadlines and unmatched Encompass children."""

from __future__ import annotations

import asyncio
from collections import Counter
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response

from contracts.vocabulary import Role
from services.web.clients.services import Services
from services.web.identity import NotAllowed, User, current_user
from services.web.templating import Pages

CurrentUser = Annotated[User, Depends(current_user)]
# Each count comes from one bounded list call; at the bound the page says "or more".
ALERT_LIMIT, DEADLINE_LIMIT, UNMATCHED_LIMIT = 500, 1000, 500


def overview_rows(
    schools: list[dict[str, Any]],
    alerts: list[dict[str, Any]],
    breached: list[dict[str, Any]],
    unmatched: list[dict[str, Any]],
) -> list[dict[str, Any]]:
    open_alerts = Counter(a["school_id"] for a in alerts)
    urgent = Counter(a["school_id"] for a in alerts if a["priority"] == "urgent")
    late = Counter(d["school_id"] for d in breached)
    waiting: Counter[str] = Counter()
    for record in unmatched:
        schools_named = {c["school_id"] for c in record.get("candidates", [])}
        if record.get("named_school_id"):
            schools_named.add(record["named_school_id"])
        for school_id in schools_named or {""}:
            waiting[school_id] += 1
    rows = [
        {
            "school_id": s["school_id"],
            "name": s.get("name") or s["school_id"],
            "open_alerts": open_alerts[s["school_id"]],
            "urgent": urgent[s["school_id"]],
            "breached": late[s["school_id"]],
            "unmatched": waiting[s["school_id"]],
        }
        for s in schools
    ]
    if waiting[""]:
        rows.append(
            {
                "school_id": "",
                "name": "No school identified",
                "open_alerts": 0,
                "urgent": 0,
                "breached": 0,
                "unmatched": waiting[""],
            }
        )
    return rows


def router(pages: Pages, services: Services) -> APIRouter:
    api = APIRouter()

    @api.get("/trust")
    async def overview(request: Request, user: CurrentUser) -> Response:
        if not (user.principal.trust_wide and user.has(frozenset({Role.TRUST_SAFEGUARDING_LEAD}))):
            raise NotAllowed
        schools, alerts, breached, unmatched = await asyncio.gather(
            services.intake.schools(user.token),
            services.notification.alerts(user.token, acknowledged=False, limit=ALERT_LIMIT),
            services.case.deadlines(user.token, status="breached", limit=DEADLINE_LIMIT),
            services.intake.unmatched(user.token, limit=UNMATCHED_LIMIT),
        )
        return pages.render(
            request,
            "trust.html",
            user=user,
            rows=overview_rows(schools, alerts, breached, unmatched),
            capped={
                "alerts": len(alerts) >= ALERT_LIMIT,
                "deadlines": len(breached) >= DEADLINE_LIMIT,
                "unmatched": len(unmatched) >= UNMATCHED_LIMIT,
            },
        )

    return api
