"""An admin records one pupil (PUT /v1/schools/{school}/pupils/{pupil}).

The pupil is stored as a roster import stores it (domain/pupil_records.py), so that the
matcher and a later import treat both alike: what only a roster knows (postcode, roll
dates) is None until a roster names it, and a PUT never overwrites it.
intake.pupil.recorded.v1 goes out whenever the recorded details change, with the admin
audit entry in the same write."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from contracts.admin_actions import AdminAction
from contracts.envelope import Actor
from contracts.intake_v1 import ADMIN_ACTION_RECORDED
from contracts.vocabulary import Role
from services.common.access import school_in_reach
from services.common.admin_audit import admin_action_recorded
from services.common.auth import Principal
from services.intake.domain.pupil_records import details_state, pupil_document, pupil_recorded
from services.intake.domain.schools import PupilDetails, pupil_key
from services.intake.ports import IntakePorts


@dataclass(frozen=True)
class RecordedPupil:
    state: dict[str, Any]  # what this request set
    created: bool


async def record_pupil(
    ports: IntakePorts,
    principal: Principal,
    school_id: str,
    pupil_id: str,
    details: PupilDetails,
) -> RecordedPupil:
    store = ports.store
    school = school_in_reach(
        principal,
        school_id,
        await store.school(school_id),
        frozenset({Role.ADMIN}),
        registered_elsewhere=False,
    )
    trust_id = school["trust_id"]
    state = {"school_id": school_id, "trust_id": trust_id, **details_state(pupil_id, details)}
    now = ports.clock.now()
    actor = Actor(kind="user", id=principal.user_id, role=Role.ADMIN)
    audited = admin_action_recorded(
        ADMIN_ACTION_RECORDED,
        principal,
        AdminAction.PUPIL_RECORDED,
        object_id=pupil_id,
        trust_id=trust_id,
        school_id=school_id,
        at=now,
    )
    stored, changed = await ports.writer.put(
        store.pupils,
        pupil_key(school_id, pupil_id),
        state,
        lambda _: [pupil_recorded(school_id, trust_id, state, actor, now), audited],
        meta={"updated_at": now},
        defaults=pupil_document(school_id, trust_id, state),
    )
    # Version 1 is the write that created the document.
    return RecordedPupil(state, created=changed and stored["version"] == 1)
