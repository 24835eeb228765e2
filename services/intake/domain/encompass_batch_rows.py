"""One row of an Operation Encompass batch CSV: a child and their incident, or every reason
the row cannot be used, each naming the column the police sender sees in the file."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import Any, Literal

from pydantic import ValidationError

from services.intake.domain.encompass import EncompassNotice, NotifiedChild

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

_ISO_DATE = re.compile(r"(\d{4})-(\d{2})-(\d{2})")
_UK_DATE = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4})")
_YES = frozenset({"true", "yes", "y"})
_NO = frozenset({"false", "no", "n"})
_DATETIME_HINT = "not an ISO 8601 date-time with a UTC offset, e.g. 2026-03-09T22:40:00+00:00"


@dataclass(frozen=True)
class InvalidRow:
    line: int
    reason: str
    outcome: Literal["invalid"] = "invalid"


@dataclass(frozen=True)
class ValidRow:
    line: int
    incident: EncompassNotice  # this row's incident fields, with this child only
    child: NotifiedChild


def parse_row(
    line: int, row: dict[str, str], context: dict[str, Any] | None
) -> InvalidRow | ValidRow:
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
    incident: EncompassNotice | None = None
    if child is not None:
        incident_data["children"] = [child]
    try:
        incident = EncompassNotice.model_validate(incident_data, context=context)
    except ValidationError as exc:
        errors.extend(_reasons(exc, _INCIDENT_COLUMNS, reported))

    if errors or child is None or incident is None:
        return InvalidRow(line, "; ".join(errors) or "invalid row")
    return ValidRow(line, incident, child)


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
