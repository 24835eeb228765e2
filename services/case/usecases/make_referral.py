"""A DSL records a referral to another agency: when, how, the agency's reference and
contact, whether the parents were told (or why not), and the concerns it is about. The
referral and case.referral.made.v1 are one write; case hears that event and, for children's
social care, starts the social-care-feedback deadline (usecases/start_deadline.py)."""

from __future__ import annotations

from services.case.domain import referrals
from services.case.domain.case_steps import actor_of, find, fingerprint, step_id
from services.case.ports import CasePorts
from services.case.usecases.case_file import (
    as_before,
    case_of_pupil,
    case_to_change,
    require_open,
)
from services.common.auth import Principal
from services.common.errors import InvalidFields
from services.common.store import Document


async def make_referral(
    ports: CasePorts,
    principal: Principal,
    pupil_id: str,
    request: referrals.ReferralRequest,
    idempotency_key: str | None = None,
) -> Document:
    ref = await case_of_pupil(ports, principal, pupil_id)
    now = ports.clock.now()
    referral_id = step_id("ref", ref.school_id, principal.user_id, idempotency_key)
    signature = fingerprint(request, pupil_id)
    async with ports.writer.edit(ports.store.cases, ref.case_id) as edit:
        earlier = find((edit.current or {}).get("referrals"), "referral_id", referral_id)
        if as_before(earlier, signature):
            return earlier  # type: ignore[return-value]
        if problems := referrals.referral_problems(request, edit.current, now):
            raise InvalidFields(problems)
        case = case_to_change(edit, ref, now)
        require_open(case, "making a referral")
        referral = referrals.new_referral(
            request, referral_id=referral_id, by=principal.user_id, at=now, fingerprint=signature
        )
        await ports.store.point("referral", ref.school_id, referral_id, case)
        edit.push("referrals", referral)
        edit.set({"last_activity_at": now})
        edit.emit(referrals.made_event(case, referral, actor_of(principal)))
    return referral
