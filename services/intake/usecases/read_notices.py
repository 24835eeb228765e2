"""Reading police notices: the queue of children nobody could match, one of them, and the
whole of one incident. Each user sees only the notices concerning their school or trust
(domain/notice_access.py); anything else is answered as if it did not exist."""

from __future__ import annotations

from services.common.auth import Principal
from services.common.errors import Conflict, NotFound
from services.common.store import Document
from services.intake.domain.notice_access import incident_scope, queue_scope
from services.intake.ports import IntakePorts


async def unmatched_notices(ports: IntakePorts, principal: Principal, limit: int) -> list[Document]:
    """Oldest first, with the reason and the pupils a DSL may choose from."""
    scope = queue_scope(principal)
    if scope is None:
        raise NotFound("school")
    return await ports.store.unmatched_notices(scope, limit)


async def notice_for(ports: IntakePorts, principal: Principal, notice_id: str) -> Document:
    return seen_by(principal, await ports.store.notice(notice_id))


# A notification names at most 50 children; a batch file could repeat one police
# reference on every row, so the read is bounded all the same.
MAX_INCIDENT_CHILDREN = 1000


async def incident_notices(
    ports: IntakePorts, principal: Principal, incident_id: str
) -> list[Document]:
    """Every child of the incident the caller may see, in a stable order."""
    scope = incident_scope(principal)
    if scope is None:
        raise NotFound("incident")
    found = await ports.store.incident_notices(incident_id, scope, MAX_INCIDENT_CHILDREN)
    if not found:
        raise NotFound("incident")
    return found


def seen_by(principal: Principal, notice: Document | None) -> Document:
    """The notice, if the caller may see it and resolve it; else NotFound."""
    scope = queue_scope(principal)
    if notice is None or scope is None or not scope.covers(notice):
        raise NotFound("notification")
    return notice


def waiting_for(principal: Principal, notice: Document | None) -> Document:
    """The notice, if the caller may resolve it and it still waits to be matched."""
    found = seen_by(principal, notice)
    if found["state"] != "unmatched":
        raise Conflict(f"this notification is already {found['state']}")
    return found
