"""Who may see a school's alerts, and who may manage its rota."""

from __future__ import annotations

from contracts.vocabulary import Role
from services.common.auth import SAFEGUARDING_READERS, Principal
from services.notification.store import NotificationStore

ROTA_MANAGERS = frozenset({Role.ADMIN, Role.HEADTEACHER})
ROTA_READERS = ROTA_MANAGERS | SAFEGUARDING_READERS


async def alert_scope(
    store: NotificationStore, principal: Principal, school_id: str | None = None
) -> dict[str, str] | None:
    """The tenant filter confining alert reads to the caller's school (or trust): for DSLs,
    the trust safeguarding lead, and members of the school's rota. None: nothing to see."""
    scope = principal.tenant_filter(school_id)
    if scope is None:
        return None
    if principal.has_any(SAFEGUARDING_READERS):
        return scope
    if principal.school_id is not None and await store.is_rota_member(
        principal.school_id, principal.user_id
    ):
        return scope
    return None
