"""An admin or the headteacher records (or removes) a user who may sit on the school's rota.

Each change is audited (notification.admin.action_recorded.v1): a recorded member in the
same write as the member; a removal first, in a document of its own, since nothing is
left afterwards to carry it (services.common.admin_audit)."""

from __future__ import annotations

from typing import Any

from contracts.admin_actions import AdminAction
from contracts.notification_v1 import ADMIN_ACTION_RECORDED
from services.common.access import school_in_reach
from services.common.admin_audit import action_document, admin_action_recorded
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
    """The staff record as stored (PUT: the same again changes nothing, and logs nothing)."""
    store = ports.store
    school = school_in_reach(principal, school_id, await store.school(school_id), ROTA_MANAGERS)
    record = staff_record(school["trust_id"], school_id, user_id, member)
    now = ports.clock.now()
    audited = admin_action_recorded(
        ADMIN_ACTION_RECORDED,
        principal,
        AdminAction.STAFF_RECORDED,
        object_id=user_id,
        trust_id=school["trust_id"],
        school_id=school_id,
        at=now,
    )
    await ports.writer.put(
        store.staff,
        store.staff_key(school_id, user_id),
        record,
        lambda _: [audited],
        meta={"updated_at": now, "updated_by": principal.user_id},
    )
    return record


async def remove_staff(
    ports: NotificationPorts, principal: Principal, school_id: str, user_id: str
) -> None:
    """Someone on the rota cannot be removed: the rota would name a user nobody knows.
    Removing someone already gone changes nothing and logs nothing."""
    store = ports.store
    school = school_in_reach(principal, school_id, await store.school(school_id), ROTA_MANAGERS)
    if await store.is_rota_member(school_id, user_id):
        raise Conflict("the user is on the school's rota: change the rota first")
    if await store.staff_member(school_id, user_id) is None:
        return
    audited = admin_action_recorded(
        ADMIN_ACTION_RECORDED,
        principal,
        AdminAction.STAFF_REMOVED,
        object_id=user_id,
        trust_id=school["trust_id"],
        school_id=school_id,
        at=ports.clock.now(),
    )
    await ports.writer.insert(store.admin_actions, action_document(audited), [audited])
    await store.remove_staff(school_id, user_id)
