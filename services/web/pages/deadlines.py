"""Deadlines: the open statutory deadlines, soonest first, approaching and breached tagged."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response

from services.common.auth import SAFEGUARDING_READERS
from services.web.clients.services import Services
from services.web.identity import User, current_user, require
from services.web.templating import Pages

CurrentUser = Annotated[User, Depends(current_user)]


def tag_deadlines(deadlines: list[dict[str, Any]], now: datetime) -> list[dict[str, Any]]:
    """Each with its state as the page shows it; unplaced ones first, then soonest first."""
    tagged = []
    for d in deadlines:
        approaching = d.get("approaching_at")
        if d["status"] == "breached":
            state = "breached"
        elif approaching and datetime.fromisoformat(approaching) <= now:
            state = "approaching"
        else:
            state = "open"
        tagged.append({**d, "state": state})
    far = datetime.max.replace(tzinfo=UTC)
    return sorted(
        tagged,
        key=lambda d: (
            d["due_at"] is not None,
            datetime.fromisoformat(d["due_at"]) if d["due_at"] else far,
        ),
    )


def router(pages: Pages, services: Services) -> APIRouter:
    api = APIRouter()

    @api.get("/deadlines")
    async def deadlines(request: Request, user: CurrentUser) -> Response:
        require(user, SAFEGUARDING_READERS)
        open_ones, breached = await asyncio.gather(
            services.case.deadlines(user.token, status="open", limit=500),
            services.case.deadlines(user.token, status="breached", limit=500),
        )
        shown = tag_deadlines(open_ones + breached, datetime.now(UTC))
        return pages.render(request, "deadlines.html", user=user, deadlines=shown)

    return api
