"""records' subscribers: each event is handed to one use case."""

from __future__ import annotations

from functools import partial

from contracts import case_v1, intake_v1, notification_v1
from contracts.topology import ADULT_CASE_STEPS
from services.common.runtime import ServiceRuntime
from services.common.together import all_events
from services.records.domain.chronology import CASE_STEPS
from services.records.ports import RecordsPorts
from services.records.usecases import adult_case_events
from services.records.usecases.add_to_chronology import add_all_to_chronology, add_to_chronology
from services.records.usecases.admin_audit import record_admin_action
from services.records.usecases.audit_deadline_met import audit_deadline_met
from services.records.usecases.record_pupil import record_pupil, record_pupils
from services.records.usecases.record_school import record_school
from services.records.usecases.start_transfer import transfer_for_leaver


def register(runtime: ServiceRuntime, ports: RecordsPorts) -> None:
    chronology = partial(add_to_chronology, ports)
    runtime.consume(
        "records.chronology",
        {
            intake_v1.CONCERN_RAISED: chronology,
            intake_v1.ENCOMPASS_NOTIFIED: chronology,
            intake_v1.ENCOMPASS_NOTIFIED_TOGETHER: all_events(
                partial(add_all_to_chronology, ports)
            ),
            intake_v1.ENCOMPASS_AMENDED: chronology,
            **dict.fromkeys(CASE_STEPS, chronology),
        },
    )
    runtime.consume(
        "records.directory",
        {
            intake_v1.PUPIL_RECORDED: partial(record_pupil, ports),
            intake_v1.PUPILS_RECORDED: partial(record_pupils, ports),
            intake_v1.SCHOOL_RECORDED: partial(record_school, ports),
        },
    )
    runtime.consume(
        "records.transfers", {intake_v1.PUPIL_LEFT: partial(transfer_for_leaver, ports)}
    )
    adult_step = partial(adult_case_events.adult_step, ports)
    runtime.consume(
        "records.adult_cases",
        {
            intake_v1.ADULT_CONCERN_RAISED: adult_step,
            **dict.fromkeys(ADULT_CASE_STEPS, adult_step),
            case_v1.ADULT_CASE_OPENED: partial(adult_case_events.adult_case_opened, ports),
            case_v1.ADULT_CASE_ACCESS_CHANGED: partial(
                adult_case_events.adult_access_changed, ports
            ),
            case_v1.ADULT_CASES_READ: partial(adult_case_events.adult_cases_read, ports),
        },
    )
    runtime.consume("records.audit", {case_v1.DEADLINE_MET: partial(audit_deadline_met, ports)})
    runtime.consume(
        "records.admin_audit",
        {
            event_type: partial(record_admin_action, ports)
            for event_type in (
                intake_v1.ADMIN_ACTION_RECORDED,
                case_v1.ADMIN_ACTION_RECORDED,
                notification_v1.ADMIN_ACTION_RECORDED,
            )
        },
    )
