"""Operation Encompass notifications: the webhook body, its fingerprints, and batch CSV.

Written from the point of view of a police sender (what is accepted, and what each
refusal says) and of Harbour recognising re-sends and amendments.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from pydantic import ValidationError

from services.intake.domain.encompass import (
    EncompassNotice,
    child_key,
    content_hash,
)
from services.intake.domain.encompass_batch import (
    BATCH_COLUMNS,
    MAX_BATCH_BYTES,
    MAX_BATCH_ROWS,
    BatchFormatError,
    BatchResult,
    BatchTooLarge,
    InvalidRow,
    ParsedRow,
    parse_batch,
)
from services.intake.domain.encompass_batch_rows import parse_date_of_birth, parse_present

SAMPLES = Path(__file__).parents[1] / "samples" / "encompass"
TODAY = date(2026, 3, 10)
CONTEXT = {"today": TODAY}
HEADER = ",".join(BATCH_COLUMNS)


def sample(name: str) -> dict[str, Any]:
    return json.loads((SAMPLES / name).read_text(encoding="utf-8"))


def notification(**changes: Any) -> EncompassNotice:
    data = sample("notification_single_child.json") | changes
    return EncompassNotice.model_validate(data, context=CONTEXT)


def with_child(**changes: Any) -> EncompassNotice:
    child = sample("notification_single_child.json")["children"][0] | changes
    return notification(children=[child])


def errors(**changes: Any) -> dict[str, str]:
    """Field path -> message for a body the webhook would answer with 422."""
    data = sample("notification_single_child.json") | changes
    with pytest.raises(ValidationError) as refused:
        EncompassNotice.model_validate(data, context=CONTEXT)
    return {".".join(map(str, e["loc"])): e["msg"] for e in refused.value.errors(include_url=False)}


def child_errors(**changes: Any) -> dict[str, str]:
    child = sample("notification_single_child.json")["children"][0] | changes
    return errors(children=[child])


def row(**values: str) -> str:
    defaults = {
        "police_reference": "22/140001/26",
        "force": "West Mercia Police",
        "incident_at": "2026-03-09T22:40:00+00:00",
        "notified_at": "2026-03-10T06:55:00+00:00",
        "child_forename": "Noah",
        "child_surname": "Hughes",
        "child_date_of_birth": "2018-03-12",
        "child_upn": "",
        "school_urn": "116789",
        "school_name": "Oakfield Primary School",
        "child_present": "no",
        "voice_of_child": "",
        "circumstances": "Argument between adults.",
        "police_action": "Words of advice.",
    } | values
    return ",".join(_csv_cell(defaults[column]) for column in BATCH_COLUMNS)


def _csv_cell(value: str) -> str:
    if any(ch in value for ch in ',"\n\r'):
        return '"' + value.replace('"', '""') + '"'
    return value


def batch(*rows: str, header: str = HEADER, newline: str = "\n") -> bytes:
    return (newline.join([header, *rows]) + newline).encode("utf-8")


def parse(data: bytes) -> list[ParsedRow | InvalidRow]:
    return list(parse_batch(data, today=TODAY).rows)


def invalid(result: BatchResult) -> list[InvalidRow]:
    return [row for row in result.rows if isinstance(row, InvalidRow)]


def notices(result: BatchResult) -> list[EncompassNotice]:
    """One notice per incident with at least one valid row, in file order."""
    return list({id(row.notice): row.notice for row in result.parsed}.values())


def reasons(data: bytes) -> dict[int, str]:
    return {r.line: r.reason for r in invalid(parse_batch(data, today=TODAY))}


# --- Webhook body -----------------------------------------------------------------


class TestWebhookBody:
    def test_the_sample_notification_is_accepted(self):
        n = EncompassNotice.model_validate_json(
            (SAMPLES / "notification_single_child.json").read_bytes(), context=CONTEXT
        )
        assert n.police_reference == "22/123456/26"
        assert n.force == "West Mercia Police"
        assert n.incident_date == date(2026, 3, 9)
        (zoe,) = n.children
        assert (zoe.forename, zoe.surname, zoe.date_of_birth) == (
            "Zoë",
            "O'Brien",
            date(2018, 5, 2),
        )
        assert (zoe.upn, zoe.school_urn, zoe.present) == (None, "116789", True)

    def test_siblings_at_two_schools_arrive_in_one_notification(self):
        n = EncompassNotice.model_validate(sample("notification_siblings.json"), context=CONTEXT)
        assert [(c.forename, c.school_urn) for c in n.children] == [
            ("Amelia", "116789"),
            ("Kai", "145210"),
        ]
        assert n.other_information is None

    def test_the_incident_date_is_the_date_in_england(self):
        # 23:30 UTC in June is 00:30 the next day in British Summer Time.
        n = notification(
            incident_at="2025-06-10T23:30:00+00:00", notified_at="2025-06-11T07:00:00+00:00"
        )
        assert n.incident_date == date(2025, 6, 11)

    def test_unknown_fields_are_refused(self):
        assert errors(officer="PC 1234") == {"officer": "Extra inputs are not permitted"}
        assert child_errors(nickname="Zo") == {
            "children.0.nickname": "Extra inputs are not permitted"
        }

    def test_times_without_a_utc_offset_are_refused(self):
        assert errors(incident_at="2026-03-09T22:40:00") == {
            "incident_at": "Input should have timezone info"
        }

    def test_a_time_given_as_a_number_is_refused(self):
        assert "notified_at" in errors(notified_at=1773125700)

    def test_an_incident_after_the_notification_is_refused(self):
        assert errors(incident_at="2026-03-10T07:00:00+00:00") == {
            "": "Value error, incident_at must not be after notified_at"
        }

    def test_a_date_of_birth_in_the_future_is_refused(self):
        assert child_errors(date_of_birth="2026-03-11") == {
            "children.0.date_of_birth": "Value error, must not be in the future"
        }

    def test_a_child_born_today_is_accepted(self):
        assert with_child(date_of_birth="2026-03-10").children[0].date_of_birth == TODAY

    @pytest.mark.parametrize("dob", ["02/05/2018", "20180502", 1525219200, "2018-02-30"])
    def test_dates_of_birth_in_json_must_be_iso(self, dob):
        assert "children.0.date_of_birth" in child_errors(date_of_birth=dob)

    def test_there_must_be_at_least_one_child(self):
        assert "children" in errors(children=[])

    def test_fifty_children_is_the_most_in_one_notification(self):
        base = sample("notification_single_child.json")["children"][0]
        children = [base | {"forename": f"Child{i:02}"} for i in range(51)]
        assert notification(children=children[:50]).children[49].forename == "Child49"
        assert "children" in errors(children=children)

    def test_the_same_child_twice_is_refused_but_twins_are_not(self):
        base = sample("notification_single_child.json")["children"][0]
        again = base | {"forename": "ZOE", "surname": "OBrien"}
        assert errors(children=[base, again]) == {
            "": "Value error, children: the same child is listed more than once"
        }
        twin = base | {"forename": "Ella"}
        assert len(notification(children=[base, twin]).children) == 2

    @pytest.mark.parametrize(
        ("field", "limit"),
        [
            ("police_reference", 64),
            ("force", 100),
            ("circumstances", 10_000),
            ("police_action", 10_000),
            ("location", 10_000),
            ("other_information", 10_000),
        ],
    )
    def test_incident_text_length_limits(self, field, limit):
        assert getattr(notification(**{field: "x" * limit}), field) == "x" * limit
        assert field in errors(**{field: "x" * (limit + 1)})

    @pytest.mark.parametrize(
        ("field", "limit"),
        [("forename", 100), ("surname", 100), ("school_name", 200), ("voice_of_child", 10_000)],
    )
    def test_child_text_length_limits(self, field, limit):
        assert getattr(with_child(**{field: "x" * limit}).children[0], field) == "x" * limit
        assert f"children.0.{field}" in child_errors(**{field: "x" * (limit + 1)})

    def test_free_text_may_span_lines_but_names_may_not(self):
        n = notification(circumstances="First line.\nSecond line.")
        assert n.circumstances == "First line.\nSecond line."
        assert child_errors(forename="Zo\në") == {
            "children.0.forename": "Value error, must not contain control characters or line breaks"
        }

    def test_blank_optional_text_is_stored_as_absent(self):
        n = notification(location="  ", police_action="")
        assert (n.location, n.police_action) == (None, None)

    def test_required_identifiers_may_not_be_blank(self):
        assert set(errors(police_reference=" ", force="")) == {"police_reference", "force"}
        assert set(child_errors(forename="", surname="'")) == {
            "children.0.forename",
            "children.0.surname",
        }

    @pytest.mark.parametrize("urn", ["116789", "1167890", " 116789 "])
    def test_a_urn_has_six_digits_or_seven(self, urn):
        assert with_child(school_urn=urn).children[0].school_urn == urn.strip()

    @pytest.mark.parametrize("urn", ["11678", "11678901", "URN116789", "116 789"])
    def test_anything_else_is_not_a_urn(self, urn):
        assert child_errors(school_urn=urn) == {
            "children.0.school_urn": "Value error, must be a DfE URN (6 digits)"
        }

    def test_a_child_need_not_have_a_urn_or_upn(self):
        child = with_child(school_urn=None, upn="").children[0]
        assert (child.school_urn, child.upn) == (None, None)

    def test_a_upn_is_upper_cased_and_checked(self):
        assert with_child(upn="a123456789012").children[0].upn == "A123456789012"
        assert "children.0.upn" in child_errors(upn="A1234")

    def test_present_must_be_a_json_boolean(self):
        assert with_child(present=False).children[0].present is False
        assert with_child(present=None).children[0].present is None
        assert "children.0.present" in child_errors(present="yes")

    def test_the_models_are_immutable(self):
        n = notification()
        with pytest.raises(ValidationError):
            n.force = "Another Force"  # type: ignore[misc]


# --- Fingerprints ------------------------------------------------------------------


def fingerprint(n: EncompassNotice, index: int = 0) -> tuple[str, str]:
    child = n.children[index]
    return child_key(n.force, n.police_reference, child), content_hash(n, child)


def status(previous: tuple[str, str], current: tuple[str, str]) -> str:
    """What the intake endpoint concludes from a stored and a received fingerprint."""
    if previous[0] != current[0]:
        return "new"
    return "duplicate" if previous[1] == current[1] else "amended"


class TestFingerprints:
    def test_an_identical_resend_is_a_duplicate(self):
        assert status(fingerprint(notification()), fingerprint(notification())) == "duplicate"

    def test_a_resend_later_with_the_same_content_is_a_duplicate(self):
        resent = notification(notified_at="2026-03-10T08:30:00+00:00")
        assert status(fingerprint(notification()), fingerprint(resent)) == "duplicate"

    def test_the_same_instant_in_another_offset_is_a_duplicate(self):
        resent = notification(incident_at="2026-03-09T23:40:00+01:00")
        assert status(fingerprint(notification()), fingerprint(resent)) == "duplicate"

    def test_a_resend_spelling_names_and_reference_differently_is_the_same_child(self):
        resent = notification(force="WEST MERCIA POLICE", police_reference=" 22/123456/26 ")
        resent = resent.model_copy(
            update={"children": (resent.children[0].model_copy(update={"surname": "O’Brien"}),)}
        )
        assert fingerprint(resent)[0] == fingerprint(notification())[0]

    def test_composed_and_decomposed_accents_are_the_same_content(self):
        decomposed = with_child(forename="Zoe\u0308")
        assert status(fingerprint(notification()), fingerprint(decomposed)) == "duplicate"

    @pytest.mark.parametrize(
        "change",
        [
            {"circumstances": "Updated: the adult male was released on bail."},
            {"police_action": "Released on bail with conditions."},
            {"location": "grandparents' address"},
            {"other_information": "Children now staying with grandparents."},
            {"incident_at": "2026-03-09T21:40:00+00:00"},
        ],
    )
    def test_changed_incident_details_are_an_amendment(self, change):
        assert status(fingerprint(notification()), fingerprint(notification(**change))) == "amended"

    @pytest.mark.parametrize(
        "change",
        [
            {"upn": "A123456789012"},
            {"school_urn": "145210"},
            {"school_name": "Oakfield Primary"},
            {"present": False},
            {"voice_of_child": "Zoë said she was fine."},
            {"forename": "Zoe"},  # a spelling correction: same child, new content
        ],
    )
    def test_changed_child_details_are_an_amendment(self, change):
        assert status(fingerprint(notification()), fingerprint(with_child(**change))) == "amended"

    @pytest.mark.parametrize(
        "change",
        [{"forename": "Alfie"}, {"surname": "Brien"}, {"date_of_birth": "2018-05-03"}],
    )
    def test_another_name_or_date_of_birth_is_another_child(self, change):
        assert status(fingerprint(notification()), fingerprint(with_child(**change))) == "new"

    @pytest.mark.parametrize(
        "change", [{"police_reference": "22/123457/26"}, {"force": "Warwickshire Police"}]
    )
    def test_the_same_child_in_another_incident_is_new(self, change):
        assert status(fingerprint(notification()), fingerprint(notification(**change))) == "new"

    def test_adding_a_sibling_does_not_amend_the_first_child(self):
        zoe = sample("notification_single_child.json")["children"][0]
        alfie = zoe | {"forename": "Alfie", "date_of_birth": "2016-01-31"}
        both = notification(children=[zoe, alfie])
        assert status(fingerprint(notification()), fingerprint(both, 0)) == "duplicate"

    def test_a_child_sent_by_webhook_and_again_by_batch_is_the_same_child(self):
        webhook = notification()
        parsed = parse_batch((SAMPLES / "batch_mixed.csv").read_bytes(), today=TODAY).parsed[0]
        assert child_key(webhook.force, webhook.police_reference, webhook.children[0]) == (
            child_key(parsed.notice.force, parsed.notice.police_reference, parsed.child)
        )

    def test_fingerprints_are_sha256_hex(self):
        key, digest = fingerprint(notification())
        assert len(key) == len(digest) == 64
        assert int(key, 16) >= 0 and int(digest, 16) >= 0


# --- Batch CSV ---------------------------------------------------------------------


class TestBatchSample:
    def test_each_row_of_the_sample_has_an_outcome_with_its_line(self):
        rows = parse((SAMPLES / "batch_mixed.csv").read_bytes())
        assert [(r.line, r.outcome) for r in rows] == [
            (2, "parsed"),
            (3, "parsed"),
            (4, "parsed"),
            (5, "parsed"),
            (6, "invalid"),
            (7, "invalid"),
            (8, "invalid"),
            (9, "invalid"),
            (10, "parsed"),
        ]

    def test_invalid_rows_name_the_column_at_fault(self):
        assert reasons((SAMPLES / "batch_mixed.csv").read_bytes()) == {
            6: "child_date_of_birth: not a date in YYYY-MM-DD or DD/MM/YYYY form",
            7: "incident_at: not an ISO 8601 date-time with a UTC offset, "
            "e.g. 2026-03-09T22:40:00+00:00",
            8: "child_present: must be true/false, yes/no or y/n",
            9: "child_surname: required",
        }

    def test_uk_dates_of_birth_are_read_day_first(self):
        parsed = parse_batch((SAMPLES / "batch_mixed.csv").read_bytes(), today=TODAY).parsed
        born = {r.child.forename: r.child.date_of_birth for r in parsed}
        assert born == {
            "Zoë": date(2018, 5, 2),
            "Alfie": date(2016, 1, 31),
            "Amelia": date(2017, 11, 14),
            "Kai": date(2013, 4, 22),
            "Seun": date(2019, 2, 20),
        }

    def test_rows_with_the_same_force_and_reference_are_one_incident(self):
        result = parse_batch((SAMPLES / "batch_mixed.csv").read_bytes(), today=TODAY)
        incidents = {n.police_reference: [c.forename for c in n.children] for n in notices(result)}
        assert incidents == {
            "22/123456/26": ["Zoë", "Alfie"],
            "22/130001/26": ["Amelia", "Kai"],
            "22/130081/26": ["Seun"],
        }
        amelia, kai = result.parsed[2], result.parsed[3]
        assert amelia.notice is kai.notice
        assert (amelia.child.school_urn, kai.child.school_urn) == ("116789", "145210")
        assert kai.child.voice_of_child == 'Kai said "it happens every weekend".'
        assert kai.child.present is True and amelia.child.present is False

    def test_a_file_missing_columns_is_refused_naming_them(self):
        with pytest.raises(BatchFormatError) as refused:
            parse_batch((SAMPLES / "batch_missing_columns.csv").read_bytes(), today=TODAY)
        assert "missing columns: child_date_of_birth, school_urn" in str(refused.value)


class TestBatchRows:
    @pytest.mark.parametrize(
        ("text", "born"),
        [
            ("2018-05-02", date(2018, 5, 2)),
            ("02/05/2018", date(2018, 5, 2)),
            ("2/5/2018", date(2018, 5, 2)),
            ("31/01/2016", date(2016, 1, 31)),
        ],
    )
    def test_dates_of_birth_in_either_form(self, text, born):
        assert parse_date_of_birth(text) == born
        (parsed,) = parse(batch(row(child_date_of_birth=text)))
        assert isinstance(parsed, ParsedRow)
        assert parsed.child.date_of_birth == born

    @pytest.mark.parametrize(
        ("text", "reason"),
        [
            ("01/31/2016", "not a real calendar date"),
            ("30/02/2018", "not a real calendar date"),
            ("02/05/18", "not a date in YYYY-MM-DD or DD/MM/YYYY form"),
            ("2018/05/02", "not a date in YYYY-MM-DD or DD/MM/YYYY form"),
            ("02-05-2018", "not a date in YYYY-MM-DD or DD/MM/YYYY form"),
            ("2 May 2018", "not a date in YYYY-MM-DD or DD/MM/YYYY form"),
        ],
    )
    def test_other_date_forms_are_refused(self, text, reason):
        assert reasons(batch(row(child_date_of_birth=text))) == {
            2: f"child_date_of_birth: {reason}"
        }

    def test_a_date_of_birth_in_the_future_is_refused(self):
        assert reasons(batch(row(child_date_of_birth="11/03/2026"))) == {
            2: "child_date_of_birth: must not be in the future"
        }

    @pytest.mark.parametrize(
        ("text", "present"),
        [
            ("true", True),
            ("TRUE", True),
            ("Yes", True),
            ("y", True),
            ("false", False),
            ("No", False),
            ("N", False),
            ("", None),
        ],
    )
    def test_child_present_answers(self, text, present):
        assert parse_present(text) is present
        (parsed,) = parse(batch(row(child_present=text)))
        assert isinstance(parsed, ParsedRow)
        assert parsed.child.present is present

    def test_invalid_rows_never_stop_valid_ones(self):
        data = batch(
            row(child_forename="Noah"),
            row(child_forename="", child_surname="Patel"),
            row(child_forename="Ruby", child_surname="Patel", child_date_of_birth="10/10/2018"),
            row(school_urn="ABC"),
            row(child_forename="Rosie", child_surname="Patel", child_date_of_birth="2018-10-10"),
        )
        result = parse_batch(data, today=TODAY)
        assert [r.line for r in result.parsed] == [2, 4, 6]
        assert {r.line: r.reason for r in invalid(result)} == {
            3: "child_forename: required",
            5: "school_urn: must be a DfE URN (6 digits)",
        }
        assert [c.forename for c in result.parsed[0].notice.children] == [
            "Noah",
            "Ruby",
            "Rosie",
        ]

    def test_every_problem_in_a_row_is_named(self):
        data = batch(
            row(
                police_reference="",
                notified_at="yesterday",
                child_forename="",
                child_date_of_birth="02/05/18",
                child_upn="12",
                child_present="maybe",
            )
        )
        assert reasons(data)[2].split("; ") == [
            "police_reference: required",
            "child_forename: required",
            "child_date_of_birth: not a date in YYYY-MM-DD or DD/MM/YYYY form",
            "child_present: must be true/false, yes/no or y/n",
            "child_upn: must be 13 letters or digits starting with a letter",
            "notified_at: not an ISO 8601 date-time with a UTC offset, "
            "e.g. 2026-03-09T22:40:00+00:00",
        ]

    def test_an_over_long_field_is_named(self):
        assert reasons(batch(row(circumstances="x" * 10_001))) == {
            2: "circumstances: String should have at most 10000 characters"
        }

    def test_an_incident_after_its_notification_is_refused(self):
        assert reasons(batch(row(incident_at="2026-03-10T07:00:00+00:00"))) == {
            2: "incident_at must not be after notified_at"
        }

    def test_a_row_with_the_wrong_number_of_fields_is_refused(self):
        assert reasons(batch(row() + ",extra", "a,b")) == {
            2: "row has 15 fields but the header has 14",
            3: "row has 2 fields but the header has 14",
        }

    def test_rows_of_one_incident_must_agree_on_what_happened(self):
        data = batch(
            row(child_forename="Noah"),
            row(
                child_forename="Isla",
                circumstances="Something else.",
                incident_at="2026-03-09T21:00:00Z",
            ),
        )
        assert reasons(data) == {
            3: "incident_at: differs from line 2, which has the same force and police_reference; "
            "circumstances: differs from line 2, which has the same force and police_reference"
        }

    def test_rows_of_one_incident_are_grouped_despite_case_and_spacing(self):
        data = batch(
            row(child_forename="Noah"),
            row(
                child_forename="Isla", force="WEST MERCIA POLICE", police_reference="22/140001/26 "
            ),
        )
        (notification,) = notices(parse_batch(data, today=TODAY))
        assert [c.forename for c in notification.children] == ["Noah", "Isla"]

    def test_the_earliest_notified_at_of_an_incident_is_kept(self):
        data = batch(
            row(child_forename="Noah", notified_at="2026-03-10T07:00:00+00:00"),
            row(child_forename="Isla", notified_at="2026-03-10T06:30:00+00:00"),
        )
        (notification,) = notices(parse_batch(data, today=TODAY))
        assert notification.notified_at.isoformat() == "2026-03-10T06:30:00+00:00"

    def test_the_same_child_twice_in_one_incident_is_refused(self):
        data = batch(row(child_forename="Zoë"), row(child_forename="ZOE"))
        assert reasons(data) == {
            3: "child_forename, child_surname, child_date_of_birth: "
            "the same child is already on line 2 for this police_reference"
        }

    def test_the_same_child_in_two_incidents_is_two_notifications(self):
        data = batch(row(), row(police_reference="22/140002/26"))
        assert len(notices(parse_batch(data, today=TODAY))) == 2

    def test_at_most_fifty_children_per_incident(self):
        data = batch(*(row(child_forename=f"Child{i:02}") for i in range(51)))
        result = parse_batch(data, today=TODAY)
        assert len(result.parsed) == 50
        assert {r.line: r.reason for r in invalid(result)} == {
            52: "police_reference: more than 50 children"
        }

    def test_empty_optional_columns_are_absent(self):
        (parsed,) = parse(
            batch(row(school_urn="", school_name="", voice_of_child="", police_action=""))
        )
        assert isinstance(parsed, ParsedRow)
        assert (parsed.child.school_urn, parsed.child.school_name, parsed.child.voice_of_child) == (
            None,
            None,
            None,
        )
        assert parsed.notice.police_action is None

    def test_quoted_commas_quotes_and_line_breaks_are_kept(self):
        voice = 'She said "Daddy shouted, then left".\nShe wants to stay at Nan\'s.'
        data = batch(row(voice_of_child=voice), row(child_forename="Isla"))
        rows = parse(data)
        assert isinstance(rows[0], ParsedRow)
        assert rows[0].child.voice_of_child == voice
        assert rows[1].line == 4  # the quoted line break occupies line 3


class TestBatchFile:
    def test_bom_and_crlf_line_endings(self):
        data = b"\xef\xbb\xbf" + batch(row(), row(child_forename="Isla"), newline="\r\n")
        assert [(r.line, r.outcome) for r in parse(data)] == [(2, "parsed"), (3, "parsed")]

    def test_blank_lines_are_not_rows_but_keep_line_numbers(self):
        data = batch("", row(), "," * 13, row(child_forename="Isla"))
        assert [r.line for r in parse(data)] == [3, 5]

    def test_a_header_alone_is_an_empty_batch(self):
        assert parse(batch()) == []

    def test_column_order_and_header_case_do_not_matter(self):
        columns = list(reversed(BATCH_COLUMNS))
        values = dict(zip(BATCH_COLUMNS, row().split(","), strict=True))
        data = batch(",".join(values[c] for c in columns), header=",".join(columns).upper())
        (parsed,) = parse(data)
        assert isinstance(parsed, ParsedRow)
        assert parsed.child.forename == "Noah"

    def test_unexpected_columns_are_refused_rather_than_dropped(self):
        with pytest.raises(BatchFormatError, match="unexpected columns: 'officer_notes'"):
            parse_batch(batch(header=HEADER + ",officer_notes"), today=TODAY)

    def test_repeated_columns_are_refused(self):
        with pytest.raises(BatchFormatError, match="repeated columns: force"):
            parse_batch(batch(header=HEADER + ",force"), today=TODAY)

    def test_an_empty_file_is_refused(self):
        with pytest.raises(BatchFormatError, match="empty"):
            parse_batch(b"", today=TODAY)

    def test_a_file_that_is_not_utf8_is_refused(self):
        with pytest.raises(BatchFormatError, match="not UTF-8"):
            parse_batch(batch(row(child_forename="Zoë")).decode().encode("cp1252"), today=TODAY)

    def test_text_input_is_accepted(self):
        assert len(parse_batch("\ufeff" + batch(row()).decode(), today=TODAY).parsed) == 1

    def test_ten_thousand_rows_are_accepted(self):
        one = row() + "\n"
        data = batch() + b"".join(
            one.replace("22/140001/26", f"22/{i:06}/26").encode() for i in range(MAX_BATCH_ROWS)
        )
        assert len(parse_batch(data, today=TODAY).parsed) == MAX_BATCH_ROWS

    def test_more_than_ten_thousand_rows_is_too_large(self):
        data = batch(*[row()] * (MAX_BATCH_ROWS + 1))
        with pytest.raises(BatchTooLarge, match="more than 10000 rows"):
            parse_batch(data, today=TODAY)

    def test_more_than_five_mib_is_too_large_before_anything_is_read(self):
        data = b"\xff" * (MAX_BATCH_BYTES + 1)  # not even UTF-8: size is checked first
        with pytest.raises(BatchTooLarge, match="5 MiB"):
            parse_batch(data, today=TODAY)

    def test_exactly_five_mib_is_not_too_large(self):
        data = batch(row())
        data += b"\n" * (MAX_BATCH_BYTES - len(data))
        assert len(parse_batch(data, today=TODAY).parsed) == 1
