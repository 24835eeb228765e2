"""A DSL decides what happens about a concern, and why, or revises that decision: the
decision is kept verbatim on the child's case with case.triage.decided.v1 in the same
write, and meets the concern's dsl-triage deadline.

A revision names the decision it supersedes; two revisions racing each other both name the
same one, and the second to take the case's lock finds it superseded already (409)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from contracts.case_v1 import DeadlineRule
from services.case.domain import triage
from services.case.domain.case_access import may_write
from services.case.domain.case_steps import actor_of, find, fingerprint, step_id
from services.case.domain.cases import case_key
from services.case.ports import CasePorts
from services.case.usecases.case_file import as_before, existing_case
from services.case.usecases.meet_deadline import meet_deadline
from services.common.auth import Principal
from services.common.errors import Conflict, Invalid, InvalidFields, NotFound


@dataclass(frozen=True)
class Triage:
    triage_id: str
    concern_id: str
    decision: str
    decided_at: datetime
    deadline: str  # "met", "breached" (too late) or "pending" (the clock has not started)
    record: dict[str, Any]


async def triage_concern(
    ports: CasePorts,
    principal: Principal,
    concern_id: str,
    decision: triage.TriageDecision,
    idempotency_key: str | None = None,
) -> Triage:
    school_id = principal.school_id
    if school_id is None or not may_write(principal, school_id):
        raise NotFound("concern")
    case = await ports.store.case(school_id, decision.pupil_id)
    if case is None or concern_id not in case.get("sources", []):
        raise NotFound("concern")
    now = ports.clock.now()
    if problems := triage.timing_problems(decision, now):
        raise InvalidFields(problems)
    decision_id = step_id("dec", school_id, principal.user_id, idempotency_key)
    signature = fingerprint(decision, concern_id)
    legacy = await ports.store.legacy_decision(school_id, concern_id)
    async with ports.writer.edit(ports.store.cases, case_key(school_id, decision.pupil_id)) as edit:
        case = existing_case(edit)
        decisions = triage.history(case, concern_id, legacy)
        record = find(decisions, "decision_id", decision_id)
        if not as_before(record, signature):
            _check_revision(decisions, decision.supersedes)
            record = triage.decision_record(
                decision,
                decision_id=decision_id,
                concern_id=concern_id,
                decided_by=principal.user_id,
                decided_role=principal.primary_role or None,
                decided_at=now,
                fingerprint=signature,
            )
            edit.push("decisions", record)
            edit.set({"last_activity_at": now})
            edit.emit(triage.decided_event(case, record, actor_of(principal)))
            await ports.store.point("concern", school_id, concern_id, case)
    assert record is not None
    # Also met when case consumes the decision's event, should this process stop first.
    outcomes = await meet_deadline(
        ports,
        school_id=school_id,
        rule=DeadlineRule.DSL_TRIAGE,
        source_id=concern_id,
        met_by=record["decision_id"],
        met_at=record["decided_at"],
    )
    return Triage(
        record["decision_id"],
        concern_id,
        record["decision"],
        record["decided_at"],
        outcomes[0] if outcomes else "pending",
        record,
    )


def _check_revision(decisions: list[dict[str, Any]], supersedes: str | None) -> None:
    refusal = triage.revision_refusal(decisions, supersedes)
    if refusal is None:
        return
    kind, why = refusal
    if kind == "invalid":
        raise Invalid("supersedes", why)
    raise Conflict(why)
