"""Batch CSV of Operation Encompass notifications: one row per child.

Forces without a webhook integration upload a CSV. Each row is judged on its own so
that one bad row never holds up the notifications about other children: the result
has one outcome per data row, with the line number a police user can find in their
spreadsheet. Rows with the same force and police reference are one incident, and
share one `EncompassNotification` listing all of that incident's valid children.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Literal

from pydantic import ValidationError

from services.intake.domain import csv_files
from services.intake.domain.encompass import (
    MAX_CHILDREN,
    EncompassNotification,
    NotifiedChild,
    incident_key,
)
from services.intake.domain.names import normalise_name

BATCH_COLUMNS: tuple[str, ...] = (
    "police_reference",
    "force",
    "incident_at",
    "notified_at",
    "child_forename",
    "child_surname",
    "child_date_of_birth",
    "child_upn",
    "school_urn",
    "school_name",
    "child_present",
    "voice_of_child",
    "circumstances",
    "police_action",
)
MAX_BATCH_BYTES = 5 * 1024 * 1024
MAX_BATCH_ROWS = 10_000

_REQUIRED = frozenset(
    {
        "police_reference",
        "force",
        "incident_at",
        "notified_at",
        "child_forename",
        "child_surname",
        "child_date_of_birth",
    }
)
# Model field -> CSV column, so every reason names what the sender sees.
_CHILD_COLUMNS = {
    "forename": "child_forename",
    "surname": "child_surname",
    "date_of_birth": "child_date_of_birth",
    "upn": "child_upn",
    "school_urn": "school_urn",
    "school_name": "school_name",
    "present": "child_present",
    "voice_of_child": "voice_of_child",
}
_INCIDENT_COLUMNS = {
    "police_reference": "police_reference",
    "force": "force",
    "incident_at": "incident_at",
    "notified_at": "notified_at",
    "circumstances": "circumstances",
    "police_action": "police_action",
}
# What a school reads about the incident; rows of one incident must agree on it.
# notified_at may differ between rows (rows exported at different times).
_SHARED_FIELDS = ("incident_at", "circumstances", "police_action")

_ISO_DATE = re.compile(r"(\d{4})-(\d{2})-(\d{2})")
_UK_DATE = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4})")
_YES = frozenset({"true", "yes", "y"})
_NO = frozenset({"false", "no", "n"})
_DATETIME_HINT = "not an ISO 8601 date-time with a UTC offset, e.g. 2026-03-09T22:40:00+00:00"


class BatchTooLarge(Exception):
    """The upload exceeds the size or row limit; nothing in it was processed."""


class BatchFormatError(ValueError):
    """The file as a whole cannot be read as a batch (encoding, header)."""


@dataclass(frozen=True)
class ParsedRow:
    line: int
    notification: EncompassNotification
    child: NotifiedChild
    outcome: Literal["parsed"] = "parsed"


@dataclass(frozen=True)
class InvalidRow:
    line: int
    reason: str
    outcome: Literal["invalid"] = "invalid"


BatchRow = ParsedRow | InvalidRow


@dataclass(frozen=True)
class BatchResult:
    rows: tuple[BatchRow, ...]

    @property
    def parsed(self) -> tuple[ParsedRow, ...]:
        return tuple(row for row in self.rows if isinstance(row, ParsedRow))

    @property
    def invalid(self) -> tuple[InvalidRow, ...]:
        return tuple(row for row in self.rows if isinstance(row, InvalidRow))

    @property
    def notifications(self) -> tuple[EncompassNotification, ...]:
        """One notification per incident with at least one valid row, in file order."""
        unique = {id(row.notification): row.notification for row in self.parsed}
        return tuple(unique.values())


def parse_batch(data: bytes | str, *, today: date | None = None) -> BatchResult:
    """Parse a batch CSV into one outcome per data row, in file order.

    `today` (in England) bounds dates of birth; it defaults to the current date.

    Raises BatchTooLarge over MAX_BATCH_BYTES or MAX_BATCH_ROWS data rows, and
    BatchFormatError for a file that is not UTF-8 or whose header is wrong.
    """
    raw = data.encode("utf-8") if isinstance(data, str) else data
    if len(raw) > MAX_BATCH_BYTES:
        raise BatchTooLarge(
            f"the file is {len(raw)} bytes; the limit is {MAX_BATCH_BYTES} bytes (5 MiB)"
        )
    records = csv_files.records(csv_files.decode(raw, BatchFormatError), BatchFormatError)
    columns = csv_files.header_columns(records, BATCH_COLUMNS, BatchFormatError)

    rows: list[tuple[int, list[str]]] = []
    for record in records:
        if len(rows) == MAX_BATCH_ROWS:
            raise BatchTooLarge(f"the file has more than {MAX_BATCH_ROWS} rows; split it")
        rows.append(record)

    context = {"today": today} if today else None
    outcomes: list[InvalidRow | _Valid] = []
    for line, values in rows:
        if len(values) != len(columns):
            reason = f"row has {len(values)} fields but the header has {len(columns)}"
            outcomes.append(InvalidRow(line, reason))
            continue
        row = dict(zip(columns, (value.strip() for value in values), strict=True))
        outcomes.append(_parse_row(line, row, context))
    return BatchResult(rows=_group(outcomes, context))


@dataclass(frozen=True)
class _Valid:
    line: int
    incident: EncompassNotification  # this row's incident fields, with this child only
    child: NotifiedChild


@dataclass
class _Incident:
    first: _Valid
    members: list[_Valid] = field(default_factory=list)
    child_lines: dict[tuple[str, str, date], int] = field(default_factory=dict)


def _group(
    outcomes: list[InvalidRow | _Valid], context: dict[str, Any] | None
) -> tuple[BatchRow, ...]:
    incidents: dict[tuple[str, str], _Incident] = {}
    judged: list[InvalidRow | _Valid] = []
    for outcome in outcomes:
        if isinstance(outcome, _Valid):
            outcome = _join(incidents, outcome)
        judged.append(outcome)

    notifications = {key: _combine(incident, context) for key, incident in incidents.items()}
    result: list[BatchRow] = []
    for outcome in judged:
        if isinstance(outcome, InvalidRow):
            result.append(outcome)
        else:
            key = incident_key(outcome.incident.force, outcome.incident.police_reference)
            result.append(ParsedRow(outcome.line, notifications[key], outcome.child))
    return tuple(result)


def _join(incidents: dict[tuple[str, str], _Incident], row: _Valid) -> InvalidRow | _Valid:
    """Add a valid row to its incident, or say why it conflicts with earlier rows."""
    key = incident_key(row.incident.force, row.incident.police_reference)
    incident = incidents.setdefault(key, _Incident(first=row))
    first = incident.first
    differing = [
        name
        for name in _SHARED_FIELDS
        if getattr(row.incident, name) != getattr(first.incident, name)
    ]
    if differing:
        return InvalidRow(
            row.line,
            "; ".join(
                f"{name}: differs from line {first.line}, which has the same force and "
                "police_reference"
                for name in differing
            ),
        )
    identity = (
        normalise_name(row.child.forename),
        normalise_name(row.child.surname),
        row.child.date_of_birth,
    )
    if identity in incident.child_lines:
        return InvalidRow(
            row.line,
            "child_forename, child_surname, child_date_of_birth: the same child is already "
            f"on line {incident.child_lines[identity]} for this police_reference",
        )
    if len(incident.members) == MAX_CHILDREN:
        return InvalidRow(row.line, f"police_reference: more than {MAX_CHILDREN} children")
    incident.child_lines[identity] = row.line
    incident.members.append(row)
    return row


def _combine(incident: _Incident, context: dict[str, Any] | None) -> EncompassNotification:
    fields = incident.first.incident.model_dump(exclude={"children"})
    # The earliest time counts: it is when the police first told anyone.
    fields["notified_at"] = min(member.incident.notified_at for member in incident.members)
    fields["children"] = [member.child for member in incident.members]
    return EncompassNotification.model_validate(fields, context=context)


def _parse_row(
    line: int, row: dict[str, str], context: dict[str, Any] | None
) -> InvalidRow | _Valid:
    errors: list[str] = []
    reported: set[str] = set()

    def fail(column: str, message: str) -> None:
        errors.append(f"{column}: {message}")
        reported.add(column)

    for column in BATCH_COLUMNS:
        if column in _REQUIRED and not row[column]:
            fail(column, "required")

    child_data: dict[str, Any] = {
        field_name: row[column] or None
        for field_name, column in _CHILD_COLUMNS.items()
        if column not in reported
    }
    if "child_date_of_birth" not in reported:
        try:
            child_data["date_of_birth"] = parse_date_of_birth(row["child_date_of_birth"])
        except ValueError as exc:
            fail("child_date_of_birth", str(exc))
            del child_data["date_of_birth"]
    try:
        child_data["present"] = parse_present(row["child_present"])
    except ValueError as exc:
        fail("child_present", str(exc))
        del child_data["present"]

    child: NotifiedChild | None = None
    try:
        child = NotifiedChild.model_validate(child_data, context=context)
    except ValidationError as exc:
        errors.extend(_reasons(exc, _CHILD_COLUMNS, reported))

    incident_data: dict[str, Any] = {
        field_name: row[column] or None
        for field_name, column in _INCIDENT_COLUMNS.items()
        if column not in reported
    }
    incident: EncompassNotification | None = None
    if child is not None:
        incident_data["children"] = [child]
    try:
        incident = EncompassNotification.model_validate(incident_data, context=context)
    except ValidationError as exc:
        errors.extend(_reasons(exc, _INCIDENT_COLUMNS, reported))

    if errors or child is None or incident is None:
        return InvalidRow(line, "; ".join(errors) or "invalid row")
    return _Valid(line, incident, child)


def _reasons(exc: ValidationError, columns: dict[str, str], reported: set[str]) -> list[str]:
    reasons = []
    for error in exc.errors(include_input=False, include_url=False):
        loc = error["loc"]
        name = str(loc[0]) if loc else ""
        if name == "children":
            continue  # the child's own validation reports these, under child_ columns
        column = columns.get(name)
        if column in reported:
            continue  # already reported, e.g. as "required"
        message = error["msg"].removeprefix("Value error, ")
        if error["type"].startswith(("datetime", "timezone")):
            message = _DATETIME_HINT
        reasons.append(f"{column}: {message}" if column else message)
    return reasons


def parse_date_of_birth(value: str) -> date:
    """Accept YYYY-MM-DD or the UK form DD/MM/YYYY (never the US MM/DD/YYYY)."""
    if iso := _ISO_DATE.fullmatch(value):
        year, month, day = iso.groups()
    elif uk := _UK_DATE.fullmatch(value):
        day, month, year = uk.groups()
    else:
        raise ValueError("not a date in YYYY-MM-DD or DD/MM/YYYY form")
    try:
        return date(int(year), int(month), int(day))
    except ValueError:
        raise ValueError("not a real calendar date") from None


def parse_present(value: str) -> bool | None:
    """Whether the child was present at the incident; blank means not recorded."""
    answer = value.strip().lower()
    if not answer:
        return None
    if answer in _YES:
        return True
    if answer in _NO:
        return False
    raise ValueError("must be true/false, yes/no or y/n")
