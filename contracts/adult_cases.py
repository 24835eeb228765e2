"""The words of concerns about adults (KCSIE Part 4), shared by intake, case, notification,
records and the pages: who the adult is, the harm threshold, the outcomes, who may see an
adult case, and the payloads of case's adult-case events (registered in case_v1.EVENTS).

Every event about an adult case carries the envelope subject {kind: "adult", id: <case id>},
never the adult's name: logs and routing see ids only. Only the concern itself
(intake.adult_concern.raised.v1) carries the name and the words, for the adult case's own
chronology."""

from __future__ import annotations

import uuid
from datetime import date
from enum import StrEnum
from typing import Annotated, Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, StringConstraints

_CASE_IDS = uuid.UUID("2d6f4b1a-8c3e-4e7a-b5d9-61f0a2c4e8b7")

UserId = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9][A-Za-z0-9_.:@-]{0,63}$")]
Text = Field(min_length=1, max_length=10_000)


def adult_case_id(adult_concern_id: str) -> str:
    """One adult case per concern about an adult, its id fixed by the concern: intake names
    it in the concern's event, case opens it under it, records files the chronology by it."""
    return f"adc_{uuid.uuid5(_CASE_IDS, adult_concern_id).hex}"


class AdultRole(StrEnum):
    """What the adult is to the school (KCSIE Part 4 covers all of them)."""

    STAFF = "staff"
    SUPPLY = "supply"
    VOLUNTEER = "volunteer"
    CONTRACTOR = "contractor"
    GOVERNOR = "governor"
    HEADTEACHER = "headteacher"


class HarmCriterion(StrEnum):
    """The harm threshold (KCSIE Part 4, section 1). The adult has:

    - harmed_child: behaved in a way that has harmed a child, or may have harmed a child;
    - criminal_offence: possibly committed a criminal offence against or related to a child;
    - risk_to_children: behaved towards a child or children in a way that indicates they
      may pose a risk of harm to children;
    - unsuitable: behaved or may have behaved in a way that indicates they may not be
      suitable to work with children (including behaviour outside school)."""

    HARMED_CHILD = "harmed_child"
    CRIMINAL_OFFENCE = "criminal_offence"
    RISK_TO_CHILDREN = "risk_to_children"
    UNSUITABLE = "unsuitable"


class AdultDecision(StrEnum):
    ALLEGATION = "allegation"  # meets the harm threshold
    LOW_LEVEL = "low_level"  # does not: the low-level concerns log


class AllegationOutcome(StrEnum):
    SUBSTANTIATED = "substantiated"
    MALICIOUS = "malicious"
    FALSE = "false"
    UNSUBSTANTIATED = "unsubstantiated"
    UNFOUNDED = "unfounded"


ManagerRole = Literal["headteacher", "chair_of_governors"]


class _Payload(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class AdultSubject(_Payload):
    """The adult the concern is about. `staff_user_id` (their sign-in id, when they have
    one) keeps them out of their own case whatever roles they hold."""

    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)

    name: str = Field(min_length=1, max_length=200)
    role: AdultRole
    staff_user_id: UserId | None = None


class AdultCaseAccess(_Payload):
    """Who may see an adult case, as case decided it: whoever holds `manager_role` at the
    school (the headteacher; the chair of governors when the headteacher is the subject),
    the trust safeguarding lead the trust named, and the DSLs the case manager named; never
    `subject_staff_user_id`, whatever their roles. `revision` orders the changes."""

    manager_role: ManagerRole
    trust_lead_user_id: UserId | None = None
    named_dsl_user_ids: list[UserId] = Field(default_factory=list, max_length=20)
    subject_staff_user_id: UserId | None = None
    revision: int = Field(ge=1)


class AdultCaseOpened(_Payload):
    """An adult case was opened for a concern about an adult: who manages it and who may
    see it (no name, no words: those are in the concern's own event)."""

    case_id: str
    adult_concern_id: str
    subject_role: AdultRole
    children_involved: list[str] = Field(default_factory=list, max_length=30)
    whistleblowing: bool
    access: AdultCaseAccess
    opened_at: AwareDatetime


class AdultCaseAccessChanged(_Payload):
    """The case manager changed who may see the case (the DSLs they named)."""

    case_id: str
    access: AdultCaseAccess
    changed_at: AwareDatetime


class AdultCaseDecided(_Payload):
    """The case manager decided whether the concern meets the harm threshold, and why. A
    low-level concern found later to meet it is decided again (`revises`)."""

    case_id: str
    decision_id: str
    decision: AdultDecision
    criteria_met: list[HarmCriterion] = Field(default_factory=list, max_length=4)
    reason: str = Text
    revises: str | None = None
    decided_at: AwareDatetime


class LadoReferred(_Payload):
    """The allegation was referred to the Local Authority Designated Officer."""

    case_id: str
    referral_id: str
    referred_at: AwareDatetime
    lado_name: str = Field(min_length=1, max_length=200)
    reference: str | None = Field(default=None, max_length=200)
    advice: str | None = Field(default=None, max_length=10_000)
    recorded_at: AwareDatetime


class SubjectSuspended(_Payload):
    """The adult was suspended; written confirmation is owed (suspension-confirmation)."""

    case_id: str
    suspension_id: str
    suspended_at: AwareDatetime
    reason: str = Text
    recorded_at: AwareDatetime


class SuspensionConfirmed(_Payload):
    """Written confirmation of the suspension was sent to the adult."""

    case_id: str
    suspension_id: str
    confirmation_id: str
    sent_at: AwareDatetime
    recorded_at: AwareDatetime


class Retention(_Payload):
    """How long the case is kept, by its outcome: until `keep_until` (None: not kept at
    all, due for removal now), and why. Nothing is deleted automatically."""

    keep_until: date | None
    basis: str = Field(max_length=500)


class AdultCaseConcluded(_Payload):
    """The allegation's outcome, with reasons: the case is closed."""

    case_id: str
    outcome_id: str
    outcome: AllegationOutcome
    reason: str = Text
    retention: Retention
    concluded_at: AwareDatetime


class LowLevelPattern(_Payload):
    """A third low-level concern about the same adult within 12 months: the case manager
    is alerted once per pattern (a pattern may itself meet the harm threshold)."""

    pattern_id: str
    case_id: str = Field(description="the case whose concern completed the pattern")
    case_ids: list[str] = Field(min_length=3, max_length=100)
    first_occurred_at: AwareDatetime
    last_occurred_at: AwareDatetime
    access: AdultCaseAccess
    detected_at: AwareDatetime


class AdultCasesRead(_Payload):
    """Someone read adult cases (a case, a list, the low-level log): each case's access
    log in records gains the read."""

    case_ids: list[str] = Field(min_length=1, max_length=500)
    view: Literal["case", "list", "low_level_log", "retention_review"]
    user_id: str
    roles: list[str]
    read_at: AwareDatetime
