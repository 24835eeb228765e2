"""`harbour deadline RULE --at WHEN --calendar FILE`: the statutory clock from the shell.

The same rules the case service applies (services.case.domain), not a copy. Exit codes:
0 printed the due time; 2 bad input; 3 the calendar ends before a due time can be found.
"""

from __future__ import annotations

import argparse
import json
from datetime import date, datetime
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from contracts.case_v1 import DeadlineRule
from services.case.domain.calendar import SchoolCalendar
from services.case.domain.deadline_rules import DATE_TRIGGERED_RULES, NoDueTime, compute_due
from services.cli.errors import CliError


def register(commands: Any) -> None:
    parser = commands.add_parser(
        "deadline",
        help="print when a statutory deadline falls due",
        description="Print the due time of RULE triggered at WHEN, in the calendar's zone.",
    )
    parser.add_argument("rule", metavar="RULE", help=", ".join(r.value for r in DeadlineRule))
    parser.add_argument(
        "--at",
        required=True,
        metavar="WHEN",
        help="ISO 8601 date-time with offset (a date for file-transfer)",
    )
    parser.add_argument("--calendar", required=True, type=Path, metavar="FILE")
    parser.add_argument(
        "--immediate-danger", action="store_true", help="dsl-triage: the 15-minute window"
    )
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    rule = _rule(args.rule)
    calendar = _calendar(args.calendar)
    trigger = _trigger(rule, args.at)
    try:
        due = compute_due(rule, trigger, calendar, immediate_danger=args.immediate_danger)
    except NoDueTime as exc:
        raise CliError(str(exc), exit_code=3) from None
    print(due.isoformat())
    return 0


def _rule(value: str) -> DeadlineRule:
    try:
        return DeadlineRule(value)
    except ValueError:
        known = ", ".join(r.value for r in DeadlineRule)
        raise CliError(f"unknown rule {value!r} (known: {known})") from None


def _calendar(path: Path) -> SchoolCalendar:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise CliError(f"cannot read calendar {path}: {exc.strerror}") from None
    except (ValueError, UnicodeDecodeError) as exc:
        raise CliError(f"calendar {path} is not valid JSON: {exc}") from None
    try:
        return SchoolCalendar.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        message = f"{where}: {first['msg']}" if where else first["msg"]
        raise CliError(f"invalid calendar {path}: {message}") from None


def _trigger(rule: DeadlineRule, value: str) -> datetime | date:
    if rule in DATE_TRIGGERED_RULES:
        try:
            return date.fromisoformat(value)
        except ValueError:
            pass
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        expected = "a date (YYYY-MM-DD)" if rule in DATE_TRIGGERED_RULES else "a date-time"
        raise CliError(f"--at {value!r} is not {expected} in ISO 8601 form") from None
    if moment.tzinfo is None:
        raise CliError(f"--at {value!r} has no UTC offset (e.g. 2026-03-10T06:55:00+00:00)")
    return moment
