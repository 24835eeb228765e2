"""The users notification knows at each school: who may sit on its rota.

Harbour has no user directory yet, so notification keeps one per school: an admin or the
headteacher records the users (by their sign-in id) who may sit on the rota. A rota naming
anyone else is refused, so an alert can never go to a typo.
"""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, StringConstraints

from contracts.vocabulary import Role


class StaffMember(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
    role: Role | None = None


def staff_record(
    trust_id: str, school_id: str, user_id: str, member: StaffMember
) -> dict[str, Any]:
    return {
        "trust_id": trust_id,
        "school_id": school_id,
        "user_id": user_id,
        "name": member.name,
        "role": member.role,
    }
