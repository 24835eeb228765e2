"""What the GOV.UK forms share: a field's text as typed, and the date-and-time inputs
(day, month, year, an optional time) read as a moment in the UK."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from starlette.datastructures import FormData

LONDON = ZoneInfo("Europe/London")


def form_text(form: FormData, name: str) -> str:
    value = form.get(name)
    return value.strip() if isinstance(value, str) else ""


def past_moment(day: str, month: str, year: str, time: str) -> tuple[datetime | None, str | None]:
    """The moment something happened, or the message the form shows (GOV.UK's wording)."""
    if not (day or month or year):
        return None, "Enter the date it happened"
    try:
        hour, minute = (0, 0)
        if time:
            hours, _, minutes = time.replace(".", ":").partition(":")
            hour, minute = int(hours), int(minutes or 0)
        moment = datetime(int(year), int(month), int(day), hour, minute, tzinfo=LONDON)
    except ValueError:
        return None, "Enter a real date, and a time like 09:15"
    if moment > datetime.now(LONDON):
        return None, "The date it happened must be today or in the past"
    return moment, None
