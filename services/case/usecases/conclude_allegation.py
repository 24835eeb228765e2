"""The case manager records an allegation's outcome with the reasons: the case closes, and
how long it is kept follows the outcome (domain/allegation_outcome.py), in one write with
case.adult_case.concluded.v1. Nothing is deleted: the case is listed in the retention
review when its time comes (a malicious allegation at once)."""

from __future__ import annotations

from services.case.domain import allegation_outcome as outcomes
from services.case.domain.adult_cases import CLOSED
from services.case.domain.allegation_steps import allegation_refusal
from services.case.domain.case_steps import actor_of, fingerprint, step_id
from services.case.ports import CasePorts
from services.case.usecases.adult_case_file import adult_case_for, require_manager
from services.case.usecases.case_file import existing_case
from services.common.auth import Principal
from services.common.clock import uk_date
from services.common.errors import Conflict, InvalidFields
from services.common.store import Document


async def conclude_allegation(
    ports: CasePorts,
    principal: Principal,
    case_id: str,
    request: outcomes.OutcomeRequest,
    idempotency_key: str | None = None,
) -> Document:
    seen = await adult_case_for(ports, principal, case_id)
    require_manager(seen, "record the outcome")
    if problems := outcomes.outcome_problems(request, ports.clock.today()):
        raise InvalidFields(problems)
    now = ports.clock.now()
    outcome_id = step_id("outc", seen.case["school_id"], principal.user_id, idempotency_key)
    signature = fingerprint(request, case_id)
    async with ports.writer.edit(ports.store.adult_cases, case_id) as edit:
        case = existing_case(edit)
        earlier = case.get("outcome")
        if earlier is not None:
            if earlier["outcome_id"] == outcome_id and earlier["fingerprint"] == signature:
                return dict(earlier)  # this very outcome, retried
            raise Conflict("the outcome is recorded already: the case is closed")
        if refusal := allegation_refusal(case, "an outcome"):
            raise Conflict(refusal)
        retention = outcomes.retention_for(
            request.outcome,
            uk_date(now),
            date_of_birth=request.subject_date_of_birth,
            pension_date=request.normal_pension_date,
        )
        record = outcomes.outcome_record(
            request,
            retention,
            outcome_id=outcome_id,
            by=principal.user_id,
            at=now,
            fingerprint=signature,
        )
        edit.set({"outcome": record, "status": CLOSED, "last_activity_at": now})
        edit.emit(outcomes.concluded_event(case, record, actor_of(principal)))
    return record
