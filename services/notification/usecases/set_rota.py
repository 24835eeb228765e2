"""An admin or the headteacher replaces the school's rota: who is alerted, in which order,
and how fast alerts climb.

An invalid rota is refused whole, naming every problem, and the old one kept; so is a rota
naming a user the school's staff list does not know, so that an alert can never go to a
typo. Alerts that waited for a rota start climbing when it changes. A change is audited
(notification.admin.action_recorded.v1) in the rota's own write."""

from __future__ import annotations

from contracts.admin_actions import AdminAction
from contracts.notification_v1 import ADMIN_ACTION_RECORDED
from services.common.access import school_in_reach
from services.common.admin_audit import admin_action_recorded
from services.common.auth import Principal
from services.common.errors import InvalidFields
from services.common.store import Document
from services.notification.access import ROTA_MANAGERS
from services.notification.domain.rota import InvalidRota, parse_rota, validate_rota_members
from services.notification.ports import NotificationPorts
from services.notification.usecases.escalate import start_waiting_alerts


async def set_rota(
    ports: NotificationPorts, principal: Principal, school_id: str, body: object
) -> Document:
    """The rota as stored; PUTting the same rota again stores nothing."""
    store = ports.store
    school = school_in_reach(principal, school_id, await store.school(school_id), ROTA_MANAGERS)
    try:
        rota = parse_rota(body)
    except InvalidRota as exc:
        raise _refused(exc.errors) from None
    if unknown := validate_rota_members(rota, await store.staff_ids(school_id)):
        raise _refused(unknown)
    now = ports.clock.now()
    audited = admin_action_recorded(
        ADMIN_ACTION_RECORDED,
        principal,
        AdminAction.ROTA_REPLACED,
        object_id=school_id,
        trust_id=school["trust_id"],
        school_id=school_id,
        at=now,
        details={
            "tiers": len(rota.tiers),
            "members": sum(len(tier.members) for tier in rota.tiers),
        },
    )
    stored, changed = await ports.writer.put(
        store.rotas,
        school_id,
        store.rota_state(school["trust_id"], school_id, rota),
        lambda _: [audited],
        meta={"updated_at": now, "updated_by": principal.user_id},
    )
    store.rota_cache.forget(school_id)
    if changed:
        await start_waiting_alerts(ports, school_id)
    return stored


def _refused(problems: list[str]) -> InvalidFields:
    """The rota's "<field>: <problem>" lines, one refusal naming each field."""
    return InvalidFields([_field_and_message(line) for line in problems])


def _field_and_message(line: str) -> tuple[str, str]:
    field, _, message = line.partition(": ")
    return field, message
