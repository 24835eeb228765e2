"""A DSL decides what happens about a concern, and why: the decision is kept verbatim on the
child's case, once per concern, and meets the concern's dsl-triage deadline."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from contracts.case_v1 import DeadlineRule
from services.case.domain.triage import TriageDecision, triage_record
from services.case.ports import CasePorts
from services.case.usecases.meet_deadline import meet_deadline
from services.common.auth import DSL_ROLES, Principal
from services.common.errors import Conflict, NotFound


@dataclass(frozen=True)
class Triage:
    triage_id: str
    concern_id: str
    decision: str
    decided_at: datetime
    deadline: str  # "met", "breached" (too late) or "pending" (the clock has not started)


async def triage_concern(
    ports: CasePorts, principal: Principal, concern_id: str, decision: TriageDecision
) -> Triage:
    school_id = principal.school_id
    if school_id is None or not principal.has_any(DSL_ROLES):
        raise NotFound("concern")
    case = await ports.store.case(school_id, decision.pupil_id)
    if case is None or concern_id not in case.get("sources", []):
        raise NotFound("concern")
    now = ports.clock.now()
    record = triage_record(
        decision,
        trust_id=case["trust_id"],
        school_id=school_id,
        concern_id=concern_id,
        decided_by=principal.user_id,
        decided_at=now,
    )
    if not await ports.store.record_decision(record):
        raise Conflict("this concern has already been triaged")
    outcomes = await meet_deadline(
        ports,
        school_id=school_id,
        rule=DeadlineRule.DSL_TRIAGE,
        source_id=concern_id,
        met_by=record["_id"],
        met_at=now,
    )
    return Triage(
        record["_id"], concern_id, record["decision"], now, outcomes[0] if outcomes else "pending"
    )
