"""Roster CSV: what a school's data manager sees when they upload their roll."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from services.intake.domain.names import surname_key
from services.intake.domain.roster import (
    ROSTER_COLUMNS,
    RejectedRow,
    RosterFormatError,
    RosterPupil,
    is_leaver,
    is_on_roll,
    parse_roster,
)

SAMPLES = Path(__file__).parents[1] / "samples" / "roster"
HEADER = ",".join(ROSTER_COLUMNS)
ZOE = "OAK-0001,A123456789012,Zoë,O'Brien,,2018-05-02,WR1 1AA,2022-09-01,"


def roster(*rows: str, header: str = HEADER) -> bytes:
    return ("\n".join([header, *rows]) + "\n").encode("utf-8")


def rejection(*rows: str) -> RejectedRow:
    result = parse_roster(roster(*rows))
    assert result.pupils == []
    assert len(result.rejected) == 1
    return result.rejected[0]


class TestSampleFiles:
    def test_a_windows_export_with_bom_and_crlf_is_read_in_full(self):
        result = parse_roster((SAMPLES / "oakfield_primary.csv").read_bytes())
        assert result.rejected == []
        assert [p.pupil_id for p in result.pupils] == [f"OAK-{n:04}" for n in range(1, 11)]
        zoe = result.pupils[0]
        assert zoe == RosterPupil(
            pupil_id="OAK-0001",
            upn="A123456789012",
            forename="Zoë",
            surname="O'Brien",
            preferred_forename=None,
            date_of_birth=date(2018, 5, 2),
            postcode="WR1 1AA",
            on_roll_from=date(2022, 9, 1),
            on_roll_to=None,
        )

    def test_accented_names_and_preferred_forenames_survive(self):
        result = parse_roster((SAMPLES / "oakfield_primary.csv").read_bytes())
        by_id = {p.pupil_id: p for p in result.pupils}
        assert by_id["OAK-0005"].forename == "Siobhán"
        assert by_id["OAK-0005"].surname == "Ní Bhriain"
        assert (by_id["OAK-0006"].forename, by_id["OAK-0006"].preferred_forename) == (
            "Łukasz",
            "Luke",
        )
        assert by_id["OAK-0004"].postcode == "WR3 7HX"
        assert by_id["OAK-0008"].upn == "F56789012345G"

    def test_a_plain_lf_file_without_bom_is_read(self):
        result = parse_roster((SAMPLES / "riverside_academy.csv").read_bytes())
        assert result.rejected == []
        assert len(result.pupils) == 5
        assert result.pupils[1].surname == "Smith-Jones"
        assert surname_key(result.pupils[1].surname) == "smithjones"

    def test_each_bad_row_is_rejected_with_its_line_and_field(self):
        result = parse_roster((SAMPLES / "roster_with_errors.csv").read_bytes())
        assert [p.pupil_id for p in result.pupils] == ["OAK-0101", "OAK-0109"]
        assert result.pupils[1].upn == "M123456789012"
        assert result.rejected == [
            RejectedRow(3, "surname: required"),
            RejectedRow(4, "date_of_birth: not a date in YYYY-MM-DD form"),
            RejectedRow(5, "on_roll_to: before on_roll_from"),
            RejectedRow(6, "pupil_id: duplicate of line 2"),
            RejectedRow(7, "forename: longer than 100 characters"),
            RejectedRow(8, "upn: must be 13 letters or digits starting with a letter"),
            RejectedRow(9, "date_of_birth: not a real calendar date"),
            RejectedRow(10, "row has 10 fields but the header has 9"),
        ]

    def test_a_file_with_the_wrong_columns_is_refused_whole(self):
        with pytest.raises(RosterFormatError) as refused:
            parse_roster((SAMPLES / "roster_bad_header.csv").read_bytes())
        message = str(refused.value)
        assert "missing columns: date_of_birth, postcode" in message
        assert "unexpected columns: 'dob'" in message


class TestHeader:
    def test_an_extra_column_is_refused(self):
        with pytest.raises(RosterFormatError, match="unexpected columns: 'year_group'"):
            parse_roster(roster(ZOE + ",3", header=HEADER + ",year_group"))

    def test_a_leaver_may_name_the_school_they_move_to(self):
        leaver = "OAK-0002,,Ada,Moss,,2017-01-01,,2021-09-01,2025-07-18,100002"
        result = parse_roster(roster(ZOE + ",", leaver, header=HEADER + ",destination_urn"))

        assert [p.destination_urn for p in result.pupils] == [None, "100002"]
        assert parse_roster(roster(ZOE)).pupils[0].destination_urn is None  # column optional

    def test_a_destination_that_is_not_a_urn_is_refused_with_its_line(self):
        bad = "OAK-0002,,Ada,Moss,,2017-01-01,,2021-09-01,2025-07-18,Hill School"
        result = parse_roster(roster(bad, header=HEADER + ",destination_urn"))

        assert result.rejected == [RejectedRow(2, "destination_urn: not a URN (6 or 7 digits)")]

    def test_a_repeated_column_is_refused(self):
        with pytest.raises(RosterFormatError, match="repeated columns: upn"):
            parse_roster(roster(header=HEADER + ",upn"))

    def test_column_order_case_and_padding_do_not_matter(self):
        header = " Surname ,FORENAME," + ",".join(
            c for c in ROSTER_COLUMNS if c not in {"surname", "forename"}
        )
        row = "O'Brien,Zoë,OAK-0001,A123456789012,,2018-05-02,WR1 1AA,2022-09-01,"
        result = parse_roster(roster(row, header=header))
        assert result.pupils[0].surname == "O'Brien"

    def test_an_empty_file_is_refused(self):
        with pytest.raises(RosterFormatError, match="empty"):
            parse_roster(b"")

    def test_a_file_that_is_not_utf8_is_refused_with_advice(self):
        latin1 = roster(ZOE).decode("utf-8").encode("latin-1")
        with pytest.raises(RosterFormatError, match="CSV UTF-8"):
            parse_roster(latin1)


class TestRows:
    def test_bom_and_crlf(self):
        data = b"\xef\xbb\xbf" + f"{HEADER}\r\n{ZOE}\r\n".encode()
        result = parse_roster(data)
        assert result.rejected == []
        assert result.pupils[0].on_roll_to is None

    def test_text_input_is_accepted(self):
        assert len(parse_roster("\ufeff" + HEADER + "\n" + ZOE + "\n").pupils) == 1

    def test_blank_lines_are_skipped_but_counted(self):
        data = roster("", ",,,,,,,,", "OAK-1,,Al,Bo,,2018-01-01,,2022-09-01,", "X,,,,,,,,")
        result = parse_roster(data)
        assert len(result.pupils) == 1
        assert result.rejected[0].line == 5

    def test_a_quoted_line_break_keeps_later_line_numbers_true(self):
        data = roster(
            'OAK-1,,"Al\nfie",Bo,,2018-01-01,,2022-09-01,', "OAK-2,,Al,,,2018-01-01,,2022-09-01,"
        )
        result = parse_roster(data)
        assert [r.line for r in result.rejected] == [2, 4]
        assert result.rejected[0].reason == "forename: contains control characters"

    def test_all_required_fields_missing_are_listed_together(self):
        row = rejection(",A123456789012,,,,,,,")
        assert row.reason == (
            "pupil_id: required; forename: required; surname: required; "
            "date_of_birth: required; on_roll_from: required"
        )

    def test_optional_fields_may_be_empty(self):
        pupil = parse_roster(roster("OAK-1,,Al,Bo,,2018-01-01,,2022-09-01,")).pupils[0]
        assert (pupil.upn, pupil.preferred_forename, pupil.postcode, pupil.on_roll_to) == (
            None,
            None,
            None,
            None,
        )

    def test_values_are_trimmed(self):
        pupil = parse_roster(roster(" OAK-1 , , Al , Bo ,, 2018-01-01 ,,2022-09-01,")).pupils[0]
        assert (pupil.pupil_id, pupil.forename, pupil.date_of_birth) == (
            "OAK-1",
            "Al",
            date(2018, 1, 1),
        )

    @pytest.mark.parametrize("uk_date", ["02/05/2018", "2018/05/02", "20180502", "2 May 2018"])
    def test_dates_must_be_iso(self, uk_date):
        row = rejection(f"OAK-1,,Al,Bo,,{uk_date},,2022-09-01,")
        assert row.reason == "date_of_birth: not a date in YYYY-MM-DD form"

    def test_a_leaving_date_before_the_joining_date_is_rejected(self):
        row = rejection("OAK-1,,Al,Bo,,2018-01-01,,2022-09-01,2022-08-31")
        assert row.reason == "on_roll_to: before on_roll_from"

    def test_joining_and_leaving_on_the_same_day_is_allowed(self):
        assert parse_roster(roster("OAK-1,,Al,Bo,,2018-01-01,,2022-09-01,2022-09-01")).pupils

    def test_the_second_occurrence_of_a_pupil_id_is_rejected(self):
        result = parse_roster(
            roster(
                "OAK-1,,Al,Bo,,2018-01-01,,2022-09-01,",
                "OAK-2,,Cy,Di,,2018-01-01,,2022-09-01,",
                "OAK-1,,Ed,Fi,,2018-01-01,,2022-09-01,",
            )
        )
        assert [p.forename for p in result.pupils] == ["Al", "Cy"]
        assert result.rejected == [RejectedRow(4, "pupil_id: duplicate of line 2")]

    @pytest.mark.parametrize(
        ("row", "reason"),
        [
            (f"{'X' * 65},,Al,Bo,,2018-01-01,,2022-09-01,", "pupil_id: longer than 64 characters"),
            (
                f"OAK-1,,Al,{'B' * 101},,2018-01-01,,2022-09-01,",
                "surname: longer than 100 characters",
            ),
            (
                f"OAK-1,,Al,Bo,{'C' * 101},2018-01-01,,2022-09-01,",
                "preferred_forename: longer than 100 characters",
            ),
            (
                "OAK 1,,Al,Bo,,2018-01-01,,2022-09-01,",
                "pupil_id: use only letters, digits and _ . : - (starting with a letter or digit)",
            ),
            ("OAK-1,,-,Bo,,2018-01-01,,2022-09-01,", "forename: must contain a letter"),
            ("OAK-1,,Al,Bo,,2018-01-01,WR1 1AA!,2022-09-01,", "postcode: not a postcode"),
            (
                "OAK-1,,Al,Bo,,2018-01-01,,2022-09-01,soon",
                "on_roll_to: not a date in YYYY-MM-DD form",
            ),
        ],
    )
    def test_field_limits(self, row, reason):
        assert rejection(row).reason == reason

    def test_names_at_the_limit_are_accepted(self):
        pupil = parse_roster(roster(f"{'X' * 64},,{'A' * 100},Bo,,2018-01-01,,2022-09-01,")).pupils
        assert len(pupil) == 1

    @pytest.mark.parametrize(
        ("given", "stored"),
        [("a123456789012", "A123456789012"), ("F56789012345g", "F56789012345G")],
    )
    def test_upns_are_upper_cased(self, given, stored):
        pupil = parse_roster(roster(f"OAK-1,{given},Al,Bo,,2018-01-01,,2022-09-01,")).pupils[0]
        assert pupil.upn == stored

    @pytest.mark.parametrize("upn", ["A12345678901", "112345678901A", "A1234567890-2"])
    def test_malformed_upns_are_rejected(self, upn):
        row = rejection(f"OAK-1,{upn},Al,Bo,,2018-01-01,,2022-09-01,")
        assert row.reason == "upn: must be 13 letters or digits starting with a letter"

    def test_several_problems_in_one_row_are_all_named(self):
        row = rejection("OAK-1,bad,Al,,,2018-13-01,,2022-09-01,")
        assert row.reason == (
            "upn: must be 13 letters or digits starting with a letter; surname: required; "
            "date_of_birth: not a real calendar date"
        )

    def test_a_bad_row_does_not_stop_later_good_rows(self):
        result = parse_roster(roster(",,,,,,,,x", ZOE))
        assert [p.pupil_id for p in result.pupils] == ["OAK-0001"]


class TestRollPeriod:
    pupil = RosterPupil(
        pupil_id="OAK-7",
        upn=None,
        forename="Jayden",
        surname="Clarke",
        preferred_forename=None,
        date_of_birth=date(2014, 6, 30),
        postcode=None,
        on_roll_from=date(2018, 9, 3),
        on_roll_to=date(2025, 7, 18),
    )

    @pytest.mark.parametrize(
        ("on", "expected"),
        [
            (date(2018, 9, 2), False),
            (date(2018, 9, 3), True),
            (date(2022, 1, 1), True),
            (date(2025, 7, 18), True),
            (date(2025, 7, 19), False),
        ],
    )
    def test_on_roll_from_the_first_to_the_last_day_inclusive(self, on, expected):
        assert is_on_roll(self.pupil, on) is expected

    def test_a_pupil_with_no_leaving_date_stays_on_roll(self):
        current = self.pupil.model_copy(update={"on_roll_to": None})
        assert is_on_roll(current, date(2040, 1, 1))
        assert not is_leaver(current, date(2040, 1, 1))

    @pytest.mark.parametrize(
        ("today", "expected"),
        [(date(2025, 7, 18), False), (date(2025, 7, 19), True)],
    )
    def test_a_leaver_is_one_whose_leaving_date_has_passed(self, today, expected):
        assert is_leaver(self.pupil, today) is expected
