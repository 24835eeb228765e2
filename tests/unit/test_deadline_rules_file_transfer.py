"""file-transfer: T is the leaver's last day on roll.

If T is a pupil day and not the last pupil day of its term, the file is due at
close_of_business on the 5th pupil day after T (the day after T is day 1). Otherwise it is due
on the 5th pupil day of the next term that starts after T, its first pupil day being day 1.

Sample calendar: autumn 3 Sep-19 Dec 2025, spring 5 Jan-27 Mar 2026, summer 13 Apr-22 Jul 2026;
half terms 27-31 Oct, 16-20 Feb, 25-29 May; INSET 3 Sep, 24 Oct, 5 Jan, 13 Apr, 22 Jul.
Bank holidays: Good Friday 3 Apr, Easter Monday 6 Apr, 4 May, 25 May 2026.
"""

from datetime import date, datetime
from pathlib import Path

import pytest

from contracts.case_v1 import DeadlineRule
from services.case.domain.calendar import SchoolCalendar
from services.case.domain.deadline_rules import NoDueTime, compute_due

SAMPLE = Path(__file__).parents[1] / "samples" / "calendar-2025-26.json"


@pytest.fixture(scope="module")
def sample() -> SchoolCalendar:
    return SchoolCalendar.model_validate_json(SAMPLE.read_text())


@pytest.fixture(scope="module")
def with_next_year(sample) -> SchoolCalendar:
    """The sample plus an autumn 2026 term starting with an INSET day on Wed 2 Sep 2026."""
    data = sample.model_dump(mode="json")
    data["terms"].append({"start": "2026-09-02", "end": "2026-12-18"})
    data["closures"].append({"start": "2026-09-02", "end": "2026-09-02", "reason": "INSET"})
    return SchoolCalendar.model_validate(data)


def due(last_day_on_roll: date | datetime, calendar: SchoolCalendar) -> str:
    return compute_due(DeadlineRule.FILE_TRANSFER, last_day_on_roll, calendar).isoformat()


# --- leaving mid-term: the 5th pupil day after T -------------------------------------------


def test_a_mid_term_leaver(sample):
    # Wed 11 Mar: Thu 12, Fri 13, Mon 16, Tue 17, Wed 18.
    assert due(date(2026, 3, 11), sample) == "2026-03-18T17:00:00+00:00"


def test_a_mid_term_leaver_across_an_inset_day_and_half_term(sample):
    # Thu 23 Oct 2025: Fri 24 INSET, 27-31 half term; Mon 3 Nov is day 1, Fri 7 Nov day 5.
    assert due(date(2025, 10, 23), sample) == "2025-11-07T17:00:00+00:00"


def test_a_mid_term_leaver_across_the_spring_half_term(sample):
    # Wed 11 Feb: Thu 12, Fri 13, [16-20 half term], Mon 23, Tue 24, Wed 25.
    assert due(date(2026, 2, 11), sample) == "2026-02-25T17:00:00+00:00"


def test_a_mid_term_leaver_across_the_early_may_bank_holiday(sample):
    # Wed 29 Apr: Thu 30, Fri 1 May, [Mon 4 May bank holiday], Tue 5, Wed 6, Thu 7.
    assert due(date(2026, 4, 29), sample) == "2026-05-07T17:00:00+01:00"


def test_a_leaver_late_in_term_counts_on_into_the_next_term(sample):
    # Mon 23 Mar: Tue 24, Wed 25, Thu 26, Fri 27, then Tue 14 Apr (13 Apr is INSET) in BST.
    assert due(date(2026, 3, 23), sample) == "2026-04-14T17:00:00+01:00"


def test_the_day_before_the_last_pupil_day_counts_from_the_next_day(sample):
    # Thu 26 Mar is not the last pupil day: Fri 27 Mar is day 1, then Tue 14-Fri 17 Apr.
    assert due(date(2026, 3, 26), sample) == "2026-04-17T17:00:00+01:00"


# --- the last pupil day of a term: the 5th pupil day of the next term ----------------------


def test_a_leaver_on_the_last_pupil_day_of_the_autumn_term(sample):
    # Fri 19 Dec 2025; spring starts Mon 5 Jan with INSET: Tue 6, Wed 7, Thu 8, Fri 9, Mon 12.
    assert due(date(2025, 12, 19), sample) == "2026-01-12T17:00:00+00:00"


def test_a_leaver_on_the_last_pupil_day_of_the_spring_term(sample):
    # Fri 27 Mar 2026; summer starts Mon 13 Apr with INSET: Tue 14 ... Mon 20 Apr.
    assert due(date(2026, 3, 27), sample) == "2026-04-20T17:00:00+01:00"


# --- a non-pupil day: the 5th pupil day of the next term ------------------------------------


@pytest.mark.parametrize(
    "last_day_on_roll",
    [date(2026, 3, 30), date(2026, 4, 1), date(2026, 4, 3), date(2026, 4, 6), date(2026, 4, 12)],
)
def test_a_leaver_in_the_easter_holiday(sample, last_day_on_roll):
    # Includes Good Friday and Easter Monday; summer term day 5 is Mon 20 Apr.
    assert due(last_day_on_roll, sample) == "2026-04-20T17:00:00+01:00"


def test_a_leaver_in_the_christmas_holiday(sample):
    assert due(date(2025, 12, 22), sample) == "2026-01-12T17:00:00+00:00"


def test_a_leaver_before_the_first_term(sample):
    # Autumn starts Wed 3 Sep 2025 with INSET: Thu 4, Fri 5, Mon 8, Tue 9, Wed 10.
    assert due(date(2025, 8, 4), sample) == "2025-09-10T17:00:00+01:00"
    assert due(date(2025, 9, 1), sample) == "2025-09-10T17:00:00+01:00"


def test_a_leaver_on_the_inset_day_that_starts_a_term_counts_from_the_next_term(sample):
    # Mon 5 Jan is INSET, not a pupil day: the next term to start is the summer term.
    assert due(date(2026, 1, 5), sample) == "2026-04-20T17:00:00+01:00"


def test_a_leaver_on_an_inset_day_before_half_term(sample):
    # Fri 24 Oct 2025 is INSET: the next term to start is spring, day 5 Mon 12 Jan.
    assert due(date(2025, 10, 24), sample) == "2026-01-12T17:00:00+00:00"


def test_a_leaver_in_half_term_counts_from_the_next_term(sample):
    # Wed 18 Feb is half term, not a pupil day: the next term to start is the summer term.
    assert due(date(2026, 2, 18), sample) == "2026-04-20T17:00:00+01:00"


def test_a_leaver_on_a_weekend_mid_term_counts_from_the_next_term(sample):
    # Sat 7 Mar is not a pupil day, so the rule's "otherwise" branch applies.
    assert due(date(2026, 3, 7), sample) == "2026-04-20T17:00:00+01:00"


def test_a_leaver_on_a_bank_holiday_in_term_counts_from_the_next_term(with_next_year):
    # Mon 4 May 2026; next term starts Wed 2 Sep with INSET: Thu 3, Fri 4, Mon 7, Tue 8, Wed 9.
    assert due(date(2026, 5, 4), with_next_year) == "2026-09-09T17:00:00+01:00"


def test_the_count_starts_at_the_first_pupil_day_even_if_the_next_term_has_none():
    # The first term after the leaver is closed throughout, so day 1 is in the term after it:
    # Mon 12 Jan is day 1, Fri 16 Jan day 5.
    calendar = SchoolCalendar.model_validate(
        {
            "timezone": "Europe/London",
            "school_day_starts": "08:45",
            "close_of_business": "17:00",
            "terms": [
                {"start": "2025-09-03", "end": "2025-12-19"},
                {"start": "2026-01-05", "end": "2026-01-09"},
                {"start": "2026-01-12", "end": "2026-03-27"},
            ],
            "closures": [{"start": "2026-01-05", "end": "2026-01-09", "reason": "flood"}],
        }
    )
    assert due(date(2025, 12, 19), calendar) == "2026-01-16T17:00:00+00:00"


# --- near the end of the summer term ------------------------------------------------------


def test_a_leaver_whose_5th_day_is_the_last_pupil_day_of_the_year(sample):
    # Tue 14 Jul: Wed 15, Thu 16, Fri 17, Mon 20, Tue 21 Jul (22 Jul is INSET).
    assert due(date(2026, 7, 14), sample) == "2026-07-21T17:00:00+01:00"


@pytest.mark.parametrize("last_day_on_roll", [date(2026, 7, 15), date(2026, 7, 17)])
def test_no_due_time_when_the_calendar_ends_before_the_5th_pupil_day(sample, last_day_on_roll):
    with pytest.raises(NoDueTime) as caught:
        due(last_day_on_roll, sample)
    assert str(caught.value) == (
        f"file-transfer: the calendar has no 5th pupil day after {last_day_on_roll.isoformat()}"
    )


def test_the_count_continues_into_next_years_term_once_it_is_entered(with_next_year):
    # Fri 17 Jul: Mon 20, Tue 21, [22 Jul INSET, holiday, 2 Sep INSET], Thu 3, Fri 4, Mon 7 Sep.
    assert due(date(2026, 7, 17), with_next_year) == "2026-09-07T17:00:00+01:00"


@pytest.mark.parametrize("last_day_on_roll", [date(2026, 7, 21), date(2026, 7, 22)])
def test_no_due_time_after_the_last_term(sample, last_day_on_roll):
    # The last pupil day (21 Jul) and the final INSET day (22 Jul) both need a next term.
    with pytest.raises(NoDueTime) as caught:
        due(last_day_on_roll, sample)
    assert str(caught.value) == (
        f"file-transfer: the calendar has no term starting after {last_day_on_roll.isoformat()}"
    )


@pytest.mark.parametrize("last_day_on_roll", [date(2026, 7, 21), date(2026, 7, 22)])
def test_the_last_day_of_the_year_counts_from_next_years_term(with_next_year, last_day_on_roll):
    # Autumn 2026 starts Wed 2 Sep with INSET: Thu 3, Fri 4, Mon 7, Tue 8, Wed 9.
    assert due(last_day_on_roll, with_next_year) == "2026-09-09T17:00:00+01:00"


def test_no_due_time_in_the_summer_holiday_after_the_last_term(sample):
    with pytest.raises(NoDueTime, match="no term starting after 2026-08-10"):
        due(date(2026, 8, 10), sample)


# --- a calendar with no terms -------------------------------------------------------------


def test_without_terms_christmas_2026_and_its_substitute_day_are_skipped():
    # Thu 24 Dec: [Fri 25, Mon 28 substitute], Tue 29, Wed 30, Thu 31, [Fri 1 Jan], Mon 4, Tue 5.
    assert due(date(2026, 12, 24), SchoolCalendar.default()) == "2027-01-05T17:00:00+00:00"


def test_without_terms_a_weekend_leaver_counts_from_the_next_day():
    # There is no next term to wait for; counting on is the earlier deadline.
    assert due(date(2026, 12, 26), SchoolCalendar.default()) == "2027-01-05T17:00:00+00:00"


def test_without_terms_across_the_clocks_going_back():
    # Mon 19 Oct: Tue 20, Wed 21, Thu 22, Fri 23, Mon 26 Oct in GMT.
    assert due(date(2026, 10, 19), SchoolCalendar.default()) == "2026-10-26T17:00:00+00:00"


# --- a datetime trigger -------------------------------------------------------------------


def test_a_datetime_is_taken_as_its_london_date(sample):
    # 23:30 UTC on Sun 14 Jun is Mon 15 Jun in London, a pupil day:
    # Tue 16, Wed 17, Thu 18, Fri 19, Mon 22.
    trigger = datetime.fromisoformat("2026-06-14T23:30:00+00:00")
    assert due(trigger, sample) == "2026-06-22T17:00:00+01:00"


def test_the_schools_close_of_business_is_used(sample):
    data = sample.model_dump(mode="json") | {"close_of_business": "16:30"}
    assert due(date(2026, 3, 11), SchoolCalendar.model_validate(data)) == (
        "2026-03-18T16:30:00+00:00"
    )
