"""The admin audit log (administrators): who changed the school's or trust's set-up (rota,
staff, calendar, pupils, schools, Encompass senders), what and when, newest first."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import Response

from contracts.admin_actions import AdminAction
from contracts.vocabulary import Role
from services.web.clients.base import Unprocessable
from services.web.clients.services import Services
from services.web.identity import User, current_user, require
from services.web.templating import Pages

CurrentUser = Annotated[User, Depends(current_user)]

ACTION_LABELS = {
    AdminAction.SCHOOL_RECORDED: "School registered or changed",
    AdminAction.PUPIL_RECORDED: "Pupil recorded",
    AdminAction.ROSTER_IMPORTED: "Roll uploaded",
    AdminAction.SENDER_REGISTERED: "Police sender registered",
    AdminAction.SENDER_CHANGED: "Police sender changed",
    AdminAction.CALENDAR_REPLACED: "Calendar saved",
    AdminAction.STAFF_RECORDED: "Member of staff added or changed",
    AdminAction.STAFF_REMOVED: "Member of staff removed",
    AdminAction.ROTA_REPLACED: "Rota saved",
    AdminAction.ALLEGATION_SETTINGS_CHANGED: "Who manages concerns about adults changed",
}
DETAIL_LABELS = {
    "created": "new",
    "rows": "rows",
    "rejected": "rows rejected",
    "secret_changed": "secret changed",
    "trust_named": "may notify this trust",
    "terms": "terms",
    "closures": "closures",
    "tiers": "tiers",
    "members": "people",
    "trust_lead_named": "trust lead named",
}


def detail_text(details: dict[str, int | bool]) -> str:
    """ "rows: 120, rows rejected: 2" / "secret changed: yes"."""
    shown = []
    for key, value in details.items():
        text = ("yes" if value else "no") if isinstance(value, bool) else str(value)
        shown.append(f"{DETAIL_LABELS.get(key, key.replace('_', ' '))}: {text}")
    return ", ".join(shown)


def router(pages: Pages, services: Services) -> APIRouter:
    api = APIRouter()

    @api.get("/admin-audit")
    async def admin_audit(
        request: Request,
        user: CurrentUser,
        before: Annotated[str | None, Query(max_length=300)] = None,
    ) -> Response:
        require(user, frozenset({Role.ADMIN}))
        try:
            page = await services.records.admin_audit(user.token, before=before)
        except Unprocessable:  # a mangled `before` in the address: start again
            page = await services.records.admin_audit(user.token)
        entries = [
            {
                **entry,
                "label": ACTION_LABELS.get(entry["action"], entry["action"]),
                "detail_text": detail_text(entry["details"]),
            }
            for entry in page["entries"]
        ]
        return pages.render(
            request,
            "admin_audit.html",
            user=user,
            entries=entries,
            older=page.get("next"),
            first_page=before is None,
        )

    return api
