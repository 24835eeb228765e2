"""`harbour deadline`: what a DSL or an engineer sees at the shell."""

from pathlib import Path

import pytest

from services.cli.main import main

CALENDAR = str(Path(__file__).parents[1] / "samples" / "calendar-2025-26.json")


def run(capsys, *args: str) -> tuple[int, str, str]:
    code = main(["deadline", *args])
    out, err = capsys.readouterr()
    return code, out, err


def test_prints_the_due_time_with_its_offset(capsys):
    code, out, err = run(
        capsys,
        "encompass-before-school",
        "--at",
        "2026-03-10T06:55:00+00:00",
        "--calendar",
        CALENDAR,
    )

    assert (code, out, err) == (0, "2026-03-10T08:45:00+00:00\n", "")


def test_prints_summer_time_with_plus_one(capsys):
    # Sunday 29 March 2026 the clocks went forward; 30 March is a pupil day before Easter.
    code, out, _ = run(
        capsys, "lado-referral", "--at", "2026-03-29T12:00:00+01:00", "--calendar", CALENDAR
    )

    assert (code, out) == (0, "2026-03-30T17:00:00+01:00\n")


def test_immediate_danger_shortens_dsl_triage(capsys):
    code, out, _ = run(
        capsys,
        "dsl-triage",
        "--at",
        "2026-03-10T10:00:00+00:00",
        "--calendar",
        CALENDAR,
        "--immediate-danger",
    )

    assert (code, out) == (0, "2026-03-10T10:15:00+00:00\n")


def test_file_transfer_takes_a_date(capsys):
    # Leaves Friday 6 March 2026 mid-term: 5th pupil day after is Friday 13 March.
    code, out, _ = run(capsys, "file-transfer", "--at", "2026-03-06", "--calendar", CALENDAR)

    assert (code, out) == (0, "2026-03-13T17:00:00+00:00\n")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["sooner-please", "--at", "2026-03-10T06:55:00+00:00"], "unknown rule"),
        (["dsl-triage", "--at", "yesterday"], "not a date-time"),
        (["dsl-triage", "--at", "2026-03-10T06:55:00"], "no UTC offset"),
        (["file-transfer", "--at", "06/03/2026"], "not a date (YYYY-MM-DD)"),
    ],
)
def test_bad_input_is_one_line_and_exit_2(capsys, args, message):
    code, out, err = run(capsys, *args, "--calendar", CALENDAR)

    assert code == 2
    assert out == ""
    assert message in err
    assert err.count("\n") == 1


def test_an_unreadable_calendar_is_exit_2(capsys, tmp_path):
    code, _, err = run(
        capsys,
        "dsl-triage",
        "--at",
        "2026-03-10T06:55:00+00:00",
        "--calendar",
        str(tmp_path / "missing.json"),
    )

    assert code == 2
    assert "cannot read calendar" in err


def test_an_invalid_calendar_is_exit_2(capsys, tmp_path):
    bad = tmp_path / "calendar.json"
    bad.write_text(
        '{"timezone": "Mars/Olympus", "school_day_starts": "08:45", "close_of_business": "17:00"}'
    )

    code, _, err = run(
        capsys, "dsl-triage", "--at", "2026-03-10T06:55:00+00:00", "--calendar", str(bad)
    )

    assert code == 2
    assert "timezone" in err
    assert err.count("\n") == 1


def test_a_moment_after_the_last_term_is_exit_3(capsys):
    code, out, err = run(
        capsys,
        "encompass-before-school",
        "--at",
        "2026-08-01T10:00:00+01:00",
        "--calendar",
        CALENDAR,
    )

    assert code == 3
    assert out == ""
    assert "calendar has no" in err


def test_missing_arguments_are_one_line_and_exit_2(capsys):
    with pytest.raises(SystemExit) as exited:
        main(["deadline", "dsl-triage"])
    _, err = capsys.readouterr()

    assert exited.value.code == 2
    assert err.count("\n") == 1
