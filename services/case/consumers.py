"""case's subscribers: each event is handed to the use case named after what it starts."""

from __future__ import annotations

from functools import partial

from contracts import case_v1, intake_v1, notification_v1, records_v1
from services.case.ports import CasePorts
from services.case.usecases import (
    adult_case_clock,
    file_transfer_deadline,
    meet_case_deadlines,
    risk_assessment_deadlines,
    start_deadline,
    watch_patterns,
)
from services.case.usecases.involve_named_children import concern_named_children
from services.case.usecases.link_children import mirror_added, mirror_removed
from services.case.usecases.meet_deadline import police_alert_acknowledged
from services.case.usecases.open_adult_case import open_adult_case
from services.case.usecases.record_pupil import record_pupil, record_pupils
from services.case.usecases.record_school import record_school
from services.common.runtime import ServiceRuntime
from services.common.together import all_events


def register(runtime: ServiceRuntime, ports: CasePorts) -> None:
    runtime.consume(
        "case.deadlines",
        {
            intake_v1.CONCERN_RAISED: partial(start_deadline.concern_raised, ports),
            intake_v1.ENCOMPASS_NOTIFIED: partial(
                start_deadline.police_notification_received, ports
            ),
            intake_v1.ENCOMPASS_NOTIFIED_TOGETHER: all_events(
                partial(start_deadline.police_notifications_received, ports)
            ),
            intake_v1.PUPIL_LEFT: partial(start_deadline.pupil_left, ports),
            notification_v1.ALERT_ACKNOWLEDGED: partial(police_alert_acknowledged, ports),
            case_v1.REFERRAL_MADE: partial(start_deadline.referral_made, ports),
            case_v1.TRIAGE_DECIDED: partial(meet_case_deadlines.triage_decided, ports),
            case_v1.FGM_REPORTED: partial(meet_case_deadlines.fgm_reported, ports),
            case_v1.REFERRAL_FEEDBACK: partial(meet_case_deadlines.feedback_received, ports),
            case_v1.RISK_ASSESSMENT_RECORDED: partial(
                risk_assessment_deadlines.assessment_recorded, ports
            ),
            case_v1.RISK_ASSESSMENT_REVIEWED: partial(
                risk_assessment_deadlines.assessment_reviewed, ports
            ),
        },
    )
    runtime.consume(
        "case.transfers",
        {
            records_v1.TRANSFER_STARTED: partial(file_transfer_deadline.transfer_started, ports),
            records_v1.TRANSFER_RECEIVED: partial(file_transfer_deadline.transfer_received, ports),
        },
    )
    runtime.consume(
        "case.adult_cases",
        {
            intake_v1.ADULT_CONCERN_RAISED: partial(open_adult_case, ports),
            case_v1.ADULT_CASE_DECIDED: partial(adult_case_clock.decided, ports),
            case_v1.ADULT_LADO_REFERRED: partial(adult_case_clock.lado_referred, ports),
            case_v1.ADULT_SUBJECT_SUSPENDED: partial(adult_case_clock.suspended, ports),
            case_v1.ADULT_SUSPENSION_CONFIRMED: partial(
                adult_case_clock.suspension_confirmed, ports
            ),
        },
    )
    runtime.consume(
        "case.directory",
        {
            intake_v1.SCHOOL_RECORDED: partial(record_school, ports),
            intake_v1.PUPIL_RECORDED: partial(record_pupil, ports),
            intake_v1.PUPILS_RECORDED: partial(record_pupils, ports),
        },
    )
    runtime.consume(
        "case.patterns",
        {
            intake_v1.CONCERN_RAISED: partial(watch_patterns.concern_raised, ports),
            intake_v1.ENCOMPASS_NOTIFIED: partial(
                watch_patterns.police_notification_received, ports
            ),
            intake_v1.ENCOMPASS_NOTIFIED_TOGETHER: all_events(
                partial(watch_patterns.police_notifications_received, ports)
            ),
            case_v1.REFERRAL_MADE: partial(watch_patterns.referral_made, ports),
            case_v1.CASE_CLOSED: partial(watch_patterns.case_closed, ports),
        },
    )
    runtime.consume(
        "case.incidents", {intake_v1.CONCERN_RAISED: partial(concern_named_children, ports)}
    )
    runtime.consume(
        "case.links",
        {
            case_v1.LINK_ADDED: partial(mirror_added, ports),
            case_v1.LINK_REMOVED: partial(mirror_removed, ports),
        },
    )
