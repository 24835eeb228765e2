"""The administrative-action fact that intake, case and notification each publish
(`<producer>.admin.action_recorded.v1`) when an admin changes how a school or trust is set
up; records keeps them as the trust's admin audit log.

Who, what and when, never the content: ids, the action, and counts or flags in `details`;
no names, addresses, calendar dates or secrets."""

from __future__ import annotations

from enum import StrEnum

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field


class AdminAction(StrEnum):
    SCHOOL_RECORDED = "school.recorded"  # registered, or its name or URN changed (intake)
    PUPIL_RECORDED = "pupil.recorded"  # one pupil recorded by hand (intake)
    ROSTER_IMPORTED = "roster.imported"  # a roll uploaded as CSV (intake)
    SENDER_REGISTERED = "sender.registered"  # an Encompass sender, with its secret (intake)
    SENDER_CHANGED = "sender.changed"  # its name, trusts or secret (intake)
    CALENDAR_REPLACED = "calendar.replaced"  # terms, closures, working hours (case)
    # Whether the trust lead manages concerns about adults with the headteacher (case).
    ALLEGATION_SETTINGS_CHANGED = "allegation_settings.changed"
    STAFF_RECORDED = "staff.recorded"  # someone who may sit on the rota (notification)
    STAFF_REMOVED = "staff.removed"  # (notification)
    ROTA_REPLACED = "rota.replaced"  # who is alerted, in which order (notification)
    PATTERN_RULES_REPLACED = "pattern_rules.replaced"  # a school's pattern thresholds (case)


class AdminActionRecorded(BaseModel):
    """An administrator changed a school's or trust's set-up: who, what and when, by id
    (never names, addresses or secrets). The envelope's school_id is the school's, or the
    trust's id for an action over a whole trust (an Encompass sender), where the payload's
    school_id is null."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    action: AdminAction
    object_id: str = Field(min_length=1, max_length=200, description="what was changed, by id")
    trust_id: str
    school_id: str | None = Field(default=None, description="null: the action is trust-wide")
    user_id: str
    roles: list[str]
    at: AwareDatetime
    details: dict[str, int | bool] = Field(
        default_factory=dict, description="counts and flags only, e.g. rows, secret_changed"
    )
