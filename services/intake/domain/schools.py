"""Schools and the pupils on their rolls, as intake records them."""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel, ConfigDict, Field, field_validator

Id = Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9][A-Za-z0-9_.:-]*$")
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
        if value > date.today():
            raise ValueError("date of birth is in the future")
        return value

    @field_validator("upn")
    @classmethod
    def upper(cls, value: str | None) -> str | None:
        return value.upper() if value else None


def pupil_key(school_id: str, pupil_id: str) -> str:
    """Pupil ids come from each school's MIS, so they are unique only within a school."""
    return f"{school_id}/{pupil_id}"
