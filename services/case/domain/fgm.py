"""The FGM duty (1.4.6): a teacher who discovers that female genital mutilation has been
carried out on a girl must report it to the police themselves. A concern with
`fgm_discovered` puts the duty on the teacher who recorded it and starts the
fgm-police-report deadline; the report, by that teacher or by a DSL on their behalf
(recorded as such), meets it."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any, Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from contracts import case_v1
from contracts.envelope import Actor, Envelope
from services.case.domain.case_access import CASE_WRITERS
from services.case.domain.case_steps import case_event
from services.case.domain.triage import CLOCK_SKEW
from services.common.auth import Principal


class FgmReportRequest(BaseModel):
    """The body of POST /v1/concerns/{concern_id}/fgm-report."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    reported_at: AwareDatetime
    police_reference: str = Field(min_length=1, max_length=200)


def duty(concern_id: str, duty_holder: str, raised_at: datetime) -> dict[str, Any]:
    return {
        "concern_id": concern_id,
        "duty_holder": duty_holder,
        "raised_at": raised_at,
        "report": None,
    }


def duty_pointer(
    trust_id: str,
    school_id: str,
    pupil_id: str,
    concern_id: str,
    duty_holder: str,
    raised_at: datetime,
) -> dict[str, Any]:
    """The duty as listed for its holder (`fgm_duties`; the report itself is on the case)."""
    return {
        "_id": f"{school_id}/{concern_id}",
        "trust_id": trust_id,
        "school_id": school_id,
        "pupil_id": pupil_id,
        "concern_id": concern_id,
        "duty_holder": duty_holder,
        "raised_at": raised_at,
        "reported_at": None,
    }


def reporter_standing(
    principal: Principal, school_id: str, duty_holder: str
) -> Literal["self", "on_behalf"] | None:
    """The teacher whose duty it is reports for themselves; the school's DSLs may record it
    on their behalf; nobody else may."""
    if principal.school_id != school_id:
        return None
    if principal.user_id == duty_holder:
        return "self"
    if principal.has_any(CASE_WRITERS):
        return "on_behalf"
    return None


def report_problem(request: FgmReportRequest, now: datetime) -> str | None:
    if request.reported_at > now + CLOCK_SKEW:
        return "a report cannot be made in the future"
    return None


def report_refusal(duty_record: Mapping[str, Any], fingerprint: str) -> str | None:
    report = duty_record.get("report")
    if report is not None and report["fingerprint"] != fingerprint:
        return "the FGM report for this concern has already been recorded"
    return None


def report(
    request: FgmReportRequest,
    *,
    report_id: str,
    duty_holder: str,
    by: str,
    at: datetime,
    fingerprint: str,
) -> dict[str, Any]:
    return {
        "report_id": report_id,
        "reported_at": request.reported_at,
        "police_reference": request.police_reference,
        "recorded_by": by,
        "on_behalf": by != duty_holder,
        "recorded_at": at,
        "fingerprint": fingerprint,
    }


def reported_event(
    case: Mapping[str, Any], duty_record: Mapping[str, Any], actor: Actor
) -> Envelope[BaseModel]:
    made = duty_record["report"]
    payload = case_v1.FgmReported(
        pupil_id=case["pupil_id"],
        report_id=made["report_id"],
        concern_id=duty_record["concern_id"],
        duty_holder=duty_record["duty_holder"],
        on_behalf=made["on_behalf"],
        reported_at=made["reported_at"],
        police_reference=made["police_reference"],
    )
    return case_event(
        case,
        case_v1.FGM_REPORTED,
        payload,
        step=made["report_id"],
        actor=actor,
        at=made["recorded_at"],
        correlation_id=duty_record["concern_id"],
    )
