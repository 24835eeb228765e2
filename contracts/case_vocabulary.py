"""The words of a child's case file, shared by case's API, its events and the pages: triage
decisions, agencies, feedback outcomes, kinds of note, closure outcomes, and whether the
parents were told."""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, ValidationInfo, field_validator


class Decision(StrEnum):
    """What a DSL decided about a concern at triage."""

    REFER_TO_CHILDRENS_SOCIAL_CARE = "refer_to_childrens_social_care"
    REFER_TO_POLICE = "refer_to_police"
    EARLY_HELP = "early_help"
    REFER_TO_OTHER_AGENCY = "refer_to_other_agency"
    MONITOR_IN_SCHOOL = "monitor_in_school"
    NO_FURTHER_ACTION = "no_further_action"


class Agency(StrEnum):
    """Whom a referral went to."""

    CHILDRENS_SOCIAL_CARE = "childrens_social_care"
    POLICE = "police"
    EARLY_HELP = "early_help"
    PREVENT = "prevent"
    MARAC = "marac"  # multi-agency risk assessment conference
    CAMHS = "camhs"  # child and adolescent mental health services
    SCHOOL_NURSING = "school_nursing"
    OTHER = "other"


class ReferralMethod(StrEnum):
    PHONE = "phone"
    ONLINE_FORM = "online_form"
    EMAIL = "email"
    IN_PERSON = "in_person"
    LETTER = "letter"
    OTHER = "other"


class FeedbackOutcome(StrEnum):
    """What children's social care decided about a referral."""

    NO_FURTHER_ACTION = "no_further_action"
    EARLY_HELP = "early_help"
    CHILD_IN_NEED_ASSESSMENT = "child_in_need_assessment"
    STRATEGY_DISCUSSION = "strategy_discussion"
    CHILD_PROTECTION_CONFERENCE = "child_protection_conference"
    POLICE_INVESTIGATION = "police_investigation"
    OTHER = "other"


class NoteKind(StrEnum):
    CONVERSATION = "conversation"
    PHONE_CALL = "phone_call"
    MEETING = "meeting"
    STRATEGY_DISCUSSION = "strategy_discussion"
    OTHER = "other"


class ClosureOutcome(StrEnum):
    """How a case ended."""

    NO_FURTHER_ACTION = "no_further_action"
    CONCERNS_RESOLVED = "concerns_resolved"
    SUPPORT_IN_SCHOOL = "support_in_school"
    EARLY_HELP = "early_help"
    CHILDRENS_SOCIAL_CARE = "childrens_social_care"
    CHILD_LEFT_SCHOOL = "child_left_school"
    OTHER = "other"


class ParentsInformed(BaseModel):
    """Whether the parents were told, and when; or why not: telling them can put a child at
    risk, so not telling them is a decision with a recorded reason."""

    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)

    informed: bool
    at: AwareDatetime | None = Field(default=None, validate_default=True)
    reason: str | None = Field(default=None, max_length=5_000, validate_default=True)

    @field_validator("at")
    @classmethod
    def _when_told(cls, value: Any, info: ValidationInfo) -> Any:
        if info.data.get("informed") is True and value is None:
            raise ValueError("say when the parents were told")
        return value

    @field_validator("reason")
    @classmethod
    def _why_not_told(cls, value: Any, info: ValidationInfo) -> Any:
        if info.data.get("informed") is False and not value:
            raise ValueError("give the reason the parents were not told")
        return value or None
