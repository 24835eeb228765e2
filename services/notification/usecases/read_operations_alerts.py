"""Reading the operators' alerts: a trust-wide admin (who runs Harbour for the trust) sees
the dead letters that named their trust; anyone else is told there is nothing to see."""

from __future__ import annotations

from contracts.vocabulary import Role
from services.common.auth import Principal
from services.common.errors import NotFound
from services.common.store import Document
from services.notification.ports import NotificationPorts


async def read_operations_alerts(
    ports: NotificationPorts, principal: Principal, limit: int = 100
) -> list[Document]:
    if not (principal.trust_wide and principal.has_any({Role.ADMIN})):
        raise NotFound("operations alerts")
    assert principal.trust_id is not None  # trust_wide
    return await ports.store.operations.of_trust(principal.trust_id, limit)
