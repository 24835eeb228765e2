"""What time it is, and what day it is in England: one port, so that use cases and rules
can be run at any moment in tests."""

from __future__ import annotations

from datetime import date, datetime
from typing import Protocol
from zoneinfo import ZoneInfo

from contracts.envelope import utc_now

UK = ZoneInfo("Europe/London")


class Clock(Protocol):
    def now(self) -> datetime:
        """An aware UTC instant, to the millisecond (what the store keeps)."""
        ...

    def today(self) -> date:
        """The calendar date in England now (rolls and school days are English dates)."""
        ...


class SystemClock:
    def now(self) -> datetime:
        return utc_now()

    def today(self) -> date:
        return uk_today()


def uk_today() -> date:
    return datetime.now(UK).date()


def uk_date(moment: datetime) -> date:
    """The calendar date in England at that instant."""
    return moment.astimezone(UK).date()
