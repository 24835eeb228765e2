"""Who may see a school's alerts, and who may manage its rota."""

from __future__ import annotations

from typing import Any

from contracts.vocabulary import Role
from services.common import web
from services.common.auth import SAFEGUARDING_READERS, Principal
from services.common.store import Document
from services.notification.rotas import RotaBook
from services.notification.store import NotificationStore

ROTA_MANAGERS = frozenset({Role.ADMIN, Role.HEADTEACHER})
ROTA_READERS = ROTA_MANAGERS | SAFEGUARDING_READERS


async def alert_scope(
    principal: Principal, rotas: RotaBook, school_id: str | None = None
) -> dict[str, Any] | None:
    """The filter confining alert reads to the caller's school (or trust): for DSLs, the
    trust safeguarding lead, and members of the school's rota. None: answer 404."""
    scope = principal.tenant_filter(school_id)
    if scope is None:
        return None
    if principal.has_any(SAFEGUARDING_READERS):
        return scope
    if principal.school_id is not None and await rotas.is_member(
        principal.school_id, principal.user_id
    ):
        return scope
    return None


async def school_for(
    store: NotificationStore, principal: Principal, school_id: str, roles: frozenset[Role]
) -> Document:
    """The school (as notification knows it) if the caller holds `roles` there; else 404."""
    return await web.school_for(store.schools, principal, school_id, roles)
