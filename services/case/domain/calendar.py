"""The school calendar and the day arithmetic the statutory clock is built on.

Definitions used throughout:

- a **working day** is Monday to Friday and not a bank holiday in England and Wales;
- a **pupil day** is a working day inside a term (start and end inclusive) and not inside a
  closure. A calendar with no terms at all treats every working day not inside a closure as
  a pupil day (see ``SchoolCalendar.is_pupil_day``).

All times are wall-clock times in the school's time zone. Pure code: no I/O.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from itertools import islice, pairwise
from typing import Annotated, Self
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import holidays
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationInfo,
    field_validator,
    model_validator,
)
from pydantic_core import PydanticCustomError

MAX_TERMS = 20
MAX_CLOSURES = 200
MAX_REASON_LENGTH = 200
# A term longer than a year is a data-entry mistake, and capping it bounds every day scan.
MAX_TERM_DAYS = 366
# With no terms there is no natural end to the calendar, so day scans stop after this many days.
MAX_SCAN_DAYS_WITHOUT_TERMS = 400

_HHMM = re.compile(r"([01]\d|2[0-3]):[0-5]\d")
_SATURDAY = 5


def _invalid(message: str) -> PydanticCustomError:
    # A custom error keeps the message exactly as written (no "Value error, " prefix), so a
    # 422 body and a CLI can show it verbatim.
    return PydanticCustomError("invalid_calendar", "{message}", {"message": message})


def parse_hhmm(value: str) -> time:
    """Parse a 24-hour ``HH:MM`` string (two digits each); raise ValueError otherwise."""
    if not isinstance(value, str) or _HHMM.fullmatch(value) is None:
        raise ValueError(f"expected HH:MM (24-hour clock), got {value!r}")
    hours, minutes = value.split(":")
    return time(int(hours), int(minutes))


@lru_cache(maxsize=64)
def bank_holidays(year: int) -> frozenset[date]:
    """Bank holidays in England and Wales for ``year``, substitute days included.

    England and Wales share one set of bank holidays, so the ``ENG`` subdivision covers both.
    The set may also hold the nominal date of a holiday that falls at a weekend (e.g. Boxing
    Day on a Saturday next to its Monday substitute); that is harmless, weekends are never
    working days.
    """
    return frozenset(holidays.UnitedKingdom(subdiv="ENG", years=year))


def is_working_day(d: date) -> bool:
    """Monday to Friday and not a bank holiday in England and Wales."""
    return d.weekday() < _SATURDAY and d not in bank_holidays(d.year)


def _days(first: date, last: date) -> Iterator[date]:
    # Ordinals rather than repeated `+ timedelta` so that a range ending on date.max cannot
    # overflow.
    for ordinal in range(first.toordinal(), last.toordinal() + 1):
        yield date.fromordinal(ordinal)


def _day_after(d: date) -> date | None:
    return None if d == date.max else d + timedelta(days=1)


class DateRange(BaseModel):
    """An inclusive range of dates.

    The order of ``start`` and ``end`` is checked by the owning ``SchoolCalendar``, which knows
    the field path (``terms[1]``) to put in the error message.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    start: date
    end: date

    def __contains__(self, d: date) -> bool:
        return self.start <= d <= self.end

    def days(self) -> Iterator[date]:
        return _days(self.start, self.end)


ClosureReason = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=MAX_REASON_LENGTH)
]


class Closure(DateRange):
    """Days inside a term when pupils are not in school: half terms, INSET days, closures."""

    reason: ClosureReason


class SchoolCalendar(BaseModel):
    """A school's calendar, as PUT by the school; invalid input raises ``ValidationError``."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    timezone: str
    school_day_starts: str
    close_of_business: str
    terms: list[DateRange] = Field(default_factory=list, max_length=MAX_TERMS)
    closures: list[Closure] = Field(default_factory=list, max_length=MAX_CLOSURES)

    @classmethod
    def default(cls) -> SchoolCalendar:
        """The calendar of a school that has not entered one: no terms, no closures."""
        return cls(
            timezone="Europe/London",
            school_day_starts="08:45",
            close_of_business="17:00",
        )

    # --- validation -----------------------------------------------------------------------

    @field_validator("timezone")
    @classmethod
    def _known_timezone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise _invalid(f"timezone: unknown time zone {value!r}") from exc
        return value

    @field_validator("school_day_starts", "close_of_business")
    @classmethod
    def _hhmm(cls, value: str, info: ValidationInfo) -> str:
        try:
            parse_hhmm(value)
        except ValueError as exc:
            raise _invalid(f"{info.field_name}: {exc}") from exc
        return value

    @field_validator("terms")
    @classmethod
    def _terms_ordered_and_disjoint(cls, terms: list[DateRange]) -> list[DateRange]:
        _check_ranges("terms", terms)
        for index, term in enumerate(terms):
            length = (term.end - term.start).days + 1
            if length > MAX_TERM_DAYS:
                raise _invalid(
                    f"terms[{index}]: {length} days long, a term is at most {MAX_TERM_DAYS} days"
                )
        by_start = sorted(range(len(terms)), key=lambda i: terms[i].start)
        # Sorted by start, any overlap shows up between neighbours.
        for earlier, later in pairwise(by_start):
            if terms[later].start <= terms[earlier].end:
                raise _invalid(f"terms[{later}] overlaps terms[{earlier}]")
        return [terms[i] for i in by_start]

    @field_validator("closures")
    @classmethod
    def _closures_ordered(cls, closures: list[Closure]) -> list[Closure]:
        _check_ranges("closures", closures)
        return closures

    @model_validator(mode="after")
    def _day_ends_after_it_starts(self) -> Self:
        if parse_hhmm(self.close_of_business) <= parse_hhmm(self.school_day_starts):
            raise _invalid(
                f"close_of_business: {self.close_of_business} is not after "
                f"school_day_starts {self.school_day_starts}"
            )
        return self

    # --- time -----------------------------------------------------------------------------

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    def at(self, d: date, hhmm: str) -> datetime:
        """The moment ``hhmm`` wall-clock time on ``d`` in the school's zone (aware).

        Ambiguous times (clocks going back) resolve to the first occurrence (fold=0). A time in
        the gap when clocks go forward is read with the offset in force before the gap and
        shown as the real time it denotes (01:30 on the morning BST starts is 02:30 BST).
        """
        local = datetime.combine(d, parse_hhmm(hhmm), tzinfo=self.zone)
        return local.astimezone(UTC).astimezone(self.zone)

    def start_of_day(self, d: date) -> datetime:
        return self.at(d, "00:00")

    def local_date(self, moment: datetime) -> date:
        """The date of ``moment`` in the school's zone; ``moment`` must be aware."""
        if moment.tzinfo is None or moment.utcoffset() is None:
            raise ValueError(f"expected a timezone-aware datetime, got {moment.isoformat()}")
        return moment.astimezone(self.zone).date()

    # --- days -----------------------------------------------------------------------------

    def is_working_day(self, d: date) -> bool:
        return is_working_day(d)

    def is_closed(self, d: date) -> bool:
        return any(d in closure for closure in self.closures)

    def term_containing(self, d: date) -> DateRange | None:
        return next((term for term in self.terms if d in term), None)

    def is_pupil_day(self, d: date) -> bool:
        """A working day inside a term and not inside a closure.

        A calendar with no terms (a school that has not entered its calendar yet) counts every
        working day not inside a closure as a pupil day: the conservative choice, since it
        gives the earliest deadlines.
        """
        if not self.is_working_day(d) or self.is_closed(d):
            return False
        return not self.terms or self.term_containing(d) is not None

    def pupil_days_after(self, d: date) -> Iterator[date]:
        """Pupil days strictly after ``d``, in order, until the calendar runs out.

        With terms that is the end of the last term; without terms, at most
        ``MAX_SCAN_DAYS_WITHOUT_TERMS`` days are scanned.
        """
        first = _day_after(d)
        if first is None:
            return
        if not self.terms:
            limit = min(d.toordinal() + MAX_SCAN_DAYS_WITHOUT_TERMS, date.max.toordinal())
            candidates: Iterator[date] = _days(first, date.fromordinal(limit))
            yield from (day for day in candidates if self.is_pupil_day(day))
            return
        for term in self.terms:
            if term.end >= first:
                for day in _days(max(term.start, first), term.end):
                    if self.is_pupil_day(day):
                        yield day

    def next_pupil_day(self, after: date) -> date | None:
        """The first pupil day strictly after ``after``, or None if the calendar has none."""
        return next(self.pupil_days_after(after), None)

    def nth_pupil_day_after(self, d: date, n: int) -> date | None:
        """The ``n``-th pupil day strictly after ``d`` (the next one is the 1st), or None."""
        if n < 1:
            raise ValueError(f"n must be at least 1, got {n}")
        return next(islice(self.pupil_days_after(d), n - 1, None), None)

    def last_pupil_day_of(self, term: DateRange) -> date | None:
        return next((day for day in reversed(list(term.days())) if self.is_pupil_day(day)), None)

    def next_term_starting_after(self, d: date) -> DateRange | None:
        return next((term for term in self.terms if term.start > d), None)

    def next_working_day(self, after: date) -> date:
        """The first working day strictly after ``after``."""
        # Weekends plus the Christmas and Easter runs never exceed a few days; the bound only
        # guards against a broken holiday source.
        for offset in range(1, 15):
            day = after + timedelta(days=offset)
            if is_working_day(day):
                return day
        raise RuntimeError(f"no working day within two weeks after {after.isoformat()}")


def _check_ranges(field: str, ranges: list[DateRange] | list[Closure]) -> None:
    for index, item in enumerate(ranges):
        if item.end < item.start:
            raise _invalid(
                f"{field}[{index}]: end {item.end.isoformat()} is before "
                f"start {item.start.isoformat()}"
            )
