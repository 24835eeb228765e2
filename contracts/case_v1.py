"""Events published by case, major version 1."""

from __future__ import annotations

import uuid
from enum import StrEnum
from typing import Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from contracts.admin_actions import AdminActionRecorded

SCHEMA_VERSION = "1.0"

DEADLINE_APPROACHING = "case.deadline.approaching.v1"
DEADLINE_BREACHED = "case.deadline.breached.v1"
DEADLINE_MET = "case.deadline.met.v1"
ADMIN_ACTION_RECORDED = "case.admin.action_recorded.v1"


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


EVENTS: dict[str, type[BaseModel]] = {
    DEADLINE_APPROACHING: DeadlineChanged,
    DEADLINE_BREACHED: DeadlineChanged,
    DEADLINE_MET: DeadlineChanged,
    ADMIN_ACTION_RECORDED: AdminActionRecorded,
}
