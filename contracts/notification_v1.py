"""Events published by notification, major version 1."""

from __future__ import annotations

from enum import StrEnum

from pydantic import AwareDatetime, BaseModel, ConfigDict

from contracts.admin_actions import AdminActionRecorded

# 1.1: AlertSource.ACTION (an overdue action on a child's case); 1.2: AlertSource.TRANSFER
# and the admin actions (staff, rotas) for the audit log; 1.3: AlertSource.PATTERN.
SCHEMA_VERSION = "1.3"

ALERT_ACKNOWLEDGED = "notification.alert.acknowledged.v1"
ADMIN_ACTION_RECORDED = "notification.admin.action_recorded.v1"


class AlertSource(StrEnum):
    """What raised an alert."""

    CONCERN = "concern"  # intake.concern.raised.v1
    ENCOMPASS = "encompass"  # a police notification (intake.encompass.notified.v1)
    DEADLINE = "deadline"  # a deadline approaching or breached with no open alert to climb
    ACTION = "action"  # an action on a child's case not done by its date (case.action.overdue.v1)
    TRANSFER = (
        "transfer"  # a child protection file offered to the school (records.transfer.offered.v1)
    )
    PATTERN = "pattern"  # a pattern in a child's recent events (case.pattern.detected.v1)


class AlertAcknowledged(BaseModel):
    """A member of the school's rota acknowledged an alert (meets encompass-before-school)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    alert_id: str
    source_id: str
    source_type: AlertSource
    source_event_id: str
    pupil_id: str | None = None
    acknowledged_by: str
    acknowledged_at: AwareDatetime


EVENTS: dict[str, type[BaseModel]] = {
    ALERT_ACKNOWLEDGED: AlertAcknowledged,
    ADMIN_ACTION_RECORDED: AdminActionRecorded,
}
