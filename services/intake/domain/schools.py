"""Schools and the pupils on their rolls, as intake records them, and what recording a
school publishes."""

from __future__ import annotations

from datetime import date, datetime

from pydantic import BaseModel, ConfigDict, Field, field_validator

from contracts.envelope import Actor, Envelope, Subject
from contracts.intake_v1 import SCHOOL_RECORDED, SchoolRecorded
from services.common.clock import uk_today
from services.common.events import make_envelope
from services.common.ids import ID_PATTERN, MAX_ID_LENGTH

Id = Field(min_length=1, max_length=MAX_ID_LENGTH, pattern=ID_PATTERN)
Name = Field(min_length=1, max_length=100)


class SchoolDetails(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    name: str = Field(min_length=1, max_length=200)
    trust_id: str = Id
    urn: str | None = Field(default=None, pattern=r"^\d{6,7}$", description="DfE URN")


class PupilDetails(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    forename: str = Name
    surname: str = Name
    date_of_birth: date
    upn: str | None = Field(default=None, pattern=r"^[A-Za-z][A-Za-z0-9]{12}$")
    preferred_forename: str | None = Field(default=None, min_length=1, max_length=100)

    @field_validator("date_of_birth")
    @classmethod
    def not_in_future(cls, value: date) -> date:
        if value > uk_today():
            raise ValueError("date of birth is in the future")
        return value

    @field_validator("upn")
    @classmethod
    def upper(cls, value: str | None) -> str | None:
        return value.upper() if value else None


def pupil_key(school_id: str, pupil_id: str) -> str:
    """Pupil ids come from each school's MIS, so they are unique only within a school."""
    return f"{school_id}/{pupil_id}"


def school_recorded(
    school_id: str, details: SchoolDetails, actor: Actor, at: datetime
) -> Envelope[BaseModel]:
    return make_envelope(
        SCHOOL_RECORDED,
        SchoolRecorded(school_id=school_id, **details.model_dump()),
        trust_id=details.trust_id,
        school_id=school_id,
        subject=Subject(kind="school", id=school_id),
        actor=actor,
        occurred_at=at,
    )
