"""A DSL's triage decision on a concern: what was decided and why (meets dsl-triage)."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from pydantic import BaseModel, ConfigDict, Field


class Decision(StrEnum):
    REFER_TO_CHILDRENS_SOCIAL_CARE = "refer_to_childrens_social_care"
    REFER_TO_POLICE = "refer_to_police"
    EARLY_HELP = "early_help"
    REFER_TO_OTHER_AGENCY = "refer_to_other_agency"
    MONITOR_IN_SCHOOL = "monitor_in_school"
    NO_FURTHER_ACTION = "no_further_action"


class TriageDecision(BaseModel):
    """The body of POST /v1/concerns/{concern_id}/triage."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    pupil_id: str = Field(min_length=1, max_length=64)
    decision: Decision
    reason: str = Field(min_length=1, max_length=5_000, description="why: recorded verbatim")


def triage_id(school_id: str, concern_id: str) -> str:
    """One triage decision per concern; a second attempt is a conflict, not a new decision."""
    return f"triage:{school_id}:{concern_id}"


def triage_record(
    decision: TriageDecision,
    *,
    trust_id: str,
    school_id: str,
    concern_id: str,
    decided_by: str,
    decided_at: datetime,
) -> dict[str, Any]:
    """The decision as kept on the child's case, verbatim and signed."""
    return {
        "_id": triage_id(school_id, concern_id),
        "trust_id": trust_id,
        "school_id": school_id,
        "pupil_id": decision.pupil_id,
        "concern_id": concern_id,
        "decision": decision.decision.value,
        "reason": decision.reason,
        "decided_by": decided_by,
        "decided_at": decided_at,
    }
