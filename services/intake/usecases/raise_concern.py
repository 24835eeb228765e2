"""A member of staff records a worry about a child.

The concern is stored once, with the event it causes, in one write; the relay publishes
intake.concern.raised.v1, from which notification alerts the DSL, records adds it to the
child's chronology and case starts the dsl-triage clock. The Idempotency-Key makes a retry
safe: the same key and body give the same concern; the same key with another body is
refused. Other pupils a concern names (child-on-child) must be on the school's roll too."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from services.common.access import school_in_reach
from services.common.auth import SCHOOL_ROLES, Principal
from services.common.errors import Conflict, Invalid, InvalidFields
from services.intake.domain.concerns import (
    ConcernSubmission,
    concern_id_for,
    concern_raised,
    involvement_problems,
)
from services.intake.ports import IntakePorts


@dataclass(frozen=True)
class ConcernReceipt:
    concern_id: str
    received_at: datetime


async def raise_concern(
    ports: IntakePorts, principal: Principal, submission: ConcernSubmission, idempotency_key: str
) -> ConcernReceipt:
    store = ports.store
    school = school_in_reach(
        principal,
        submission.school_id,
        await store.known_school(submission.school_id),
        SCHOOL_ROLES,
        registered_elsewhere=False,
    )
    if not await store.has_pupil(submission.school_id, submission.pupil_id):
        raise Invalid("pupil_id", "no pupil with this id at this school")
    problems = involvement_problems(submission)
    for index, named in enumerate(submission.other_pupils_involved):
        if not await store.has_pupil(submission.school_id, named.pupil_id):
            field = f"other_pupils_involved.{index}.pupil_id"
            problems.append((field, "no pupil with this id at this school"))
    if problems:
        raise InvalidFields(problems)
    concern_id = concern_id_for(submission.school_id, principal.user_id, idempotency_key)
    received_at = ports.clock.now()
    event = concern_raised(
        submission,
        concern_id=concern_id,
        trust_id=school["trust_id"],
        reporter=principal,
        received_at=received_at,
    )
    document = store.concern_document(
        concern_id, school["trust_id"], submission, principal.user_id, received_at
    )
    if await ports.writer.insert(store.concerns, document, [event]):
        return ConcernReceipt(concern_id, received_at)
    # The key was used before: the same concern again is answered as before.
    earlier = await store.concern(concern_id)
    if earlier is None or earlier["fingerprint"] != document["fingerprint"]:
        raise Conflict("this Idempotency-Key was already used for a different concern")
    return ConcernReceipt(concern_id, earlier["received_at"])
