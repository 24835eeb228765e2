"""Any member of staff raises a concern about an adult who works with the school's
children: staff, supply staff, a volunteer, a contractor, a governor or the headteacher
(KCSIE Part 4).

The submission is stored once, with intake.adult_concern.raised.v1, in one write: case
opens the adult case and routes it to its case manager (who is alerted at once), records
starts the adult case's own chronology. The reporter sees only the receipt afterwards.
The Idempotency-Key makes a retry safe, as for a concern about a child."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from contracts.adult_cases import adult_case_id
from services.common.access import school_in_reach
from services.common.auth import SCHOOL_ROLES, Principal
from services.common.errors import Conflict, InvalidFields
from services.intake.domain.adult_concerns import (
    AdultConcernSubmission,
    adult_concern_id_for,
    adult_concern_raised,
)
from services.intake.ports import IntakePorts


@dataclass(frozen=True)
class AdultConcernReceipt:
    adult_concern_id: str
    received_at: datetime


async def raise_adult_concern(
    ports: IntakePorts,
    principal: Principal,
    submission: AdultConcernSubmission,
    idempotency_key: str,
) -> AdultConcernReceipt:
    store = ports.store
    school = school_in_reach(
        principal,
        submission.school_id,
        await store.known_school(submission.school_id),
        SCHOOL_ROLES,
        registered_elsewhere=False,
    )
    unknown = [
        (f"children_involved.{n}", "no pupil with this id at this school")
        for n, pupil_id in enumerate(submission.children_involved)
        if not await store.has_pupil(submission.school_id, pupil_id)
    ]
    if unknown:
        raise InvalidFields(unknown)
    concern_id = adult_concern_id_for(submission.school_id, principal.user_id, idempotency_key)
    received_at = ports.clock.now()
    event = adult_concern_raised(
        submission,
        adult_concern_id=concern_id,
        trust_id=school["trust_id"],
        reporter=principal,
        received_at=received_at,
    )
    document = store.adult_concern_document(
        concern_id,
        adult_case_id(concern_id),
        school["trust_id"],
        submission,
        principal.user_id,
        received_at,
    )
    if await ports.writer.insert(store.adult_concerns, document, [event]):
        return AdultConcernReceipt(concern_id, received_at)
    earlier = await store.adult_concern(concern_id)
    if earlier is None or earlier["fingerprint"] != document["fingerprint"]:
        raise Conflict("this Idempotency-Key was already used for a different concern")
    return AdultConcernReceipt(concern_id, earlier["received_at"])
