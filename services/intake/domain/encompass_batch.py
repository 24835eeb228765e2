"""Batch CSV of Operation Encompass notices: one row per child.

Forces without a webhook integration upload a CSV. Each row is judged on its own so
that one bad row never holds up the notices about other children: the result
has one outcome per data row, with the line number a police user can find in their
spreadsheet. Rows with the same force and police reference are one incident, and
share one `EncompassNotice` listing all of that incident's valid children (each row is
read by `encompass_batch_rows`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any, Literal

from services.intake.domain import csv_files
from services.intake.domain.encompass import (
    MAX_CHILDREN,
    EncompassNotice,
    NotifiedChild,
    incident_key,
)
from services.intake.domain.encompass_batch_rows import (
    BATCH_COLUMNS,
    InvalidRow,
    ValidRow,
    parse_row,
)
from services.intake.domain.names import normalise_name

MAX_BATCH_BYTES = 5 * 1024 * 1024
MAX_BATCH_ROWS = 10_000
# What a school reads about the incident; rows of one incident must agree on it.
# notified_at may differ between rows (rows exported at different times).
_SHARED_FIELDS = ("incident_at", "circumstances", "police_action")


class BatchTooLarge(Exception):
    """The upload exceeds the size or row limit; nothing in it was processed."""


class BatchFormatError(ValueError):
    """The file as a whole cannot be read as a batch (encoding, header)."""


@dataclass(frozen=True)
class ParsedRow:
    line: int
    notice: EncompassNotice
    child: NotifiedChild
    outcome: Literal["parsed"] = "parsed"


BatchRow = ParsedRow | InvalidRow


@dataclass(frozen=True)
class BatchResult:
    rows: tuple[BatchRow, ...]

    @property
    def parsed(self) -> tuple[ParsedRow, ...]:
        return tuple(row for row in self.rows if isinstance(row, ParsedRow))


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
    outcomes: list[InvalidRow | ValidRow] = []
    for line, values in rows:
        if len(values) != len(columns):
            reason = f"row has {len(values)} fields but the header has {len(columns)}"
            outcomes.append(InvalidRow(line, reason))
            continue
        row = dict(zip(columns, (value.strip() for value in values), strict=True))
        outcomes.append(parse_row(line, row, context))
    return BatchResult(rows=_group(outcomes, context))


@dataclass
class _Incident:
    first: ValidRow
    members: list[ValidRow] = field(default_factory=list)
    child_lines: dict[tuple[str, str, date], int] = field(default_factory=dict)


def _group(
    outcomes: list[InvalidRow | ValidRow], context: dict[str, Any] | None
) -> tuple[BatchRow, ...]:
    incidents: dict[tuple[str, str], _Incident] = {}
    judged: list[InvalidRow | ValidRow] = []
    for outcome in outcomes:
        if isinstance(outcome, ValidRow):
            outcome = _join(incidents, outcome)
        judged.append(outcome)

    notices = {key: _combine(incident, context) for key, incident in incidents.items()}
    result: list[BatchRow] = []
    for outcome in judged:
        if isinstance(outcome, InvalidRow):
            result.append(outcome)
        else:
            key = incident_key(outcome.incident.force, outcome.incident.police_reference)
            result.append(ParsedRow(outcome.line, notices[key], outcome.child))
    return tuple(result)


def _join(incidents: dict[tuple[str, str], _Incident], row: ValidRow) -> InvalidRow | ValidRow:
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


def _combine(incident: _Incident, context: dict[str, Any] | None) -> EncompassNotice:
    fields = incident.first.incident.model_dump(exclude={"children"})
    # The earliest time counts: it is when the police first told anyone.
    fields["notified_at"] = min(member.incident.notified_at for member in incident.members)
    fields["children"] = [member.child for member in incident.members]
    return EncompassNotice.model_validate(fields, context=context)
