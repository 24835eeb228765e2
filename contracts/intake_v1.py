"""Events published by intake, major version 1."""

from __future__ import annotations

from datetime import date
from typing import Literal, Self

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, model_validator

from contracts.admin_actions import AdminActionRecorded
from contracts.adult_cases import AdultSubject
from contracts.child_vocabulary import Part
from contracts.envelope import Envelope
from contracts.vocabulary import BodyArea, BodyView, Category, MarkKind

# 1.1: ConcernRaised.body_map (optional, default []).
# 1.2: PupilLeft.destination_urn (optional).
# 1.3: intake.adult_concern.raised.v1 (a concern about an adult).
# 1.4: ConcernRaised.other_pupils_involved (optional, default []).
# 1.5: intake.pupils.recorded.v1 and intake.encompass.notified_together.v1 (many events of
#      one kind published as one message).
SCHEMA_VERSION = "1.5"

SCHOOL_RECORDED = "intake.school.recorded.v1"
PUPIL_RECORDED = "intake.pupil.recorded.v1"
PUPILS_RECORDED = "intake.pupils.recorded.v1"
CONCERN_RAISED = "intake.concern.raised.v1"
PUPIL_LEFT = "intake.pupil.left.v1"
ENCOMPASS_NOTIFIED = "intake.encompass.notified.v1"
ENCOMPASS_AMENDED = "intake.encompass.amended.v1"
ENCOMPASS_NOTIFIED_TOGETHER = "intake.encompass.notified_together.v1"
ADMIN_ACTION_RECORDED = "intake.admin.action_recorded.v1"
ADULT_CONCERN_RAISED = "intake.adult_concern.raised.v1"

Text = Field(max_length=10_000)
OptionalText = Field(default=None, max_length=10_000)


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


class PupilsRecorded(_Payload):
    """Many pupils of one school added or updated at once (a roster import): the same as one
    intake.pupil.recorded.v1 per pupil, published together. Each pupil's own event stays
    stored with it in intake and is published alone only if this one could not be (a
    consumer may see both: each carries the whole state, applied if newer)."""

    pupils: list[PupilRecorded] = Field(min_length=1, max_length=1000)


class Reporter(_Payload):
    user_id: str
    role: str


MAX_BODY_MARKS = 30


class BodyMark(_Payload):
    """One mark the member of staff saw, placed on the front or back outline of a body map.
    x and y are fractions of the outline's width and height (0 = left/top)."""

    view: BodyView
    x: float = Field(ge=0, le=1)
    y: float = Field(ge=0, le=1)
    area: BodyArea
    kind: MarkKind
    note: str = Field(default="", max_length=500)


MAX_OTHER_PUPILS = 30


class InvolvedPupil(_Payload):
    """Another pupil of the school named in a concern, and their part in it. Their own file
    gets an entry about their part only, never this concern's words or body map."""

    pupil_id: str = Field(min_length=1, max_length=64)
    part: Part


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
    body_map: list[BodyMark] = Field(default_factory=list, max_length=MAX_BODY_MARKS)
    other_pupils_involved: list[InvolvedPupil] = Field(
        default_factory=list, max_length=MAX_OTHER_PUPILS
    )


class PupilLeft(_Payload):
    """A pupil came off a school's roll. records starts the transfer of their child
    protection file, if they have one (and so the file-transfer clock)."""

    pupil_id: str
    last_day_on_roll: date
    destination_urn: str | None = Field(
        default=None, description="the DfE URN of the school the pupil moves to, if known"
    )


class NotifiedChild(_Payload):
    """The child as the police recorded them (names may differ from the roster)."""

    forename: str
    surname: str
    date_of_birth: date
    upn: str | None = None
    school_urn: str | None = None
    school_name: str | None = None
    present: bool | None = None
    voice_of_child: str | None = OptionalText


class EncompassNotified(_Payload):
    """Police told Harbour that a pupil may be a victim of domestic abuse (one event per
    matched child). Carries the whole notification for the chronology."""

    notification_id: str = Field(description="this child in this incident; stable across re-sends")
    incident_id: str = Field(description="shared by the children of one incident")
    revision: int = Field(ge=1, description="1 for the first notification, +1 per amendment")
    pupil_id: str
    matched_by: Literal["upn", "school", "trust", "manual"]
    sender_id: str
    police_reference: str
    force: str
    incident_at: AwareDatetime
    notified_at: AwareDatetime
    received_at: AwareDatetime = Field(description="when Harbour received it: the clock's T")
    location: str | None = None
    circumstances: str | None = OptionalText
    police_action: str | None = OptionalText
    other_information: str | None = OptionalText
    child: NotifiedChild


class EncompassAmended(EncompassNotified):
    """A re-sent notification for the same child and incident with changed content. The
    chronology and the alert gain the new content; no second deadline is set."""

    notified_event_id: str | None = Field(
        default=None, description="the intake.encompass.notified.v1 this amends"
    )


class EncompassNotifiedTogether(_Payload):
    """Many children of one school notified in one police delivery (a batch file): each
    child's own intake.encompass.notified.v1, whole, carried in one message. Each stays
    stored with its notice in intake and is published alone only if this one could not be;
    consumers key every effect by the inner event's id, so a child seen both ways is
    handled once."""

    events: list[Envelope[EncompassNotified]] = Field(min_length=1, max_length=500)

    @model_validator(mode="after")
    def _only_notified(self) -> Self:
        for event in self.events:
            if event.event_type != ENCOMPASS_NOTIFIED:
                raise ValueError(f"events must be {ENCOMPASS_NOTIFIED}, not {event.event_type}")
        return self


class AdultConcernRaised(_Payload):
    """A member of staff raised a concern about an adult who works with the school's
    children (KCSIE Part 4). Carries the full content for the adult case's own chronology;
    it never enters a child's chronology (a child involved gets a content-free pointer)."""

    adult_concern_id: str
    case_id: str = Field(description="the adult case it opens (contracts.adult_cases)")
    subject: AdultSubject
    occurred_at: AwareDatetime = Field(description="when it happened or was seen")
    received_at: AwareDatetime = Field(description="when Harbour accepted the concern")
    description: str = Text
    children_involved: list[str] = Field(default_factory=list, max_length=30)
    whistleblowing: bool = Field(description="raised under the whistleblowing procedure")
    reported_by: Reporter


EVENTS: dict[str, type[BaseModel]] = {
    SCHOOL_RECORDED: SchoolRecorded,
    PUPIL_RECORDED: PupilRecorded,
    PUPILS_RECORDED: PupilsRecorded,
    PUPIL_LEFT: PupilLeft,
    CONCERN_RAISED: ConcernRaised,
    ENCOMPASS_NOTIFIED: EncompassNotified,
    ENCOMPASS_AMENDED: EncompassAmended,
    ENCOMPASS_NOTIFIED_TOGETHER: EncompassNotifiedTogether,
    ADMIN_ACTION_RECORDED: AdminActionRecorded,
    ADULT_CONCERN_RAISED: AdultConcernRaised,
}
