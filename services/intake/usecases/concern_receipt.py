"""The reporter's receipt: that their concern arrived and when, never the file itself."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from services.common.auth import Principal
from services.common.errors import NotFound
from services.intake.ports import IntakePorts


@dataclass(frozen=True)
class Receipt:
    concern_id: str
    pupil_id: str
    received_at: datetime


async def concern_receipt(ports: IntakePorts, principal: Principal, concern_id: str) -> Receipt:
    concern = await ports.store.concern(concern_id)
    if (
        concern is None
        or concern["reported_by"] != principal.user_id
        or concern["school_id"] != principal.school_id
    ):
        raise NotFound("concern")
    return Receipt(concern_id, concern["pupil_id"], concern["received_at"])
