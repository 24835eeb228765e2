"""The receipts of the concerns the caller recorded at their school: that each arrived,
when, and about whom. Never the content: staff do not read the file."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from services.common.auth import Principal
from services.common.errors import NotFound
from services.intake.ports import IntakePorts


class MyConcernsQuery(BaseModel):
    model_config = ConfigDict(extra="forbid")

    limit: int = Field(default=50, ge=1, le=200)
    # Paging: receipts received before this moment (the last one of the previous page).
    before: AwareDatetime | None = None


@dataclass(frozen=True)
class MyReceipt:
    concern_id: str
    pupil_id: str
    received_at: datetime
    pupil_name: str | None  # the name the reporter chose from, so they recognise it


async def my_concerns(
    ports: IntakePorts, principal: Principal, query: MyConcernsQuery
) -> list[MyReceipt]:
    if principal.school_id is None:
        raise NotFound("school")  # concerns are recorded by school users
    school_id = principal.school_id
    receipts = await ports.store.receipts_of(
        school_id, principal.user_id, query.before, query.limit
    )
    pupils = await ports.store.pupil_names(school_id, (r["pupil_id"] for r in receipts))
    return [
        MyReceipt(r["_id"], r["pupil_id"], r["received_at"], _name(pupils.get(r["pupil_id"])))
        for r in receipts
    ]


def _name(pupil: dict[str, str] | None) -> str | None:
    if pupil is None:
        return None
    return f"{pupil.get('preferred_forename') or pupil['forename']} {pupil['surname']}"
