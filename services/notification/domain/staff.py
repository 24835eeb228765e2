"""The users notification knows at each school: who may sit on its rota, and who is told
of a concern about an adult.

Harbour has no user directory yet, so notification keeps one per school: an admin or the
headteacher records the users (by their sign-in id) who may sit on the rota. A rota naming
anyone else is refused, so an alert can never go to a typo. A member's role says who
manages concerns about adults (the headteacher; the chair of governors when the head is
the subject), and their own e-mail and mobile number reach them directly, off the rota
(the chair of governors sits on no rota); without them, the rota's entry for the same
user is used.
"""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, StringConstraints

from contracts.vocabulary import Role
from services.notification.domain.rota import Email, MobilePhone


class StaffMember(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
    role: Role | None = None
    email: Email | None = None
    phone: MobilePhone | None = None


def staff_record(
    trust_id: str, school_id: str, user_id: str, member: StaffMember
) -> dict[str, Any]:
    return {
        "trust_id": trust_id,
        "school_id": school_id,
        "user_id": user_id,
        "name": member.name,
        "role": member.role,
        "email": member.email,
        "phone": member.phone,
    }
