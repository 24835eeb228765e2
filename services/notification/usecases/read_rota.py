"""Reading a school's alerting set-up: its rota and the staff who may sit on it. For the
school's admins, headteacher and safeguarding leads."""

from __future__ import annotations

from services.common.access import school_in_reach
from services.common.auth import Principal
from services.common.errors import NotFound
from services.common.store import Document
from services.notification.access import ROTA_READERS
from services.notification.ports import NotificationPorts


async def read_rota(ports: NotificationPorts, principal: Principal, school_id: str) -> Document:
    store = ports.store
    school_in_reach(principal, school_id, await store.school(school_id), ROTA_READERS)
    stored = await store.rota_document(school_id)
    if stored is None:
        raise NotFound("rota", "the school has no rota yet")
    return stored


async def list_staff(
    ports: NotificationPorts,
    principal: Principal,
    school_id: str,
    *,
    after: str | None = None,
    limit: int = 500,
) -> list[Document]:
    """A page of the school's staff in user id order: those after `after`, at most `limit`."""
    store = ports.store
    school_in_reach(principal, school_id, await store.school(school_id), ROTA_READERS)
    return await store.staff_of(school_id, after=after, limit=limit)
