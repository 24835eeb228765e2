"""The child's file: who the child is, the chronology as a timeline, and open deadlines.
For the school's DSLs and the trust lead; everyone else gets the plain not-found page."""

from __future__ import annotations

import asyncio
from typing import Annotated

from fastapi import APIRouter, Depends, Path, Query, Request
from fastapi.responses import Response

from services.common.auth import SAFEGUARDING_READERS
from services.web.clients.base import NotFound, Unprocessable
from services.web.clients.services import Services
from services.web.identity import User, current_user, require
from services.web.pages.case import case_section
from services.web.templating import Pages

CurrentUser = Annotated[User, Depends(current_user)]
Id = Annotated[str, Path(pattern=r"^[A-Za-z0-9][A-Za-z0-9_.:-]{0,63}$")]


def router(pages: Pages, services: Services) -> APIRouter:
    api = APIRouter()

    @api.get("/children/{school_id}/{pupil_id}")
    async def child_file(
        request: Request,
        school_id: Id,
        pupil_id: Id,
        user: CurrentUser,
        before: Annotated[str | None, Query(max_length=300)] = None,
    ) -> Response:
        require(user, SAFEGUARDING_READERS)
        if user.school_id is not None and user.school_id != school_id:
            return pages.render(request, "not_found.html", user=user, status_code=404)
        # A trust-wide reader names the school; a school's DSL is confined to their own.
        scope = None if user.school_id else school_id
        try:
            chronology, deadlines, case = await asyncio.gather(
                services.records.chronology(user.token, school_id, pupil_id, before),
                services.case.deadlines(
                    user.token, school_id=scope, pupil_id=pupil_id, status="open"
                ),
                case_section(services, user, school_id, pupil_id),
            )
        except (NotFound, Unprocessable):  # Unprocessable: a mangled `before` in the address
            return pages.render(request, "not_found.html", user=user, status_code=404)
        entries = list(reversed(chronology["entries"]))  # newest first on the page
        marks = [
            mark
            for entry in chronology["entries"]
            for mark in entry["content"].get("body_map") or []
        ]
        return pages.render(
            request,
            "child_file.html",
            user=user,
            school_id=school_id,
            pupil_id=pupil_id,
            child=chronology.get("child"),
            entries=entries,
            deadlines=deadlines,
            mark_count=len(marks),
            **case,
            file_head=chronology.get("head"),
            earlier=chronology.get("earlier"),
        )

    return api
