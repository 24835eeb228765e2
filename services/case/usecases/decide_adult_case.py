"""The case manager decides whether a concern about an adult meets the harm threshold, and
why: an allegation (case starts lado-referral from the decision's event) or a low-level
concern (the low-level concerns log, which may complete a pattern). The decision and
case.adult_case.decided.v1 are one write. A low-level concern may be decided again as an
allegation; the first decision stays on the case."""

from __future__ import annotations

from contracts import case_v1
from contracts.adult_cases import AdultDecision
from contracts.case_v1 import DeadlineRule
from services.case.domain import harm_threshold
from services.case.domain.adult_cases import LOW_LEVEL
from services.case.domain.case_steps import actor_of, event_id_for, find, fingerprint, step_id
from services.case.domain.deadlines import deadline_id
from services.case.ports import CasePorts
from services.case.usecases.adult_case_file import adult_case_for, require_manager
from services.case.usecases.case_file import as_before, existing_case
from services.case.usecases.low_level_concerns import log_low_level
from services.common.auth import Principal
from services.common.errors import Conflict
from services.common.store import Document


async def decide_adult_case(
    ports: CasePorts,
    principal: Principal,
    case_id: str,
    request: harm_threshold.DecisionRequest,
    idempotency_key: str | None = None,
) -> Document:
    """The decision as recorded."""
    seen = await adult_case_for(ports, principal, case_id)
    require_manager(seen, "decide whether the concern meets the harm threshold")
    school_id = seen.case["school_id"]
    decision_id = step_id("adec", school_id, principal.user_id, idempotency_key)
    signature = fingerprint(request, case_id)
    now = ports.clock.now()
    async with ports.writer.edit(ports.store.adult_cases, case_id) as edit:
        case = existing_case(edit)
        record = find(case.get("decisions"), "decision_id", decision_id)
        if not as_before(record, signature):
            decision = harm_threshold.decision_for(request.criteria_met)
            if refusal := harm_threshold.decision_refusal(case, decision):
                raise Conflict(refusal)
            earlier = case.get("decisions") or []
            record = harm_threshold.decision_record(
                request,
                decision_id=decision_id,
                revises=earlier[-1]["decision_id"] if case["status"] == LOW_LEVEL else None,
                by=principal.user_id,
                at=now,
                fingerprint=signature,
            )
            changes = {"status": record["decision"], "last_activity_at": now}
            if decision == AdultDecision.ALLEGATION:
                event_id = event_id_for(case_v1.ADULT_CASE_DECIDED, decision_id)
                lado = deadline_id(DeadlineRule.LADO_REFERRAL, event_id)
                changes["deadline_ids"] = [*case.get("deadline_ids", []), lado]
            edit.push("decisions", record)
            edit.set(changes)
            edit.emit(harm_threshold.decided_event(case, record, actor_of(principal)))
    assert record is not None
    if record["decision"] == AdultDecision.LOW_LEVEL:
        # Also logged when case hears the decision's event, should this process stop first.
        await log_low_level(ports, edit.document, record)
    return record
