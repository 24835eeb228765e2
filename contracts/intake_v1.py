"""Events published by intake, major version 1."""

from __future__ import annotations

from datetime import date

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from contracts.vocabulary import Category

SCHEMA_VERSION = "1.0"

SCHOOL_RECORDED = "intake.school.recorded.v1"
PUPIL_RECORDED = "intake.pupil.recorded.v1"
CONCERN_RAISED = "intake.concern.raised.v1"

Text = Field(max_length=10_000)


class _Payload(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class SchoolRecorded(_Payload):
    """A school was registered or its details changed; carries the whole current state."""

    school_id: str
    name: str
    trust_id: str
    urn: str | None = None


class PupilRecorded(_Payload):
    """A pupil was added to or updated on a school's roll; carries the whole current state."""

    pupil_id: str
    forename: str
    surname: str
    date_of_birth: date
    upn: str | None = None


class Reporter(_Payload):
    user_id: str
    role: str


class ConcernRaised(_Payload):
    """A member of staff recorded a worry about a child. Carries the full content: the
    chronology keeps it verbatim."""

    concern_id: str
    pupil_id: str
    occurred_at: AwareDatetime = Field(description="when the incident happened or was seen")
    received_at: AwareDatetime = Field(description="when Harbour accepted the concern")
    categories: list[Category] = Field(min_length=1)
    description: str = Text
    child_words: str = Text
    actions_taken: str = Text
    immediate_danger: bool
    fgm_discovered: bool
    reported_by: Reporter


EVENTS: dict[str, type[BaseModel]] = {
    SCHOOL_RECORDED: SchoolRecorded,
    PUPIL_RECORDED: PupilRecorded,
    CONCERN_RAISED: ConcernRaised,
}
