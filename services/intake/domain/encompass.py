"""Operation Encompass notices: what the police send about an incident, and its fingerprints.

A notice describes one incident and the children linked to it. Each child is
handled separately downstream (matched to a pupil, alerted to that pupil's school),
so duplicate and amendment detection is per child: `child_key` says "the same child
in the same incident", `content_hash` says "with the same content".
"""

from __future__ import annotations

import hashlib
import json
import re
import unicodedata
from datetime import UTC, date, datetime
from typing import Annotated, Any, Self

from pydantic import (
    AfterValidator,
    AwareDatetime,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StrictBool,
    StringConstraints,
    ValidationInfo,
    field_validator,
    model_validator,
)

from services.common.clock import uk_date, uk_today
from services.intake.domain.names import normalise_name, parse_upn

MAX_CHILDREN = 50
MAX_TEXT_LENGTH = 10_000
MAX_NAME_LENGTH = 100
MAX_REFERENCE_LENGTH = 64
MAX_SCHOOL_NAME_LENGTH = 200

_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_URN = re.compile(r"\d{6,7}")
_TEXT_CONTROLS_ALLOWED = frozenset("\n\r\t")


def _blank_to_none(value: object) -> object:
    if isinstance(value, str) and not value.strip():
        return None
    return value


def _single_line(value: str) -> str:
    if any(unicodedata.category(ch) == "Cc" for ch in value):
        raise ValueError("must not contain control characters or line breaks")
    return value


def _text(value: str) -> str:
    if any(unicodedata.category(ch) == "Cc" and ch not in _TEXT_CONTROLS_ALLOWED for ch in value):
        raise ValueError("must not contain control characters")
    return value


def _has_letter(value: str) -> str:
    if not normalise_name(value):
        raise ValueError("must contain a letter")
    return value


def _iso_date(value: object) -> object:
    # Plain pydantic would also accept Unix timestamps and compact forms; police
    # systems must send the one unambiguous form.
    if isinstance(value, date) and not isinstance(value, datetime):
        return value
    if isinstance(value, str) and _ISO_DATE.fullmatch(value.strip()):
        return value.strip()
    raise ValueError("must be a date in YYYY-MM-DD form")


def _datetime_text(value: object) -> object:
    if isinstance(value, datetime | str):
        return value
    raise ValueError("must be an ISO 8601 date-time with a UTC offset")


def _upn(value: object) -> object:
    return parse_upn(value) if isinstance(value, str) else value


def _urn(value: str) -> str:
    if not _URN.fullmatch(value):
        raise ValueError("must be a DfE URN (6 digits)")
    return value


def _strip(max_length: int, *, min_length: int = 0) -> StringConstraints:
    return StringConstraints(strip_whitespace=True, min_length=min_length, max_length=max_length)


Name = Annotated[
    str,
    _strip(MAX_NAME_LENGTH, min_length=1),
    AfterValidator(_single_line),
    AfterValidator(_has_letter),
]
Reference = Annotated[str, _strip(MAX_REFERENCE_LENGTH, min_length=1), AfterValidator(_single_line)]
ForceName = Annotated[str, _strip(MAX_NAME_LENGTH, min_length=1), AfterValidator(_single_line)]
OptionalText = Annotated[
    Annotated[str, _strip(MAX_TEXT_LENGTH), AfterValidator(_text)] | None,
    BeforeValidator(_blank_to_none),
]
OptionalSchoolName = Annotated[
    Annotated[str, _strip(MAX_SCHOOL_NAME_LENGTH), AfterValidator(_single_line)] | None,
    BeforeValidator(_blank_to_none),
]
OptionalUpn = Annotated[str | None, BeforeValidator(_upn)]
OptionalUrn = Annotated[
    Annotated[str, StringConstraints(strip_whitespace=True), AfterValidator(_urn)] | None,
    BeforeValidator(_blank_to_none),
]
IsoDate = Annotated[date, BeforeValidator(_iso_date)]
Timestamp = Annotated[AwareDatetime, BeforeValidator(_datetime_text)]


class NotifiedChild(BaseModel):
    """A child the police link to the incident, as the police recorded them."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    forename: Name
    surname: Name
    date_of_birth: IsoDate
    upn: OptionalUpn = None
    school_urn: OptionalUrn = None
    school_name: OptionalSchoolName = None
    present: StrictBool | None = None
    voice_of_child: OptionalText = None

    @field_validator("date_of_birth")
    @classmethod
    def _born(cls, value: date, info: ValidationInfo) -> date:
        # Callers that need determinism (tests, replays) pass context={"today": date}.
        context = info.context if isinstance(info.context, dict) else {}
        today = context.get("today") or uk_today()
        if value > today:
            raise ValueError("must not be in the future")
        return value


class EncompassNotice(BaseModel):
    """One incident notified by a police force, with the children linked to it."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    police_reference: Reference
    force: ForceName
    incident_at: Timestamp
    notified_at: Timestamp
    location: OptionalText = None
    circumstances: OptionalText = None
    police_action: OptionalText = None
    other_information: OptionalText = None
    # A list, not a tuple: pydantic adds a spurious length error to bad tuple items.
    children: list[NotifiedChild] = Field(min_length=1, max_length=MAX_CHILDREN)

    @model_validator(mode="after")
    def _consistent(self) -> Self:
        if self.incident_at > self.notified_at:
            raise ValueError("incident_at must not be after notified_at")
        seen: set[tuple[str, str, date]] = set()
        for child in self.children:
            identity = _child_identity(child)
            if identity in seen:
                raise ValueError("children: the same child is listed more than once")
            seen.add(identity)
        return self

    @property
    def incident_date(self) -> date:
        """The incident's calendar date in England, which decides who was on roll."""
        return uk_date(self.incident_at)


def reference_key(police_reference: str) -> str:
    return "".join(police_reference.split()).casefold()


def force_key(force: str) -> str:
    return normalise_name(force)


def incident_key(force: str, police_reference: str) -> tuple[str, str]:
    """Rows or notices with equal keys describe the same incident."""
    return force_key(force), reference_key(police_reference)


def _child_identity(child: NotifiedChild) -> tuple[str, str, date]:
    return normalise_name(child.forename), normalise_name(child.surname), child.date_of_birth


def child_key(force: str, police_reference: str, child: NotifiedChild) -> str:
    """Identify "this child in this incident" across re-sends and amendments.

    Built from normalised values so that a re-send with different case, accents or
    spacing is recognised. The UPN and school are deliberately left out: police often
    add or correct them in an amendment. A change of forename, surname or date of
    birth, however, yields a different key, i.e. is treated as a different child.

    `force` should be the force of the authenticated sender where the caller has it.
    """
    forename, surname, born = _child_identity(child)
    return _sha256(
        [force_key(force), reference_key(police_reference), forename, surname, born.isoformat()]
    )


def content_hash(notice: EncompassNotice, child: NotifiedChild) -> str:
    """Fingerprint what a school would read about this child in this notice.

    Same `child_key` and same hash: a duplicate. Same key, different hash: an
    amendment. `notified_at` is left out because a plain re-send carries a new one;
    instants are compared in UTC so equal times in different offsets hash equally.
    Other children of the incident are left out so that adding a sibling does not
    amend this child's notice.
    """
    n = notice
    return _sha256(
        {
            "force": force_key(n.force),
            "police_reference": reference_key(n.police_reference),
            "incident_at": n.incident_at.astimezone(UTC).isoformat(),
            "location": n.location,
            "circumstances": n.circumstances,
            "police_action": n.police_action,
            "other_information": n.other_information,
            "child": {
                "forename": child.forename,
                "surname": child.surname,
                "date_of_birth": child.date_of_birth.isoformat(),
                "upn": child.upn,
                "school_urn": child.school_urn,
                "school_name": child.school_name,
                "present": child.present,
                "voice_of_child": child.voice_of_child,
            },
        }
    )


def _sha256(value: Any) -> str:
    canonical = json.dumps(
        _nfc(value), sort_keys=True, separators=(",", ":"), ensure_ascii=False
    ).encode("utf-8")
    return hashlib.sha256(canonical).hexdigest()


def _nfc(value: Any) -> Any:
    # Composed and decomposed forms of "Zoë" are the same text.
    if isinstance(value, str):
        return unicodedata.normalize("NFC", value)
    if isinstance(value, dict):
        return {key: _nfc(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_nfc(item) for item in value]
    return value
