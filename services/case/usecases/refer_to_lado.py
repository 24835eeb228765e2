"""The case manager (or a DSL they named) records the referral of an allegation to the
Local Authority Designated Officer: when, to whom, their reference and advice. It is kept
on the case with case.adult_case.lado_referred.v1 in one write, and meets lado-referral
(the answer says whether in time; case meets it again from the event, should this process
stop first)."""

from __future__ import annotations

from dataclasses import dataclass

from contracts.case_v1 import DeadlineRule
from services.case.domain import allegation_steps as steps
from services.case.domain.case_steps import actor_of, find, fingerprint, step_id
from services.case.ports import CasePorts
from services.case.usecases.adult_case_file import adult_case_for
from services.case.usecases.case_file import as_before, existing_case
from services.case.usecases.meet_deadline import meet_deadline
from services.common.auth import Principal
from services.common.errors import Conflict, InvalidFields
from services.common.store import Document


@dataclass(frozen=True)
class Recorded:
    record: Document
    deadline: str  # "met", "breached" (too late) or "pending" (the clock has not started)


async def refer_to_lado(
    ports: CasePorts,
    principal: Principal,
    case_id: str,
    request: steps.LadoReferralRequest,
    idempotency_key: str | None = None,
) -> Recorded:
    seen = await adult_case_for(ports, principal, case_id)
    now = ports.clock.now()
    if problems := steps.in_the_past("referred_at", request.referred_at, now, "the referral"):
        raise InvalidFields(problems)
    school_id = seen.case["school_id"]
    referral_id = step_id("lado", school_id, principal.user_id, idempotency_key)
    signature = fingerprint(request, case_id)
    async with ports.writer.edit(ports.store.adult_cases, case_id) as edit:
        case = existing_case(edit)
        record = find(case.get("lado_referrals"), "referral_id", referral_id)
        if not as_before(record, signature):
            if refusal := steps.allegation_refusal(case, "a LADO referral"):
                raise Conflict(refusal)
            record = steps.lado_record(
                request,
                referral_id=referral_id,
                by=principal.user_id,
                at=now,
                fingerprint=signature,
            )
            edit.push("lado_referrals", record)
            edit.set({"last_activity_at": now})
            edit.emit(steps.lado_event(case, record, actor_of(principal)))
    assert record is not None
    outcomes = await meet_deadline(
        ports,
        school_id=school_id,
        rule=DeadlineRule.LADO_REFERRAL,
        source_id=case_id,
        met_by=record["referral_id"],
        met_at=record["referred_at"],
    )
    return Recorded(record, outcomes[0] if outcomes else "pending")
