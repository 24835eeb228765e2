"""Record a concern (any member of staff, phone first), its confirmation, and My concerns."""

from __future__ import annotations

import asyncio
from typing import Annotated

from fastapi import APIRouter, Depends, Path, Request
from fastapi.responses import RedirectResponse, Response
from starlette.datastructures import FormData

from services.common.auth import SCHOOL_ROLES
from services.web.clients.base import NotFound, Unprocessable
from services.web.clients.services import Services
from services.web.concern_form import ConcernDraft, errors_from_service
from services.web.concern_others import PARTS, add_other
from services.web.identity import User, current_user, require
from services.web.pages.case import fgm_reports_owed
from services.web.security import checked_form
from services.web.templating import Pages

CurrentUser = Annotated[User, Depends(current_user)]
ConcernId = Annotated[str, Path(pattern=r"^[0-9a-f-]{36}$")]


def router(pages: Pages, services: Services) -> APIRouter:
    api = APIRouter()

    def form_page(
        request: Request,
        user: User,
        draft: ConcernDraft,
        *,
        errors: dict[str, str] | None = None,
        pupils: list[dict[str, str]] | None = None,
        searched: bool = False,
        others_found: list[dict[str, str]] | None = None,
        searched_others: bool = False,
        fresh: bool = False,
        status_code: int = 200,
    ) -> Response:
        return pages.render(
            request,
            "concern_form.html",
            user=user,
            draft=draft,
            errors=errors or {},
            pupils=pupils or [],
            searched=searched,
            others_found=others_found or [],
            searched_others=searched_others,
            other_parts=PARTS,
            fresh=fresh,
            status_code=status_code,
        )

    @api.get("/concerns/new")
    async def new_concern(request: Request, user: CurrentUser) -> Response:
        require(user, SCHOOL_ROLES, at_school=True)
        # A fresh form: the browser may restore a draft this tab kept.
        return form_page(request, user, ConcernDraft(), fresh=True)

    @api.post("/concerns/new")
    async def post_concern(request: Request, user: CurrentUser) -> Response:
        require(user, SCHOOL_ROLES, at_school=True)
        form = await checked_form(request)
        draft = ConcernDraft.from_form(form)
        action = str(form.get("action") or "submit")
        if action == "find_pupil":
            return await _find_pupil(request, user, draft)
        if action == "add_mark":
            problem = draft.add_mark_from_list(
                str(form.get("new_mark_area") or ""),
                str(form.get("new_mark_kind") or ""),
                str(form.get("new_mark_note") or "").strip()[:500],
            )
            errors = {"new_mark_area": problem} if problem else {}
            return form_page(request, user, draft, errors=errors)
        if action in ("find_other", "add_other") or action.startswith("remove_other:"):
            return await _other_pupils(request, user, draft, action, form)
        if action.startswith("remove_mark:"):
            index = action.partition(":")[2]
            if index.isdigit() and int(index) < len(draft.marks):
                del draft.marks[int(index)]
            return form_page(request, user, draft)
        body, errors = draft.check()
        if body is None:
            return form_page(request, user, draft, errors=errors, status_code=400)
        try:
            receipt = await services.intake.raise_concern(
                user.token, {"school_id": user.school_id, **body}, draft.idempotency_key
            )
        except Unprocessable as exc:
            errors = errors_from_service(exc.field_errors())
            return form_page(request, user, draft, errors=errors, status_code=400)
        return RedirectResponse(f"/concerns/{receipt['concern_id']}/recorded", status_code=303)

    async def _find_pupil(request: Request, user: User, draft: ConcernDraft) -> Response:
        if len(draft.pupil_name) < 2:
            errors = {"pupil_name": "Enter at least 2 letters of the pupil's name"}
            return form_page(request, user, draft, errors=errors)
        pupils = await services.intake.search_pupils(user.token, draft.pupil_name)
        draft.pupil_id = ""
        return form_page(request, user, draft, pupils=pupils, searched=True)

    async def _other_pupils(
        request: Request, user: User, draft: ConcernDraft, action: str, form: FormData
    ) -> Response:
        """Find another pupil involved, add them with their part, or remove one."""
        if action == "find_other":
            if len(draft.other_name) < 2:
                errors = {"other_name": "Enter at least 2 letters of the other pupil's name"}
                return form_page(request, user, draft, errors=errors)
            found = await services.intake.search_pupils(user.token, draft.other_name)
            return form_page(request, user, draft, others_found=found, searched_others=True)
        if action == "add_other":
            choice, part = (
                str(form.get("other_choice") or ""),
                str(form.get("other_new_part") or ""),
            )
            if problem := add_other(draft.others, choice, part, draft.pupil_id):
                return form_page(request, user, draft, errors={"other_name": problem})
            draft.other_name = ""
            return form_page(request, user, draft)
        index = action.partition(":")[2]
        if index.isdigit() and int(index) < len(draft.others):
            del draft.others[int(index)]
        return form_page(request, user, draft)

    @api.get("/concerns/{concern_id}/recorded")
    async def recorded(request: Request, concern_id: ConcernId, user: CurrentUser) -> Response:
        require(user, SCHOOL_ROLES, at_school=True)
        try:
            receipt = await services.intake.receipt(user.token, concern_id)
        except NotFound:
            return pages.render(request, "not_found.html", user=user, status_code=404)
        return pages.render(request, "concern_recorded.html", user=user, receipt=receipt)

    @api.get("/concerns/mine")
    async def mine(request: Request, user: CurrentUser) -> Response:
        require(user, SCHOOL_ROLES, at_school=True)
        receipts, fgm_reports = await asyncio.gather(
            services.intake.my_concerns(user.token), fgm_reports_owed(services, user)
        )
        return pages.render(
            request, "my_concerns.html", user=user, receipts=receipts, fgm_reports=fgm_reports
        )

    return api
