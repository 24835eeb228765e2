"""The reporter's receipt for a concern about an adult: that it arrived and when. Nothing
else, to anyone: what happens next is for the case manager alone (another user, and
another school, are told there is no such concern)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from services.common.auth import Principal
from services.common.errors import NotFound
from services.intake.ports import IntakePorts


@dataclass(frozen=True)
class AdultReceipt:
    adult_concern_id: str
    received_at: datetime


async def adult_concern_receipt(
    ports: IntakePorts, principal: Principal, adult_concern_id: str
) -> AdultReceipt:
    concern = await ports.store.adult_concern(adult_concern_id)
    if (
        concern is None
        or concern["reported_by"] != principal.user_id
        or concern["school_id"] != principal.school_id
    ):
        raise NotFound("adult concern")
    return AdultReceipt(adult_concern_id, concern["received_at"])
