"""School roster CSV: parsing into pupils, and roll-period rules.

A school uploads its roll as CSV. Bad rows are rejected one by one with the line
number and field so the school's data manager can fix them; only a file that cannot
be read as a roster at all (wrong columns, not UTF-8) is refused as a whole.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date
from typing import Annotated, Protocol

from pydantic import BaseModel, ConfigDict, StringConstraints

from services.common.ids import ID_PATTERN, ID_RE, MAX_ID_LENGTH
from services.intake.domain import csv_files
from services.intake.domain.names import normalise_name, parse_upn

ROSTER_COLUMNS: tuple[str, ...] = (
    "pupil_id",
    "upn",
    "forename",
    "surname",
    "preferred_forename",
    "date_of_birth",
    "postcode",
    "on_roll_from",
    "on_roll_to",
)
# The school a leaver moves to (its DfE URN), when the MIS knows: their child protection
# file, if they have one, goes there.
OPTIONAL_COLUMNS: tuple[str, ...] = ("destination_urn",)
MAX_NAME_LENGTH = 100
MAX_POSTCODE_LENGTH = 10

_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_POSTCODE = re.compile(r"[A-Z0-9 ]+")
_URN = re.compile(r"\d{6,7}")

PupilId = Annotated[
    str, StringConstraints(min_length=1, max_length=MAX_ID_LENGTH, pattern=ID_PATTERN)
]
PupilName = Annotated[str, StringConstraints(min_length=1, max_length=MAX_NAME_LENGTH)]


class RosterFormatError(ValueError):
    """The file as a whole cannot be read as a roster."""


class RosterPupil(BaseModel):
    """One pupil on a school's roll, as the school reported it."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    pupil_id: PupilId
    upn: str | None
    forename: PupilName
    surname: PupilName
    preferred_forename: PupilName | None
    date_of_birth: date
    postcode: Annotated[str, StringConstraints(max_length=MAX_POSTCODE_LENGTH)] | None
    on_roll_from: date
    on_roll_to: date | None
    destination_urn: str | None = None


@dataclass(frozen=True)
class RejectedRow:
    line: int
    reason: str


@dataclass(frozen=True)
class RosterParseResult:
    pupils: list[RosterPupil]
    rejected: list[RejectedRow]


class RollPeriod(Protocol):
    @property
    def on_roll_from(self) -> date: ...

    @property
    def on_roll_to(self) -> date | None: ...


def is_on_roll(pupil: RollPeriod, on: date) -> bool:
    """Both ends are inclusive: a pupil is on roll on their first and last day."""
    return pupil.on_roll_from <= on and (pupil.on_roll_to is None or on <= pupil.on_roll_to)


def is_leaver(pupil: RollPeriod, today: date) -> bool:
    return pupil.on_roll_to is not None and pupil.on_roll_to < today


def parse_roster(data: bytes | str) -> RosterParseResult:
    """Parse a roster CSV into valid pupils and rejected rows.

    Line numbers are 1-based physical lines of the file (the header is line 1), so
    they match what a spreadsheet or text editor shows.

    Raises RosterFormatError if the file is not UTF-8 or its header is not exactly
    the roster columns.
    """
    records = csv_files.records(csv_files.decode(data, RosterFormatError), RosterFormatError)
    columns = csv_files.header_columns(
        records, ROSTER_COLUMNS, RosterFormatError, optional=OPTIONAL_COLUMNS
    )

    pupils: list[RosterPupil] = []
    rejected: list[RejectedRow] = []
    first_line_of: dict[str, int] = {}
    for line, values in records:
        if len(values) != len(columns):
            reason = f"row has {len(values)} fields but the header has {len(columns)}"
            rejected.append(RejectedRow(line, reason))
            continue
        row = dict(zip(columns, (value.strip() for value in values), strict=True))
        errors, pupil = _parse_row(row)
        pupil_id = row["pupil_id"]
        if pupil_id in first_line_of:
            errors.insert(0, f"pupil_id: duplicate of line {first_line_of[pupil_id]}")
        elif pupil_id:
            first_line_of[pupil_id] = line
        if errors or pupil is None:
            rejected.append(RejectedRow(line, "; ".join(errors)))
        else:
            pupils.append(pupil)
    return RosterParseResult(pupils=pupils, rejected=rejected)


def _parse_row(row: dict[str, str]) -> tuple[list[str], RosterPupil | None]:
    errors: list[str] = []

    def field(name: str, parse: _Parser, *, required: bool) -> object:
        value = row.get(name, "")
        if not value:
            if required:
                errors.append(f"{name}: required")
            return None
        try:
            return parse(value)
        except ValueError as exc:
            errors.append(f"{name}: {exc}")
            return None

    values = {
        "pupil_id": field("pupil_id", _pupil_id, required=True),
        "upn": field("upn", parse_upn, required=False),
        "forename": field("forename", _name, required=True),
        "surname": field("surname", _name, required=True),
        "preferred_forename": field("preferred_forename", _name, required=False),
        "date_of_birth": field("date_of_birth", _iso_date, required=True),
        "postcode": field("postcode", _postcode, required=False),
        "on_roll_from": field("on_roll_from", _iso_date, required=True),
        "on_roll_to": field("on_roll_to", _iso_date, required=False),
        "destination_urn": field("destination_urn", _urn, required=False),
    }
    start, end = values["on_roll_from"], values["on_roll_to"]
    if isinstance(start, date) and isinstance(end, date) and end < start:
        errors.append("on_roll_to: before on_roll_from")
    if errors:
        return errors, None
    return errors, RosterPupil.model_validate(values)


class _Parser(Protocol):
    def __call__(self, value: str, /) -> object: ...


def _plain(value: str, max_length: int) -> str:
    if len(value) > max_length:
        raise ValueError(f"longer than {max_length} characters")
    if any(unicodedata.category(ch) == "Cc" for ch in value):
        raise ValueError("contains control characters")
    return value


def _pupil_id(value: str) -> str:
    pupil_id = _plain(value, MAX_ID_LENGTH)
    # Same shape as ids elsewhere in intake, which builds keys like "<school>/<pupil>".
    if not ID_RE.fullmatch(pupil_id):
        raise ValueError("use only letters, digits and _ . : - (starting with a letter or digit)")
    return pupil_id


def _name(value: str) -> str:
    name = _plain(value, MAX_NAME_LENGTH)
    if not normalise_name(name):
        raise ValueError("must contain a letter")
    return name


def _iso_date(value: str) -> date:
    # date.fromisoformat alone also accepts forms like 20180502; schools must send
    # the one unambiguous form so a day/month swap can never slip through.
    if not _ISO_DATE.fullmatch(value):
        raise ValueError("not a date in YYYY-MM-DD form")
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise ValueError("not a real calendar date") from None


def _urn(value: str) -> str:
    if not _URN.fullmatch(value):
        raise ValueError("not a URN (6 or 7 digits)")
    return value


def _postcode(value: str) -> str:
    postcode = " ".join(value.upper().split())
    if len(postcode) > MAX_POSTCODE_LENGTH or not _POSTCODE.fullmatch(postcode):
        raise ValueError("not a postcode")
    return postcode
