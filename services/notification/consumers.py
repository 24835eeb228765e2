"""notification's subscribers: each event is handed to one use case."""

from __future__ import annotations

from functools import partial

from contracts import case_v1, intake_v1, records_v1
from services.common.runtime import ServiceRuntime
from services.common.together import all_events
from services.notification.ports import NotificationPorts
from services.notification.usecases.alert_case_managers import (
    adult_case_opened,
    low_level_pattern_found,
)
from services.notification.usecases.alert_operators import alert_operators
from services.notification.usecases.amend_alert import amend_alert
from services.notification.usecases.escalate_for_deadline import escalate_for_deadline
from services.notification.usecases.file_offered import file_offered
from services.notification.usecases.raise_alert import (
    raise_alert_for_concern,
    raise_alert_for_overdue_action,
    raise_alert_for_pattern,
    raise_alert_for_police_notification,
    raise_alerts_for_police_notifications,
)
from services.notification.usecases.record_child_flags import record_child_flags
from services.notification.usecases.record_school import record_school


def register(runtime: ServiceRuntime, ports: NotificationPorts) -> None:
    runtime.consume(
        "notification.alerts",
        {
            intake_v1.CONCERN_RAISED: partial(raise_alert_for_concern, ports),
            intake_v1.ENCOMPASS_NOTIFIED: partial(raise_alert_for_police_notification, ports),
            intake_v1.ENCOMPASS_NOTIFIED_TOGETHER: all_events(
                partial(raise_alerts_for_police_notifications, ports)
            ),
            intake_v1.ENCOMPASS_AMENDED: partial(amend_alert, ports),
            case_v1.ACTION_OVERDUE: partial(raise_alert_for_overdue_action, ports),
            case_v1.PATTERN_DETECTED: partial(raise_alert_for_pattern, ports),
        },
    )
    runtime.consume(
        "notification.deadlines",
        {
            case_v1.DEADLINE_APPROACHING: partial(escalate_for_deadline, ports),
            case_v1.DEADLINE_BREACHED: partial(escalate_for_deadline, ports),
        },
    )
    runtime.consume(
        "notification.directory", {intake_v1.SCHOOL_RECORDED: partial(record_school, ports)}
    )
    runtime.consume(
        "notification.transfers", {records_v1.TRANSFER_OFFERED: partial(file_offered, ports)}
    )
    runtime.consume(
        "notification.adult_cases",
        {
            case_v1.ADULT_CASE_OPENED: partial(adult_case_opened, ports),
            case_v1.ADULT_LOW_LEVEL_PATTERN: partial(low_level_pattern_found, ports),
        },
    )
    runtime.consume(
        "notification.child_flags", {case_v1.CONTEXT_CHANGED: partial(record_child_flags, ports)}
    )
    # Not events: a copy of every dead letter in the system, for the operators.
    runtime.consume_dead_letters(partial(alert_operators, ports))
