"""The FGM report to the police (1.4.6): by the teacher who discovered it, whose personal
duty it is, or by a DSL on their behalf (recorded as such). The report and
case.fgm.reported.v1 are one write of the child's case; it meets fgm-police-report. A
teacher sees the duties they hold (and nothing else of the case); a DSL sees the school's."""

from __future__ import annotations

from contracts.case_v1 import DeadlineRule
from services.case.domain import fgm
from services.case.domain.case_access import CASE_WRITERS
from services.case.domain.case_steps import actor_of, find, fingerprint, replaced, step_id
from services.case.domain.cases import case_key
from services.case.ports import CasePorts
from services.case.usecases.meet_deadline import meet_deadline
from services.common.auth import Principal
from services.common.errors import Conflict, Invalid, NotFound
from services.common.store import Document


async def report_fgm(
    ports: CasePorts,
    principal: Principal,
    concern_id: str,
    request: fgm.FgmReportRequest,
    idempotency_key: str | None = None,
) -> tuple[Document, str]:
    """The report as kept, and what the deadline now is ("met", "breached": too late, or
    "pending": it has not started yet)."""
    duty = await _duty_in_reach(ports, principal, concern_id)
    now = ports.clock.now()
    if problem := fgm.report_problem(request, now):
        raise Invalid("reported_at", problem)
    report_id = step_id("fgm", duty["school_id"], principal.user_id, idempotency_key)
    signature = fingerprint(request, concern_id)
    case_id = case_key(duty["school_id"], duty["pupil_id"])
    async with ports.writer.edit(ports.store.cases, case_id) as edit:
        case = edit.current
        on_case = find((case or {}).get("fgm_duties"), "concern_id", concern_id)
        if case is None or on_case is None:
            raise NotFound("concern")
        if refusal := fgm.report_refusal(on_case, signature):
            raise Conflict(refusal)
        if on_case["report"] is None:
            on_case["report"] = fgm.report(
                request,
                report_id=report_id,
                duty_holder=on_case["duty_holder"],
                by=principal.user_id,
                at=now,
                fingerprint=signature,
            )
            edit.set({"fgm_duties": replaced(case["fgm_duties"], "concern_id", on_case)})
            edit.emit(fgm.reported_event(case, on_case, actor_of(principal)))
    report = on_case["report"]
    await ports.store.fgm_duty_reported(duty["school_id"], concern_id, report["reported_at"])
    outcomes = await meet_deadline(
        ports,
        school_id=duty["school_id"],
        rule=DeadlineRule.FGM_POLICE_REPORT,
        source_id=concern_id,
        met_by=report["report_id"],
        met_at=report["reported_at"],
    )
    return report, outcomes[0] if outcomes else "pending"


async def fgm_duties(ports: CasePorts, principal: Principal) -> list[Document]:
    """The FGM duties the caller holds; for the school's DSLs, every duty of the school."""
    if principal.school_id is None:
        raise NotFound("school")
    holder = None if principal.has_any(CASE_WRITERS) else principal.user_id
    return await ports.store.fgm_duties_of(principal.school_id, holder)


async def _duty_in_reach(ports: CasePorts, principal: Principal, concern_id: str) -> Document:
    duty = None
    if principal.school_id is not None:
        duty = await ports.store.fgm_duty(principal.school_id, concern_id)
    if (
        duty is None
        or fgm.reporter_standing(principal, duty["school_id"], duty["duty_holder"]) is None
    ):
        raise NotFound("concern")
    return duty
