"""A DSL (or the trust) closes a notice about none of the trust's pupils, with a reason.
Nothing is published: no school is told of a child who is not theirs."""

from __future__ import annotations

import logging

from services.common.auth import Principal
from services.common.store import Document
from services.intake.domain.notices import resolution
from services.intake.ports import IntakePorts
from services.intake.usecases.read_notices import waiting_for

log = logging.getLogger("harbour.intake.encompass")


async def dismiss_notice(
    ports: IntakePorts, principal: Principal, notice_id: str, reason: str
) -> Document:
    async with ports.writer.edit(ports.store.notices, notice_id) as notice:
        waiting_for(principal, notice.current)
        notice.set(
            {
                "state": "dismissed",
                "resolution": resolution(principal, "dismissed", reason, ports.clock.now()),
            }
        )
    log.info("encompass dismissed", extra={"notification_id": notice_id})
    return notice.document
