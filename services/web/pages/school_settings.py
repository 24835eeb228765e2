"""School settings (admins and the headteacher): staff and rota, calendar, pupils, and the
pattern-watch thresholds (changed on their own page, pattern_rules.py)."""

from __future__ import annotations

import asyncio
import json
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse, Response
from starlette.datastructures import UploadFile

from contracts.vocabulary import Role
from services.web.clients.base import BackendError, NotFound, Unprocessable
from services.web.clients.services import Services
from services.web.identity import SETTINGS_USERS, User, current_user, require
from services.web.rota_text import rota_to_text, text_to_rota
from services.web.security import checked_form
from services.web.templating import Pages

CurrentUser = Annotated[User, Depends(current_user)]
MAX_ROSTER_BYTES = 10 * 1024 * 1024


async def _or_none(call: Any) -> Any:
    try:
        return await call
    except NotFound:
        return None


def router(pages: Pages, services: Services) -> APIRouter:
    api = APIRouter()

    async def settings_page(
        request: Request,
        user: User,
        *,
        errors: dict[str, str] | None = None,
        values: dict[str, str] | None = None,
        roster: dict[str, Any] | None = None,
        saved: str | None = None,
        status_code: int = 200,
    ) -> Response:
        school_id = user.school_id or ""
        rota, staff, calendar, pattern_rules = await asyncio.gather(
            _or_none(services.notification.rota(user.token, school_id)),
            _or_none(services.notification.staff(user.token, school_id)),
            _or_none(services.case.calendar(user.token, school_id)),
            _or_none(services.case.pattern_rules(user.token, school_id)),
        )
        typed = values or {}
        return pages.render(
            request,
            "settings.html",
            user=user,
            rota=rota,
            staff=staff or [],
            rota_text=typed.get("rota", rota_to_text(rota)),
            step_minutes=typed.get(
                "step_minutes",
                str((rota or {}).get("escalation", {}).get("normal_step_seconds", 900) // 60),
            ),
            calendar_text=typed.get("calendar", json.dumps(calendar, indent=2) if calendar else ""),
            errors=errors or {},
            pattern_rules=pattern_rules,
            pattern_editors=frozenset({Role.DSL, Role.HEADTEACHER}),
            roster=roster,
            saved=saved,
            is_admin=user.has(frozenset({Role.ADMIN})),
            roles=[Role.DSL, Role.DEPUTY_DSL, Role.HEADTEACHER, Role.TRUST_SAFEGUARDING_LEAD],
            status_code=status_code,
        )

    @api.get("/settings")
    async def settings(request: Request, user: CurrentUser, saved: str | None = None) -> Response:
        require(user, SETTINGS_USERS, at_school=True)
        return await settings_page(request, user, saved=saved)

    @api.post("/settings/staff")
    async def add_staff(request: Request, user: CurrentUser) -> Response:
        require(user, SETTINGS_USERS, at_school=True)
        form = await checked_form(request)
        user_id = str(form.get("staff_user_id") or "").strip()
        name = str(form.get("staff_name") or "").strip()
        role = str(form.get("staff_role") or "") or None
        # Their own contacts reach a headteacher or chair about a concern about an adult.
        email = str(form.get("staff_email") or "").strip() or None
        phone = str(form.get("staff_phone") or "").strip() or None
        try:
            await services.notification.put_staff(
                user.token, user.school_id or "", user_id, name, role, email=email, phone=phone
            )
        except (Unprocessable, NotFound) as exc:
            fields = exc.field_errors() if isinstance(exc, Unprocessable) else {}
            errors = {"staff_user_id": "Enter the person's sign-in ID and their name"}
            if "email" in fields:
                errors = {"staff_email": "Enter an e-mail address like name@school.org.uk"}
            elif "phone" in fields:
                errors = {"staff_phone": "Enter a UK mobile number, like 07911 123456"}
            return await settings_page(request, user, errors=errors, status_code=400)
        return RedirectResponse("/settings?saved=staff#staff", status_code=303)

    @api.post("/settings/rota")
    async def save_rota(request: Request, user: CurrentUser) -> Response:
        require(user, SETTINGS_USERS, at_school=True)
        form = await checked_form(request)
        text = str(form.get("rota") or "")
        minutes = str(form.get("step_minutes") or "15").strip()
        values = {"rota": text, "step_minutes": minutes}
        if not minutes.isdigit() or not 1 <= int(minutes) <= 1440:
            errors = {"step_minutes": "Enter a number of minutes from 1 to 1440"}
            return await settings_page(request, user, errors=errors, values=values, status_code=400)
        rota, problem = text_to_rota(text, int(minutes))
        if rota is None:
            return await settings_page(
                request,
                user,
                errors={"rota": problem or "Check the rota"},
                values=values,
                status_code=400,
            )
        try:
            await services.notification.put_rota(user.token, user.school_id or "", rota)
        except Unprocessable as exc:
            message = "; ".join(f"{k}: {v}" for k, v in exc.field_errors().items())
            return await settings_page(
                request, user, errors={"rota": message}, values=values, status_code=400
            )
        return RedirectResponse("/settings?saved=rota#rota", status_code=303)

    @api.post("/settings/calendar")
    async def save_calendar(request: Request, user: CurrentUser) -> Response:
        require(user, SETTINGS_USERS, at_school=True)
        form = await checked_form(request)
        text = str(form.get("calendar") or "")
        try:
            calendar = json.loads(text)
            await services.case.put_calendar(user.token, user.school_id or "", calendar)
        except ValueError:
            return await settings_page(
                request,
                user,
                errors={"calendar": "The calendar is not valid JSON"},
                values={"calendar": text},
                status_code=400,
            )
        except Unprocessable as exc:
            message = "; ".join(f"{k}: {v}" for k, v in list(exc.field_errors().items())[:5])
            return await settings_page(
                request,
                user,
                errors={"calendar": message},
                values={"calendar": text},
                status_code=400,
            )
        return RedirectResponse("/settings?saved=calendar#calendar", status_code=303)

    @api.post("/settings/roster")
    async def upload_roster(request: Request, user: CurrentUser) -> Response:
        require(user, frozenset({Role.ADMIN}), at_school=True)
        form = await checked_form(request)
        upload = form.get("roster")
        if not isinstance(upload, UploadFile) or not upload.filename:
            return await settings_page(
                request, user, errors={"roster": "Choose the CSV file"}, status_code=400
            )
        content = await upload.read(MAX_ROSTER_BYTES + 1)
        if len(content) > MAX_ROSTER_BYTES:
            return await settings_page(
                request,
                user,
                errors={"roster": "The file must be smaller than 10 MB"},
                status_code=400,
            )
        try:
            result = await services.intake.upload_roster(user.token, user.school_id or "", content)
        except Unprocessable as exc:
            message = next(iter(exc.field_errors().values()), "The file could not be read")
            return await settings_page(request, user, errors={"roster": message}, status_code=400)
        except BackendError:
            raise
        return await settings_page(request, user, roster=result)

    return api
