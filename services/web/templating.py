"""Jinja2 pages with the signed-in user, the navigation and the CSRF token filled in."""

from __future__ import annotations

from datetime import datetime
from functools import lru_cache
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from fastapi import Request
from fastapi.responses import HTMLResponse
from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

from contracts.vocabulary import BodyArea, Category, MarkKind
from services.web import body_map
from services.web.child_labels import CHILD_LABELS
from services.web.identity import User
from services.web.session import session_of

TEMPLATES = Path(__file__).resolve().parent / "templates"
LONDON = ZoneInfo("Europe/London")

CATEGORY_LABELS = {
    Category.PHYSICAL: "Physical abuse",
    Category.EMOTIONAL: "Emotional abuse",
    Category.SEXUAL: "Sexual abuse",
    Category.NEGLECT: "Neglect",
    Category.DOMESTIC_ABUSE: "Domestic abuse",
    Category.CHILD_ON_CHILD: "Child-on-child abuse",
    Category.SEXUAL_VIOLENCE: "Sexual violence",
    Category.SEXUAL_HARASSMENT: "Sexual harassment",
    Category.ONLINE: "Online safety",
    Category.CSE: "Child sexual exploitation",
    Category.CCE: "Child criminal exploitation",
    Category.COUNTY_LINES: "County lines",
    Category.RADICALISATION: "Radicalisation",
    Category.FGM: "Female genital mutilation",
    Category.FORCED_MARRIAGE: "Forced marriage",
    Category.HONOUR_BASED_ABUSE: "So-called honour-based abuse",
    Category.MENTAL_HEALTH: "Mental health",
    Category.SELF_HARM: "Self-harm",
    Category.MISSING_EDUCATION: "Missing from education",
    Category.PRIVATE_FOSTERING: "Private fostering",
    Category.OTHER: "Other",
}
KIND_LABELS = {k: k.value.capitalize() for k in MarkKind}
RULE_LABELS = {
    "dsl-triage": "DSL triage of a concern",
    "encompass-before-school": "Operation Encompass: before school starts",
    "file-transfer": "Child protection file transfer",
    "lado-referral": "LADO referral",
    "fgm-police-report": "FGM report to the police",
    "social-care-feedback": "Feedback from children's social care",
    "suspension-confirmation": "Suspension confirmation",
    "risk-assessment-review": "Risk assessment review",
}


# What each access to a child's file was, as the access log says it.
ACCESS_ACTIONS = {
    "chronology.read": "Read the file",
    "file.exported": "Exported the file as a PDF",
    "transfer.offered": "Offered the file to another school",
    "transfer.received": "Received the file (transfer accepted)",
    "bundle.downloaded": "Downloaded the file through the one-time link",
    "receipt.confirmed": "Confirmed receipt through the one-time link",
    "file.disposed": "Disposed of the file's content",
}


# What each access to an adult case was, as its access log says it.
ADULT_ACCESS_ACTIONS = {
    "chronology.read": "Read the chronology",
    "case.read": "Read the case",
    "list.read": "Saw it in the list of allegations",
    "low_level_log.read": "Saw it in the low-level concerns log",
    "retention_review.read": "Saw it in the retention review",
    "access_log.read": "Read the access log",
}


def area_label(area: str) -> str:
    known = area in BodyArea.__members__.values()
    return area.replace("_", " ").capitalize() if known else area


def when(value: str | datetime | None, with_time: bool = True) -> str:
    """A moment as a person in England reads it: 10 March 2026 at 9:15am."""
    if value is None or value == "":
        return ""
    if isinstance(value, str):
        return _when_text(value, with_time)
    return _when(value, with_time)


@lru_cache(maxsize=4096)
def _when_text(value: str, with_time: bool) -> str:
    """The services send moments as ISO text; a page shows hundreds, many of them twice."""
    return _when(datetime.fromisoformat(value), with_time)


def _when(moment: datetime, with_time: bool) -> str:
    if moment.tzinfo is not None:
        moment = moment.astimezone(LONDON)
    day = f"{moment.day} {moment:%B %Y}"
    if not with_time:
        return day
    hour = moment.hour % 12 or 12
    return f"{day} at {hour}:{moment:%M}{'am' if moment.hour < 12 else 'pm'}"


class Pages:
    def __init__(self, *, dev_login: bool, oidc: bool, refresh_seconds: int) -> None:
        self.env = Environment(
            loader=FileSystemLoader(TEMPLATES),
            autoescape=select_autoescape(["html"]),
            undefined=StrictUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
            # Templates do not change while the process runs: no stat() of every template
            # (and every include, once per chronology entry) on every page.
            auto_reload=False,
        )
        self.env.filters["when"] = when
        self.env.filters["area_label"] = area_label
        self.env.globals.update(
            categories=CATEGORY_LABELS,
            kinds=KIND_LABELS,
            rules=RULE_LABELS,
            child_labels=CHILD_LABELS,
            access_actions=ACCESS_ACTIONS,
            adult_access_actions=ADULT_ACCESS_ACTIONS,
            body_map=body_map,
            dev_login=dev_login,
            oidc=oidc,
            refresh_seconds=refresh_seconds,
        )

    def render(
        self,
        request: Request,
        template: str,
        *,
        user: User | None = None,
        status_code: int = 200,
        **context: Any,
    ) -> HTMLResponse:
        session = session_of(request)
        page = self.env.get_template(template).render(
            request_path=request.url.path,
            csrf_token=session.csrf,
            user=user,
            navigation=user.navigation() if user else [],
            **context,
        )
        return HTMLResponse(page, status_code=status_code)
