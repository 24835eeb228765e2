"""An admin or the headteacher records (or removes) a user who may sit on the school's rota."""

from __future__ import annotations

from typing import Any

from services.common.access import school_in_reach
from services.common.auth import Principal
from services.common.errors import Conflict
from services.notification.access import ROTA_MANAGERS
from services.notification.domain.staff import StaffMember, staff_record
from services.notification.ports import NotificationPorts


async def set_staff(
    ports: NotificationPorts,
    principal: Principal,
    school_id: str,
    user_id: str,
    member: StaffMember,
) -> dict[str, Any]:
    """The staff record as stored (PUT: the same again changes nothing that matters)."""
    store = ports.store
    school = school_in_reach(principal, school_id, await store.school(school_id), ROTA_MANAGERS)
    record = staff_record(school["trust_id"], school_id, user_id, member)
    await store.save_staff(record, ports.clock.now(), principal.user_id)
    return record


async def remove_staff(
    ports: NotificationPorts, principal: Principal, school_id: str, user_id: str
) -> None:
    """Someone on the rota cannot be removed: the rota would name a user nobody knows."""
    store = ports.store
    school_in_reach(principal, school_id, await store.school(school_id), ROTA_MANAGERS)
    if await store.is_rota_member(school_id, user_id):
        raise Conflict("the user is on the school's rota: change the rota first")
    await store.remove_staff(school_id, user_id)
