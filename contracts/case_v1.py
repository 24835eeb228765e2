"""Events published by case, major version 1."""

from __future__ import annotations

import uuid
from datetime import date
from enum import StrEnum
from typing import Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from contracts.admin_actions import AdminActionRecorded
from contracts.adult_cases import (
    AdultCaseAccessChanged,
    AdultCaseConcluded,
    AdultCaseDecided,
    AdultCaseOpened,
    AdultCasesRead,
    LadoReferred,
    LowLevelPattern,
    SubjectSuspended,
    SuspensionConfirmed,
)
from contracts.case_vocabulary import (
    Agency,
    ClosureOutcome,
    Decision,
    FeedbackOutcome,
    NoteKind,
    ParentsInformed,
    ReferralMethod,
)
from contracts.child_context import ChildContext, ChildFlag
from contracts.child_vocabulary import LinkKind, MeasureKind, Part, PatternRule

# 1.1: the case file's steps (triage decided … fgm reported), each added to the chronology,
# and the admin actions (calendars) for the audit log.
# 1.2: the adult cases' steps (case.adult_case.*, payloads in contracts/adult_cases.py).
# 1.3: the child's context, links between children, risk assessments and their reviews
# (DeadlineRule.RISK_ASSESSMENT_REVIEW), and patterns detected.
SCHEMA_VERSION = "1.3"

DEADLINE_APPROACHING = "case.deadline.approaching.v1"
DEADLINE_BREACHED = "case.deadline.breached.v1"
DEADLINE_MET = "case.deadline.met.v1"
ADMIN_ACTION_RECORDED = "case.admin.action_recorded.v1"

TRIAGE_DECIDED = "case.triage.decided.v1"
ACTION_ADDED = "case.action.added.v1"
ACTION_COMPLETED = "case.action.completed.v1"
ACTION_OVERDUE = "case.action.overdue.v1"
NOTE_ADDED = "case.note.added.v1"
REVIEW_SET = "case.review.set.v1"
CASE_CLOSED = "case.closed.v1"
CASE_REOPENED = "case.reopened.v1"
REFERRAL_MADE = "case.referral.made.v1"
REFERRAL_FEEDBACK = "case.referral.feedback.v1"
REFERRAL_ESCALATED = "case.referral.escalated.v1"
FGM_REPORTED = "case.fgm.reported.v1"
CONTEXT_CHANGED = "case.context.changed.v1"
LINK_ADDED = "case.link.added.v1"
LINK_REMOVED = "case.link.removed.v1"
RISK_ASSESSMENT_RECORDED = "case.risk_assessment.recorded.v1"
RISK_ASSESSMENT_REVIEWED = "case.risk_assessment.reviewed.v1"
PATTERN_DETECTED = "case.pattern.detected.v1"

# Concerns about adults (KCSIE Part 4): each step an entry in the adult case's chronology.
ADULT_CASE_OPENED = "case.adult_case.opened.v1"
ADULT_CASE_ACCESS_CHANGED = "case.adult_case.access_changed.v1"
ADULT_CASE_DECIDED = "case.adult_case.decided.v1"
ADULT_LADO_REFERRED = "case.adult_case.lado_referred.v1"
ADULT_SUBJECT_SUSPENDED = "case.adult_case.suspended.v1"
ADULT_SUSPENSION_CONFIRMED = "case.adult_case.suspension_confirmed.v1"
ADULT_CASE_CONCLUDED = "case.adult_case.concluded.v1"
ADULT_LOW_LEVEL_PATTERN = "case.adult_case.low_level_pattern.v1"
ADULT_CASES_READ = "case.adult_case.read.v1"


class DeadlineRule(StrEnum):
    """The statutory time limits the clock in case tracks (rules in
    services/case/domain/deadline_rules.py)."""

    ENCOMPASS_BEFORE_SCHOOL = "encompass-before-school"
    DSL_TRIAGE = "dsl-triage"
    FILE_TRANSFER = "file-transfer"
    LADO_REFERRAL = "lado-referral"
    FGM_POLICE_REPORT = "fgm-police-report"
    SOCIAL_CARE_FEEDBACK = "social-care-feedback"
    SUSPENSION_CONFIRMATION = "suspension-confirmation"
    RISK_ASSESSMENT_REVIEW = "risk-assessment-review"


class DeadlineChanged(BaseModel):
    """A statutory deadline is approaching, was breached, or was met. No child's details:
    ids and times only."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    deadline_id: str
    rule: DeadlineRule
    pupil_id: str | None = None
    source_id: str
    source_event_id: str
    due_at: AwareDatetime | None = Field(
        default=None, description="None while the school's calendar cannot place it"
    )
    approaching_at: AwareDatetime | None = None
    met_by: str | None = None


_PHASE_NAMESPACE = uuid.UUID("0f1b6c2a-3e47-4d6b-9a8e-52c1d7f3a9b0")


def phase_event_id(deadline_id: str, phase: Literal["approaching", "breached", "met"]) -> str:
    """The id of a deadline's phase event is fixed by the deadline and the phase: replicas
    cannot make two, and a consumer can find what an earlier phase caused by its id."""
    return str(uuid.uuid5(_PHASE_NAMESPACE, f"{deadline_id}\x1f{phase}"))


Text = Field(max_length=10_000)
ShortText = Field(max_length=200)


class _Step(BaseModel):
    """A step in a child's case file. Carries its full content (the chronology keeps it
    verbatim); who took it is the envelope's actor, when it was recorded its occurred_at."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    pupil_id: str


class TriageDecided(_Step):
    """A DSL decided what happens about a concern, and why; a revision names the decision
    it supersedes."""

    decision_id: str
    concern_id: str
    decision: Decision
    reason: str = Text
    parents_informed: ParentsInformed | None = None
    child_views: str | None = Field(default=None, max_length=10_000)
    supersedes: str | None = None
    decided_at: AwareDatetime


class ActionAdded(_Step):
    action_id: str
    title: str = ShortText
    owner_user_id: str
    due_on: date
    overdue_at: AwareDatetime = Field(description="close of business on due_on, school time")
    added_at: AwareDatetime


class ActionCompleted(_Step):
    action_id: str
    note: str = Text
    completed_at: AwareDatetime


class ActionOverdue(_Step):
    """An action was not done by its date (published once per action)."""

    action_id: str
    title: str = ShortText
    owner_user_id: str
    due_on: date
    overdue_at: AwareDatetime


class NoteAdded(_Step):
    """A conversation, phone call, meeting or strategy discussion about the child."""

    note_id: str
    kind: NoteKind
    occurred_at: AwareDatetime
    participants: list[str] = Field(default_factory=list, max_length=30)
    summary: str = Text
    added_at: AwareDatetime


class ReviewSet(_Step):
    review_id: str
    review_on: date
    reason: str = Text
    previous_review_on: date | None = None
    set_at: AwareDatetime


class CaseClosed(_Step):
    closure_id: str
    outcome: ClosureOutcome
    reason: str = Text
    closed_at: AwareDatetime


class CaseReopened(_Step):
    """A closed case was reopened by a DSL, or by a new concern or police notification
    (source_id names it)."""

    reopening_id: str
    reason: str = Text
    source_id: str | None = None
    reopened_at: AwareDatetime


class ReferralMade(_Step):
    """A referral to another agency; one to children's social care starts the
    social-care-feedback deadline."""

    referral_id: str
    agency: Agency
    made_at: AwareDatetime
    method: ReferralMethod
    reference: str | None = Field(default=None, max_length=200)
    contact: str | None = Field(default=None, max_length=500)
    parents_informed: ParentsInformed
    concern_ids: list[str] = Field(default_factory=list, max_length=50)
    recorded_at: AwareDatetime


class ReferralFeedback(_Step):
    """Children's social care said what it decided about a referral."""

    referral_id: str
    feedback_id: str
    agency: Agency
    received_at: AwareDatetime
    outcome: FeedbackOutcome
    details: str | None = Field(default=None, max_length=10_000)


class ReferralEscalated(_Step):
    """The school challenged an agency's response under the local resolution procedure."""

    referral_id: str
    escalation_id: str
    agency: Agency
    escalated_at: AwareDatetime
    escalated_to: str = Field(max_length=500)
    reason: str | None = Field(default=None, max_length=10_000)
    outcome: str | None = Field(default=None, max_length=10_000)


class FgmReported(_Step):
    """FGM discovered in a concern was reported to the police: by the teacher who
    discovered it, or by a DSL on their behalf (recorded as such)."""

    report_id: str
    concern_id: str
    duty_holder: str = Field(description="the teacher whose personal duty it is")
    on_behalf: bool = Field(description="recorded by someone else for the duty holder")
    reported_at: AwareDatetime
    police_reference: str = Field(max_length=200)


class ContextChanged(_Step):
    """The DSL recorded what they know of the child (1.2, 1.6.2, 1.18, 1.19, 1.12): the
    whole context as it now stands, which parts changed, and the flags it gives."""

    version: int = Field(ge=1, description="1 for the first context, +1 per change")
    context: ChildContext
    changed: list[str] = Field(max_length=20, description="the parts that changed")
    flags: list[ChildFlag] = Field(default_factory=list, max_length=10)
    changed_at: AwareDatetime


class LinkAdded(_Step):
    """The child was linked to another child (one event on each child's case: `kind` is
    said from this child's side)."""

    link_id: str
    other_pupil_id: str
    other_school_id: str
    kind: LinkKind
    note: str | None = Field(default=None, max_length=2_000)
    source_id: str | None = Field(default=None, description="the concern that linked them")
    part: Part | None = Field(default=None, description="this child's part in that concern")
    added_at: AwareDatetime


class LinkRemoved(_Step):
    link_id: str
    other_pupil_id: str
    other_school_id: str
    kind: LinkKind
    reason: str = Field(max_length=5_000)
    removed_at: AwareDatetime


class Measure(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)

    kind: MeasureKind
    detail: str = Field(min_length=1, max_length=2_000)


class RiskAssessmentRecorded(_Step):
    """A risk and needs assessment (Annex A): the incident, the child's part, the risks,
    the measures, the victim's wishes, who was consulted, and when it is next reviewed
    (which starts risk-assessment-review)."""

    assessment_id: str
    incident: str = Text
    concern_id: str | None = None
    part: Part
    other_pupil_ids: list[str] = Field(default_factory=list, max_length=10)
    risks: str = Text
    measures: list[Measure] = Field(max_length=30)
    victim_wishes: str | None = Field(default=None, max_length=10_000)
    consulted: list[str] = Field(max_length=30)
    review_on: date
    recorded_at: AwareDatetime


class RiskAssessmentReviewed(_Step):
    """A risk assessment was reviewed: what was found, the measures from now on (None: as
    before), and the next review (None: the assessment ends). It meets the review date set
    by the step `meets` (the assessment, or the review before)."""

    assessment_id: str
    review_id: str
    meets: str
    summary: str = Text
    measures: list[Measure] | None = Field(default=None, max_length=30)
    next_review_on: date | None = None
    reviewed_at: AwareDatetime


class PatternDetected(_Step):
    """A pattern in the child's recent events that the DSL must look at (1.13, 1.21). No
    content: which rule, its thresholds, and the ids of what made it."""

    detection_id: str
    rule: PatternRule
    count: int = Field(ge=1)
    threshold: int = Field(ge=1)
    window_days: int = Field(ge=1)
    window_start: AwareDatetime
    source_ids: list[str] = Field(max_length=100)
    detected_at: AwareDatetime


EVENTS: dict[str, type[BaseModel]] = {
    DEADLINE_APPROACHING: DeadlineChanged,
    DEADLINE_BREACHED: DeadlineChanged,
    DEADLINE_MET: DeadlineChanged,
    TRIAGE_DECIDED: TriageDecided,
    ACTION_ADDED: ActionAdded,
    ACTION_COMPLETED: ActionCompleted,
    ACTION_OVERDUE: ActionOverdue,
    NOTE_ADDED: NoteAdded,
    REVIEW_SET: ReviewSet,
    CASE_CLOSED: CaseClosed,
    CASE_REOPENED: CaseReopened,
    REFERRAL_MADE: ReferralMade,
    REFERRAL_FEEDBACK: ReferralFeedback,
    REFERRAL_ESCALATED: ReferralEscalated,
    FGM_REPORTED: FgmReported,
    CONTEXT_CHANGED: ContextChanged,
    LINK_ADDED: LinkAdded,
    LINK_REMOVED: LinkRemoved,
    RISK_ASSESSMENT_RECORDED: RiskAssessmentRecorded,
    RISK_ASSESSMENT_REVIEWED: RiskAssessmentReviewed,
    PATTERN_DETECTED: PatternDetected,
    ADMIN_ACTION_RECORDED: AdminActionRecorded,
    ADULT_CASE_OPENED: AdultCaseOpened,
    ADULT_CASE_ACCESS_CHANGED: AdultCaseAccessChanged,
    ADULT_CASE_DECIDED: AdultCaseDecided,
    ADULT_LADO_REFERRED: LadoReferred,
    ADULT_SUBJECT_SUSPENDED: SubjectSuspended,
    ADULT_SUSPENSION_CONFIRMED: SuspensionConfirmed,
    ADULT_CASE_CONCLUDED: AdultCaseConcluded,
    ADULT_LOW_LEVEL_PATTERN: LowLevelPattern,
    ADULT_CASES_READ: AdultCasesRead,
}
