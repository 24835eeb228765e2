"""What comes back from a referral: children's social care's feedback (which meets the
social-care-feedback deadline), and the school's escalation when the response is late or
wrong (the local resolution procedure: when, to whom, with what outcome). Each is kept on
its referral with its event in the same write; a closed case still takes them."""

from __future__ import annotations

from contracts.case_v1 import DeadlineRule
from services.case.domain import referrals
from services.case.domain.case_steps import actor_of, find, fingerprint, replaced, step_id
from services.case.ports import CasePorts
from services.case.usecases.case_file import as_before, case_holding, existing_case
from services.case.usecases.meet_deadline import meet_deadline
from services.common.auth import Principal
from services.common.errors import Invalid, InvalidFields, NotFound
from services.common.store import Document


async def record_feedback(
    ports: CasePorts,
    principal: Principal,
    referral_id: str,
    request: referrals.FeedbackRequest,
    idempotency_key: str | None = None,
) -> tuple[Document, str]:
    """The feedback as kept, and what the deadline now is ("met", "breached": too late, or
    "pending": it has not started yet)."""
    ref = await case_holding(ports, principal, "referral", referral_id)
    now = ports.clock.now()
    feedback_id = step_id("fb", ref.school_id, principal.user_id, idempotency_key)
    signature = fingerprint(request, referral_id)
    async with ports.writer.edit(ports.store.cases, ref.case_id) as edit:
        case = existing_case(edit)
        referral = _referral(case, referral_id)
        feedback = find(referral["feedback"], "feedback_id", feedback_id)
        if not as_before(feedback, signature):
            if problems := referrals.feedback_problems(referral, request, now):
                raise InvalidFields(problems)
            feedback = referrals.new_feedback(
                request,
                feedback_id=feedback_id,
                by=principal.user_id,
                at=now,
                fingerprint=signature,
            )
            answered = {**referral, "feedback": [*referral["feedback"], feedback]}
            edit.set({"referrals": replaced(case["referrals"], "referral_id", answered)})
            edit.emit(referrals.feedback_event(case, referral, feedback, actor_of(principal)))
    assert feedback is not None
    # Also met when case consumes the feedback's event, should this process stop first.
    outcomes = await meet_deadline(
        ports,
        school_id=ref.school_id,
        rule=DeadlineRule.SOCIAL_CARE_FEEDBACK,
        source_id=referral_id,
        met_by=feedback["feedback_id"],
        met_at=feedback["received_at"],
    )
    return feedback, outcomes[0] if outcomes else "pending"


async def record_escalation(
    ports: CasePorts,
    principal: Principal,
    referral_id: str,
    request: referrals.EscalationRequest,
    idempotency_key: str | None = None,
) -> Document:
    ref = await case_holding(ports, principal, "referral", referral_id)
    now = ports.clock.now()
    escalation_id = step_id("esc", ref.school_id, principal.user_id, idempotency_key)
    signature = fingerprint(request, referral_id)
    async with ports.writer.edit(ports.store.cases, ref.case_id) as edit:
        case = existing_case(edit)
        referral = _referral(case, referral_id)
        earlier = find(referral["escalations"], "escalation_id", escalation_id)
        if as_before(earlier, signature):
            return earlier  # type: ignore[return-value]
        if problem := referrals.escalation_problem(referral, request, now):
            raise Invalid(*problem)
        escalation = referrals.new_escalation(
            request,
            escalation_id=escalation_id,
            by=principal.user_id,
            at=now,
            fingerprint=signature,
        )
        challenged = {**referral, "escalations": [*referral["escalations"], escalation]}
        edit.set({"referrals": replaced(case["referrals"], "referral_id", challenged)})
        edit.emit(referrals.escalated_event(case, referral, escalation, actor_of(principal)))
    return escalation


def _referral(case: Document, referral_id: str) -> Document:
    referral = find(case.get("referrals"), "referral_id", referral_id)
    if referral is None:
        raise NotFound("referral")
    return referral
