"""An admin registers a school, or changes its name or URN (PUT /v1/schools/{id}).

A school belongs to one trust for good: an admin may only register schools of their own
trust, and a school of another trust is not theirs to change. intake.school.recorded.v1
goes out whenever the school's details change, so the other services learn of it, with
the admin audit entry (intake.admin.action_recorded.v1) in the same write."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from contracts.admin_actions import AdminAction
from contracts.envelope import Actor
from contracts.intake_v1 import ADMIN_ACTION_RECORDED
from contracts.vocabulary import Role
from services.common.admin_audit import admin_action_recorded
from services.common.auth import Principal
from services.common.errors import Conflict, Invalid, NotFound
from services.intake.domain.schools import SchoolDetails, school_recorded
from services.intake.ports import IntakePorts


@dataclass(frozen=True)
class RecordedSchool:
    details: dict[str, Any]
    created: bool


async def record_school(
    ports: IntakePorts, principal: Principal, school_id: str, details: SchoolDetails
) -> RecordedSchool:
    store = ports.store
    if Role.ADMIN not in principal.roles:
        raise NotFound("school")
    existing = await store.school(school_id)
    if principal.school_id is not None and principal.school_id != school_id:
        raise NotFound("school")
    if principal.trust_id is not None and details.trust_id != principal.trust_id:
        raise Invalid("trust_id", "you may only register schools of your own trust")
    if existing is not None and existing["trust_id"] != details.trust_id:
        if principal.trust_wide:
            raise NotFound("school")
        raise Conflict("the school belongs to another trust")
    now = ports.clock.now()
    actor = Actor(kind="user", id=principal.user_id, role=Role.ADMIN)
    state = details.model_dump()
    audited = admin_action_recorded(
        ADMIN_ACTION_RECORDED,
        principal,
        AdminAction.SCHOOL_RECORDED,
        object_id=school_id,
        trust_id=details.trust_id,
        school_id=school_id,
        at=now,
        details={"created": existing is None},
    )
    await ports.writer.put(
        store.schools,
        school_id,
        state,
        lambda _: [school_recorded(school_id, details, actor, now), audited],
        meta={"updated_at": now},
    )
    store.school_cache.forget(school_id)
    return RecordedSchool(state, created=existing is None)
