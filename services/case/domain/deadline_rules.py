"""The statutory deadline rules: when each obligation falls due and when it is approaching.

- ``encompass-before-school`` (police notification at T): ``school_day_starts`` on the first
  pupil day whose start is strictly after T.
- ``dsl-triage`` (concern at T): T + 60 minutes of elapsed time, 15 in immediate danger.
- ``file-transfer`` (T = last day on roll): ``close_of_business`` on the 5th pupil day after T
  for an in-term leaver, otherwise on the 5th pupil day of the next term.
- ``lado-referral``, ``fgm-police-report``, ``social-care-feedback``,
  ``suspension-confirmation``: ``close_of_business`` on the first working day after T's date
  in the school's zone.
- ``risk-assessment-review`` (T = the review date the DSL set): ``close_of_business`` on T,
  whatever kind of day it is (the DSL chose it).

Every result is an aware datetime in the school's zone. Pure code: no I/O.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta

from contracts.case_v1 import DeadlineRule
from services.case.domain.calendar import SchoolCalendar

# Rules whose trigger is a date (the last day on roll, a review date) rather than a moment.
DATE_TRIGGERED_RULES = frozenset({DeadlineRule.FILE_TRANSFER, DeadlineRule.RISK_ASSESSMENT_REVIEW})

NEXT_WORKING_DAY_RULES = frozenset(
    {
        DeadlineRule.LADO_REFERRAL,
        DeadlineRule.FGM_POLICE_REPORT,
        DeadlineRule.SOCIAL_CARE_FEEDBACK,
        DeadlineRule.SUSPENSION_CONFIRMATION,
    }
)

DSL_TRIAGE_WINDOW = timedelta(minutes=60)
DSL_TRIAGE_IMMEDIATE_DANGER_WINDOW = timedelta(minutes=15)
FILE_TRANSFER_PUPIL_DAYS = 5
ENCOMPASS_APPROACHING_LEAD = timedelta(minutes=30)
DEFAULT_APPROACHING_FRACTION = 0.25


class NoDueTime(Exception):
    """The calendar ends before the rule's due time: there is no pupil day or term after T."""

    def __init__(self, rule: DeadlineRule, trigger: datetime | date, missing: str) -> None:
        self.rule = rule
        self.trigger = trigger
        super().__init__(f"{rule}: the calendar has no {missing} after {trigger.isoformat()}")


# --- triggers ---------------------------------------------------------------------------------


def _aware_trigger(rule: DeadlineRule, trigger: object) -> datetime:
    if not isinstance(trigger, datetime):
        raise ValueError(
            f"{rule}: trigger must be a timezone-aware datetime, got {type(trigger).__name__}"
        )
    if trigger.tzinfo is None or trigger.utcoffset() is None:
        raise ValueError(f"{rule}: trigger must be timezone-aware, got {trigger.isoformat()}")
    return trigger


def _trigger_date(rule: DeadlineRule, trigger: object, calendar: SchoolCalendar) -> date:
    """The last day on roll or the review date: a date, or the school-local date of an
    aware datetime."""
    if isinstance(trigger, datetime):
        return calendar.local_date(_aware_trigger(rule, trigger))
    if isinstance(trigger, date):
        return trigger
    raise ValueError(f"{rule}: trigger must be a date, got {type(trigger).__name__}")


def _trigger_moment(rule: DeadlineRule, trigger: object, calendar: SchoolCalendar) -> datetime:
    """The moment the rule's window opens; for a date trigger, the start of that local day."""
    if rule in DATE_TRIGGERED_RULES:
        return calendar.start_of_day(_trigger_date(rule, trigger, calendar))
    return _aware_trigger(rule, trigger)


# --- due --------------------------------------------------------------------------------------


def _encompass_due(trigger: datetime, calendar: SchoolCalendar, immediate_danger: bool) -> datetime:
    today = calendar.local_date(trigger)
    if calendar.is_pupil_day(today):
        starts = calendar.at(today, calendar.school_day_starts)
        # Compared in UTC: aware datetimes sharing a tzinfo compare by wall clock, ignoring fold.
        if starts.astimezone(UTC) > trigger.astimezone(UTC):
            return starts
    day = calendar.next_pupil_day(today)
    if day is None:
        raise NoDueTime(DeadlineRule.ENCOMPASS_BEFORE_SCHOOL, trigger, "pupil day")
    return calendar.at(day, calendar.school_day_starts)


def _dsl_triage_due(
    trigger: datetime, calendar: SchoolCalendar, immediate_danger: bool
) -> datetime:
    window = DSL_TRIAGE_IMMEDIATE_DANGER_WINDOW if immediate_danger else DSL_TRIAGE_WINDOW
    # Elapsed time, so the sum is done in UTC: an hour is an hour across a clock change.
    return (trigger.astimezone(UTC) + window).astimezone(calendar.zone)


def _file_transfer_due(left: date, calendar: SchoolCalendar) -> datetime:
    """In-term leaver: 5th pupil day after T. Otherwise: 5th pupil day of the next term.

    "In-term leaver" means T is a pupil day other than the last pupil day of its term. Any
    other T (a holiday, a weekend or closure inside a term, the last pupil day) counts from the
    first pupil day of the next term starting after T, which is day 1. Without terms there is
    no next term, so T always counts as in-term: the earlier, conservative deadline.
    """
    n = FILE_TRANSFER_PUPIL_DAYS
    if not calendar.terms or _is_in_term_leaving_day(left, calendar):
        due_day = calendar.nth_pupil_day_after(left, n)
        if due_day is None:
            raise NoDueTime(DeadlineRule.FILE_TRANSFER, left, f"{_ordinal(n)} pupil day")
    else:
        term = calendar.next_term_starting_after(left)
        if term is None:
            raise NoDueTime(DeadlineRule.FILE_TRANSFER, left, "term starting")
        # Counting from the day before the term makes its first pupil day day 1.
        due_day = calendar.nth_pupil_day_after(term.start - timedelta(days=1), n)
        if due_day is None:
            raise NoDueTime(
                DeadlineRule.FILE_TRANSFER, left, f"{_ordinal(n)} pupil day in a term starting"
            )
    return calendar.at(due_day, calendar.close_of_business)


def _review_due(review_on: date, calendar: SchoolCalendar) -> datetime:
    return calendar.at(review_on, calendar.close_of_business)


def _is_in_term_leaving_day(left: date, calendar: SchoolCalendar) -> bool:
    if not calendar.is_pupil_day(left):
        return False
    term = calendar.term_containing(left)
    return term is None or calendar.last_pupil_day_of(term) != left


def _next_working_day_due(
    trigger: datetime, calendar: SchoolCalendar, immediate_danger: bool
) -> datetime:
    day = calendar.next_working_day(calendar.local_date(trigger))
    return calendar.at(day, calendar.close_of_business)


def _ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


_MomentRule = Callable[[datetime, SchoolCalendar, bool], datetime]

_MOMENT_RULES: dict[DeadlineRule, _MomentRule] = {
    DeadlineRule.ENCOMPASS_BEFORE_SCHOOL: _encompass_due,
    DeadlineRule.DSL_TRIAGE: _dsl_triage_due,
    **dict.fromkeys(NEXT_WORKING_DAY_RULES, _next_working_day_due),
}


def compute_due(
    rule: DeadlineRule,
    trigger: datetime | date,
    calendar: SchoolCalendar,
    *,
    immediate_danger: bool = False,
) -> datetime:
    """When ``rule`` falls due for a trigger at ``trigger``, as an aware time in the school zone.

    ``trigger`` is a timezone-aware datetime, except for ``file-transfer`` where it is the last
    day on roll and ``risk-assessment-review`` where it is the review date (a date; an aware
    datetime is taken as its school-local date).
    ``immediate_danger`` only affects ``dsl-triage``. Raises ``ValueError`` for an unknown rule
    or a trigger of the wrong kind, and ``NoDueTime`` when the calendar ends first.
    """
    rule = DeadlineRule(rule)
    if rule is DeadlineRule.FILE_TRANSFER:
        return _file_transfer_due(_trigger_date(rule, trigger, calendar), calendar)
    if rule is DeadlineRule.RISK_ASSESSMENT_REVIEW:
        return _review_due(_trigger_date(rule, trigger, calendar), calendar)
    moment = _aware_trigger(rule, trigger)
    return _MOMENT_RULES[rule](moment, calendar, immediate_danger)


# --- approaching ------------------------------------------------------------------------------


def compute_approaching(
    rule: DeadlineRule,
    trigger: datetime | date,
    due: datetime,
    calendar: SchoolCalendar,
    *,
    fraction: float = DEFAULT_APPROACHING_FRACTION,
) -> datetime:
    """When ``rule`` starts approaching its ``due`` time, in the school zone.

    ``encompass-before-school``: 30 minutes before due. Others: ``fraction`` of the window
    (due - T) before due, where for ``file-transfer`` T is the start of the leaving day.
    Durations are elapsed time. The result is never before T: a window shorter than the lead
    is approaching from the moment it opens.
    """
    rule = DeadlineRule(rule)
    # Written so that NaN fails the check too.
    if not 0 <= fraction <= 1:
        raise ValueError(f"fraction must be between 0 and 1, got {fraction}")
    if not isinstance(due, datetime) or due.tzinfo is None or due.utcoffset() is None:
        raise ValueError(f"{rule}: due must be a timezone-aware datetime, got {due!r}")
    # In UTC: subtracting two datetimes that share a tzinfo gives wall-clock, not elapsed, time.
    opened = _trigger_moment(rule, trigger, calendar).astimezone(UTC)
    due_utc = due.astimezone(UTC)
    if due_utc < opened:
        raise ValueError(f"{rule}: due {due.isoformat()} is before {opened.isoformat()}")
    if rule is DeadlineRule.ENCOMPASS_BEFORE_SCHOOL:
        lead = ENCOMPASS_APPROACHING_LEAD
    else:
        lead = (due_utc - opened) * fraction
    return max(due_utc - lead, opened).astimezone(calendar.zone)
