"""The school calendar: validation, working days, pupil days and wall-clock times.

The sample calendar (tests/samples/calendar-2025-26.json) is a primary school's 2025-26 year:
autumn 3 Sep-19 Dec 2025, spring 5 Jan-27 Mar 2026, summer 13 Apr-22 Jul 2026; half terms
27-31 Oct, 16-20 Feb, 25-29 May; INSET days 3 Sep, 24 Oct, 5 Jan, 13 Apr, 22 Jul.
"""

from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from pydantic import ValidationError

from services.case.domain.calendar import (
    MAX_SCAN_DAYS_WITHOUT_TERMS,
    Closure,
    DateRange,
    SchoolCalendar,
    bank_holidays,
    is_working_day,
    parse_hhmm,
)

SAMPLE = Path(__file__).parents[1] / "samples" / "calendar-2025-26.json"


@pytest.fixture(scope="module")
def sample() -> SchoolCalendar:
    return SchoolCalendar.model_validate_json(SAMPLE.read_text())


def payload(**overrides: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "timezone": "Europe/London",
        "school_day_starts": "08:45",
        "close_of_business": "17:00",
        "terms": [
            {"start": "2025-09-03", "end": "2025-12-19"},
            {"start": "2026-01-05", "end": "2026-03-27"},
        ],
        "closures": [
            {"start": "2025-10-27", "end": "2025-10-31", "reason": "half term"},
            {"start": "2026-01-05", "end": "2026-01-05", "reason": "INSET"},
        ],
    }
    base.update(overrides)
    return base


def only_error(**overrides: Any) -> dict[str, Any]:
    """The single validation error raised for the payload with ``overrides``."""
    with pytest.raises(ValidationError) as caught:
        SchoolCalendar.model_validate(payload(**overrides))
    errors = caught.value.errors()
    assert len(errors) == 1, errors
    return errors[0]


# --- the sample and the default -----------------------------------------------------------


def test_the_example_from_the_issue_is_valid():
    calendar = SchoolCalendar.model_validate(payload())
    assert calendar.terms[0] == DateRange(start=date(2025, 9, 3), end=date(2025, 12, 19))
    assert calendar.closures[1] == Closure(
        start=date(2026, 1, 5), end=date(2026, 1, 5), reason="INSET"
    )


def test_the_sample_calendar_has_three_terms_three_half_terms_and_five_inset_days(sample):
    assert [(t.start.isoformat(), t.end.isoformat()) for t in sample.terms] == [
        ("2025-09-03", "2025-12-19"),
        ("2026-01-05", "2026-03-27"),
        ("2026-04-13", "2026-07-22"),
    ]
    reasons = [c.reason for c in sample.closures]
    assert reasons.count("INSET") == 5
    assert reasons.count("half term") == 3


def test_the_sample_calendar_has_the_statutory_190_pupil_days(sample):
    pupil_days = [d for term in sample.terms for d in term.days() if sample.is_pupil_day(d)]
    assert len(pupil_days) == 190


def test_the_default_calendar_is_london_0845_to_1700_with_no_terms_or_closures():
    calendar = SchoolCalendar.default()
    assert calendar.timezone == "Europe/London"
    assert calendar.zone == ZoneInfo("Europe/London")
    assert calendar.school_day_starts == "08:45"
    assert calendar.close_of_business == "17:00"
    assert calendar.terms == []
    assert calendar.closures == []


def test_terms_given_in_any_order_are_sorted():
    calendar = SchoolCalendar.model_validate(
        payload(
            terms=[
                {"start": "2026-04-13", "end": "2026-07-22"},
                {"start": "2025-09-03", "end": "2025-12-19"},
                {"start": "2026-01-05", "end": "2026-03-27"},
            ]
        )
    )
    assert [t.start.isoformat() for t in calendar.terms] == [
        "2025-09-03",
        "2026-01-05",
        "2026-04-13",
    ]


def test_a_calendar_round_trips_through_json(sample):
    assert SchoolCalendar.model_validate_json(sample.model_dump_json()) == sample


def test_closure_reasons_are_stripped():
    calendar = SchoolCalendar.model_validate(
        payload(closures=[{"start": "2025-10-27", "end": "2025-10-31", "reason": " half term "}])
    )
    assert calendar.closures[0].reason == "half term"


def test_a_calendar_is_immutable(sample):
    with pytest.raises(ValidationError):
        sample.timezone = "UTC"


# --- validation errors ----------------------------------------------------------------------


def test_overlapping_terms_are_rejected():
    error = only_error(
        terms=[
            {"start": "2025-09-03", "end": "2025-12-19"},
            {"start": "2025-12-01", "end": "2026-03-27"},
        ]
    )
    assert error["loc"] == ("terms",)
    assert error["msg"] == "terms[1] overlaps terms[0]"


def test_terms_sharing_a_day_overlap():
    error = only_error(
        terms=[
            {"start": "2025-09-03", "end": "2025-12-19"},
            {"start": "2025-12-19", "end": "2026-03-27"},
        ]
    )
    assert error["msg"] == "terms[1] overlaps terms[0]"


def test_overlap_names_the_terms_by_their_position_in_the_input():
    # Sorted, terms[0] is the later term and terms[2] the earlier term it overlaps.
    error = only_error(
        terms=[
            {"start": "2026-01-05", "end": "2026-03-27"},
            {"start": "2026-04-13", "end": "2026-07-22"},
            {"start": "2025-09-03", "end": "2026-01-05"},
        ]
    )
    assert error["msg"] == "terms[0] overlaps terms[2]"


def test_a_term_inside_another_overlaps_it():
    error = only_error(
        terms=[
            {"start": "2025-09-03", "end": "2025-12-19"},
            {"start": "2025-10-01", "end": "2025-10-10"},
        ]
    )
    assert error["msg"] == "terms[1] overlaps terms[0]"


def test_adjacent_terms_do_not_overlap():
    calendar = SchoolCalendar.model_validate(
        payload(
            terms=[
                {"start": "2025-09-03", "end": "2025-12-19"},
                {"start": "2025-12-20", "end": "2026-03-27"},
            ]
        )
    )
    assert len(calendar.terms) == 2


def test_a_term_ending_before_it_starts_is_rejected():
    error = only_error(
        terms=[
            {"start": "2025-09-03", "end": "2025-12-19"},
            {"start": "2026-03-27", "end": "2026-01-05"},
        ]
    )
    assert error["loc"] == ("terms",)
    assert error["msg"] == "terms[1]: end 2026-01-05 is before start 2026-03-27"


def test_a_one_day_term_is_allowed():
    calendar = SchoolCalendar.model_validate(
        payload(terms=[{"start": "2025-09-03", "end": "2025-09-03"}])
    )
    assert calendar.terms[0].start == calendar.terms[0].end


def test_a_term_longer_than_a_year_is_rejected():
    error = only_error(terms=[{"start": "2025-09-01", "end": "2026-09-02"}])
    assert error["msg"] == "terms[0]: 367 days long, a term is at most 366 days"


def test_a_closure_ending_before_it_starts_is_rejected():
    error = only_error(
        closures=[{"start": "2025-10-27", "end": "2025-10-20", "reason": "half term"}]
    )
    assert error["loc"] == ("closures",)
    assert error["msg"] == "closures[0]: end 2025-10-20 is before start 2025-10-27"


def test_closures_may_overlap_each_other_and_lie_outside_terms():
    calendar = SchoolCalendar.model_validate(
        payload(
            closures=[
                {"start": "2025-10-27", "end": "2025-10-31", "reason": "half term"},
                {"start": "2025-10-31", "end": "2025-10-31", "reason": "INSET"},
                {"start": "2025-08-01", "end": "2025-08-01", "reason": "summer"},
            ]
        )
    )
    assert len(calendar.closures) == 3


@pytest.mark.parametrize(
    "value",
    [
        "8:45",
        "08:5",
        "0845",
        "08:45:00",
        "24:00",
        "08:60",
        "8.45",
        " 08:45",
        "08:45\n",
        "",
        "ab:cd",
    ],
)
def test_school_day_starts_must_be_hh_mm(value):
    error = only_error(school_day_starts=value)
    assert error["loc"] == ("school_day_starts",)
    assert error["msg"] == f"school_day_starts: expected HH:MM (24-hour clock), got {value!r}"


@pytest.mark.parametrize("value", ["5pm", "17:00:00", "25:00", "17-00"])
def test_close_of_business_must_be_hh_mm(value):
    error = only_error(close_of_business=value)
    assert error["loc"] == ("close_of_business",)
    assert error["msg"] == f"close_of_business: expected HH:MM (24-hour clock), got {value!r}"


def test_a_time_must_be_a_string():
    error = only_error(school_day_starts=845)
    assert error["loc"] == ("school_day_starts",)
    assert error["type"] == "string_type"


@pytest.mark.parametrize("value", ["00:00", "23:59", "09:05", "19:30"])
def test_valid_hh_mm_times(value):
    assert parse_hhmm(value).strftime("%H:%M") == value


@pytest.mark.parametrize(("starts", "closes"), [("08:45", "08:45"), ("17:00", "08:45")])
def test_close_of_business_must_be_after_school_day_starts(starts, closes):
    error = only_error(school_day_starts=starts, close_of_business=closes)
    assert error["msg"] == (f"close_of_business: {closes} is not after school_day_starts {starts}")


@pytest.mark.parametrize("value", ["Mars/Olympus_Mons", "Europe/Londres", "", "../etc/passwd"])
def test_an_unknown_time_zone_is_rejected(value):
    error = only_error(timezone=value)
    assert error["loc"] == ("timezone",)
    assert error["msg"] == f"timezone: unknown time zone {value!r}"


def test_an_unknown_top_level_field_is_rejected():
    error = only_error(holidays=[])
    assert error["loc"] == ("holidays",)
    assert error["type"] == "extra_forbidden"


def test_an_unknown_field_in_a_term_is_rejected():
    error = only_error(terms=[{"start": "2025-09-03", "end": "2025-12-19", "name": "autumn"}])
    assert error["loc"] == ("terms", 0, "name")
    assert error["type"] == "extra_forbidden"


def test_an_unknown_field_in_a_closure_is_rejected():
    error = only_error(
        closures=[{"start": "2025-10-27", "end": "2025-10-31", "reason": "half term", "x": 1}]
    )
    assert error["loc"] == ("closures", 0, "x")
    assert error["type"] == "extra_forbidden"


@pytest.mark.parametrize("reason", ["", "   "])
def test_a_closure_needs_a_reason(reason):
    error = only_error(closures=[{"start": "2025-10-27", "end": "2025-10-31", "reason": reason}])
    assert error["loc"] == ("closures", 0, "reason")
    assert error["type"] == "string_too_short"


def test_a_closure_without_a_reason_field_is_rejected():
    error = only_error(closures=[{"start": "2025-10-27", "end": "2025-10-31"}])
    assert error["loc"] == ("closures", 0, "reason")
    assert error["type"] == "missing"


def test_a_closure_reason_is_at_most_200_characters():
    SchoolCalendar.model_validate(
        payload(closures=[{"start": "2025-10-27", "end": "2025-10-31", "reason": "x" * 200}])
    )
    error = only_error(closures=[{"start": "2025-10-27", "end": "2025-10-31", "reason": "x" * 201}])
    assert error["loc"] == ("closures", 0, "reason")
    assert error["type"] == "string_too_long"


def test_at_most_20_terms():
    one_day_terms = [
        {"start": f"2026-01-{day:02}", "end": f"2026-01-{day:02}"} for day in range(1, 22)
    ]
    SchoolCalendar.model_validate(payload(terms=one_day_terms[:20]))
    error = only_error(terms=one_day_terms)
    assert error["loc"] == ("terms",)
    assert error["type"] == "too_long"


def test_at_most_200_closures():
    closures = [{"start": "2025-10-27", "end": "2025-10-27", "reason": "INSET"}] * 201
    SchoolCalendar.model_validate(payload(closures=closures[:200]))
    error = only_error(closures=closures)
    assert error["loc"] == ("closures",)
    assert error["type"] == "too_long"


def test_an_impossible_date_is_rejected():
    error = only_error(terms=[{"start": "2026-02-30", "end": "2026-03-27"}])
    assert error["loc"] == ("terms", 0, "start")


@pytest.mark.parametrize("field", ["timezone", "school_day_starts", "close_of_business"])
def test_the_time_fields_are_required(field):
    data = payload()
    del data[field]
    with pytest.raises(ValidationError) as caught:
        SchoolCalendar.model_validate(data)
    assert [e["loc"] for e in caught.value.errors()] == [(field,)]


def test_terms_and_closures_default_to_empty():
    calendar = SchoolCalendar.model_validate(
        {"timezone": "Europe/London", "school_day_starts": "08:45", "close_of_business": "17:00"}
    )
    assert calendar == SchoolCalendar.default()


def test_every_problem_is_reported_at_once():
    with pytest.raises(ValidationError) as caught:
        SchoolCalendar.model_validate(
            payload(timezone="Nowhere/Town", school_day_starts="8:45", colour="blue")
        )
    assert sorted(e["loc"][0] for e in caught.value.errors()) == [
        "colour",
        "school_day_starts",
        "timezone",
    ]


def test_a_validation_error_is_a_value_error():
    # FastAPI turns pydantic's ValidationError into a 422; a CLI can catch ValueError.
    with pytest.raises(ValueError, match=r"terms\[1\] overlaps terms\[0\]"):
        SchoolCalendar.model_validate(
            payload(
                terms=[
                    {"start": "2025-09-03", "end": "2025-12-19"},
                    {"start": "2025-12-01", "end": "2026-03-27"},
                ]
            )
        )


def test_validation_errors_serialise_to_json():
    with pytest.raises(ValidationError) as caught:
        SchoolCalendar.model_validate(payload(timezone="Nowhere/Town"))
    assert "timezone: unknown time zone 'Nowhere/Town'" in caught.value.json()


# --- working days ---------------------------------------------------------------------------


def test_the_2026_bank_holidays_in_england_and_wales():
    assert {d for d in bank_holidays(2026) if d.weekday() < 5} == {
        date(2026, 1, 1),  # New Year's Day
        date(2026, 4, 3),  # Good Friday
        date(2026, 4, 6),  # Easter Monday
        date(2026, 5, 4),  # Early May bank holiday
        date(2026, 5, 25),  # Spring bank holiday
        date(2026, 8, 31),  # Summer bank holiday
        date(2026, 12, 25),  # Christmas Day
        date(2026, 12, 28),  # Boxing Day falls on Saturday 26th: substitute day
    }


def test_bank_holidays_are_cached_per_year():
    bank_holidays.cache_clear()
    bank_holidays(2026)
    bank_holidays(2026)
    assert bank_holidays.cache_info().hits == 1
    assert bank_holidays.cache_info().misses == 1


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (date(2026, 3, 11), True),  # Wednesday
        (date(2026, 3, 13), True),  # Friday
        (date(2026, 3, 14), False),  # Saturday
        (date(2026, 3, 15), False),  # Sunday
        (date(2026, 4, 3), False),  # Good Friday
        (date(2026, 4, 6), False),  # Easter Monday
        (date(2026, 4, 7), True),
        (date(2026, 5, 4), False),  # Early May bank holiday
        (date(2026, 5, 25), False),  # Spring bank holiday
        (date(2026, 8, 31), False),  # Summer bank holiday
        (date(2026, 12, 24), True),
        (date(2026, 12, 25), False),  # Christmas Day
        (date(2026, 12, 28), False),  # substitute for Boxing Day
        (date(2026, 12, 29), True),
        (date(2027, 1, 1), False),  # New Year's Day
        (date(2025, 12, 26), False),  # Boxing Day 2025, a Friday
        (date(2026, 2, 16), True),  # half term is still a working day
    ],
)
def test_working_days(sample, day, expected):
    assert is_working_day(day) is expected
    assert sample.is_working_day(day) is expected
    assert SchoolCalendar.default().is_working_day(day) is expected


# --- pupil days -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (date(2025, 9, 2), False),  # before the first term
        (date(2025, 9, 3), False),  # first day of term, INSET
        (date(2025, 9, 4), True),  # first pupil day of the year
        (date(2025, 10, 23), True),
        (date(2025, 10, 24), False),  # INSET before half term
        (date(2025, 10, 27), False),  # half term
        (date(2025, 10, 31), False),  # half term, last day
        (date(2025, 11, 3), True),
        (date(2025, 12, 19), True),  # last day of term is inclusive
        (date(2025, 12, 22), False),  # Christmas holiday: a working day outside any term
        (date(2026, 1, 2), False),
        (date(2026, 1, 5), False),  # INSET on the first day of the spring term
        (date(2026, 1, 6), True),
        (date(2026, 3, 7), False),  # Saturday in term
        (date(2026, 3, 11), True),
        (date(2026, 2, 18), False),  # half term
        (date(2026, 3, 27), True),  # last day of spring term
        (date(2026, 3, 30), False),  # Easter holiday
        (date(2026, 4, 13), False),  # INSET
        (date(2026, 4, 14), True),
        (date(2026, 5, 4), False),  # bank holiday in term
        (date(2026, 5, 25), False),  # bank holiday in half term
        (date(2026, 6, 1), True),
        (date(2026, 7, 21), True),  # last pupil day of the year
        (date(2026, 7, 22), False),  # INSET on the last day of term
        (date(2026, 7, 23), False),  # after the last term
    ],
)
def test_pupil_days_in_the_sample_calendar(sample, day, expected):
    assert sample.is_pupil_day(day) is expected


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (date(2026, 8, 3), True),  # summer holiday, but there are no terms
        (date(2026, 8, 1), False),  # Saturday
        (date(2026, 8, 31), False),  # bank holiday
        (date(2026, 10, 28), False),  # closed
    ],
)
def test_without_terms_every_open_working_day_is_a_pupil_day(day, expected):
    calendar = SchoolCalendar.model_validate(
        payload(terms=[], closures=[{"start": "2026-10-26", "end": "2026-10-30", "reason": "x"}])
    )
    assert calendar.is_pupil_day(day) is expected


def test_next_pupil_day_skips_inset_and_half_term(sample):
    assert sample.next_pupil_day(date(2025, 10, 23)) == date(2025, 11, 3)


def test_next_pupil_day_is_strictly_after(sample):
    assert sample.next_pupil_day(date(2026, 3, 11)) == date(2026, 3, 12)


def test_next_pupil_day_crosses_into_the_next_term(sample):
    assert sample.next_pupil_day(date(2026, 3, 27)) == date(2026, 4, 14)


def test_next_pupil_day_before_the_calendar_starts(sample):
    assert sample.next_pupil_day(date(2020, 1, 1)) == date(2025, 9, 4)


def test_there_is_no_pupil_day_after_the_last_one(sample):
    assert sample.next_pupil_day(date(2026, 7, 21)) is None


def test_nth_pupil_day_after_counts_strictly_after(sample):
    assert sample.nth_pupil_day_after(date(2026, 3, 11), 1) == date(2026, 3, 12)
    assert sample.nth_pupil_day_after(date(2026, 3, 11), 5) == date(2026, 3, 18)
    assert sample.nth_pupil_day_after(date(2026, 7, 17), 2) == date(2026, 7, 21)
    assert sample.nth_pupil_day_after(date(2026, 7, 17), 3) is None


def test_nth_pupil_day_needs_a_positive_n(sample):
    with pytest.raises(ValueError, match="at least 1"):
        sample.nth_pupil_day_after(date(2026, 3, 11), 0)


def test_without_terms_the_search_for_a_pupil_day_is_bounded():
    closed_for_years = SchoolCalendar.model_validate(
        payload(terms=[], closures=[{"start": "2026-01-01", "end": "2030-12-31", "reason": "x"}])
    )
    assert closed_for_years.next_pupil_day(date(2026, 1, 1)) is None
    days = list(closed_for_years.pupil_days_after(date(2025, 12, 1)))
    assert days[-1] == date(2025, 12, 31)


def test_without_terms_pupil_days_are_scanned_for_about_a_year():
    days = list(SchoolCalendar.default().pupil_days_after(date(2026, 1, 1)))
    assert days[0] == date(2026, 1, 2)
    assert days[-1] <= date(2026, 1, 1) + timedelta(days=MAX_SCAN_DAYS_WITHOUT_TERMS)
    assert len(days) > 250


def test_a_term_that_is_all_closure_has_no_last_pupil_day():
    calendar = SchoolCalendar.model_validate(
        payload(
            terms=[{"start": "2026-01-05", "end": "2026-01-09"}],
            closures=[{"start": "2026-01-05", "end": "2026-01-09", "reason": "flood"}],
        )
    )
    assert calendar.last_pupil_day_of(calendar.terms[0]) is None


def test_last_pupil_day_of_a_term_ending_with_inset(sample):
    assert sample.last_pupil_day_of(sample.terms[2]) == date(2026, 7, 21)
    assert sample.last_pupil_day_of(sample.terms[0]) == date(2025, 12, 19)


def test_next_working_day_skips_the_christmas_2026_substitute_day(sample):
    assert sample.next_working_day(date(2026, 12, 24)) == date(2026, 12, 29)
    assert sample.next_working_day(date(2026, 12, 31)) == date(2027, 1, 4)


# --- wall-clock times -----------------------------------------------------------------------


def test_at_is_in_gmt_in_winter(sample):
    assert sample.at(date(2026, 3, 11), "08:45").isoformat() == "2026-03-11T08:45:00+00:00"


def test_at_is_in_bst_in_summer(sample):
    assert sample.at(date(2026, 4, 15), "08:45").isoformat() == "2026-04-15T08:45:00+01:00"


def test_at_keeps_the_wall_clock_time_on_the_days_the_clocks_change(sample):
    assert sample.at(date(2026, 3, 29), "08:45").isoformat() == "2026-03-29T08:45:00+01:00"
    assert sample.at(date(2026, 10, 25), "17:00").isoformat() == "2026-10-25T17:00:00+00:00"


def test_a_time_in_the_spring_gap_becomes_the_real_moment_it_denotes(sample):
    # 01:30 does not exist on 29 March 2026; read as GMT it is 01:30 UTC, i.e. 02:30 BST.
    assert sample.at(date(2026, 3, 29), "01:30").isoformat() == "2026-03-29T02:30:00+01:00"


def test_an_ambiguous_autumn_time_is_its_first_occurrence(sample):
    # 01:30 happens twice on 25 October 2026; fold=0 is the first, still in BST.
    assert sample.at(date(2026, 10, 25), "01:30").isoformat() == "2026-10-25T01:30:00+01:00"


def test_at_in_another_time_zone():
    calendar = SchoolCalendar.model_validate(payload(timezone="America/New_York"))
    assert calendar.at(date(2026, 3, 11), "08:45").isoformat() == "2026-03-11T08:45:00-04:00"


def test_at_rejects_a_malformed_time(sample):
    with pytest.raises(ValueError, match="expected HH:MM"):
        sample.at(date(2026, 3, 11), "8:45")


def test_start_of_day(sample):
    assert sample.start_of_day(date(2026, 6, 15)).isoformat() == "2026-06-15T00:00:00+01:00"


def test_local_date_late_on_a_summer_evening_utc_is_the_next_day_in_london(sample):
    assert sample.local_date(datetime(2026, 6, 14, 23, 30, tzinfo=UTC)) == date(2026, 6, 15)


def test_local_date_in_winter_is_the_utc_date(sample):
    assert sample.local_date(datetime(2026, 1, 10, 23, 30, tzinfo=UTC)) == date(2026, 1, 10)


def test_local_date_rejects_a_naive_datetime(sample):
    with pytest.raises(ValueError, match="timezone-aware"):
        sample.local_date(datetime(2026, 6, 14, 23, 30))
