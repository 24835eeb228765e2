"""Who may act at a school: the one check every service makes before touching a school's
data. Pure: the caller reads the school (by `_id`) from its own store."""

from __future__ import annotations

from collections.abc import Iterable

from contracts.vocabulary import Role
from services.common.auth import Principal
from services.common.errors import NotFound
from services.common.store import Document


def school_in_reach(
    principal: Principal,
    school_id: str,
    school: Document | None,
    roles: Iterable[Role],
    *,
    registered_elsewhere: bool = True,
) -> Document:
    """The school, if the caller holds one of `roles` there (or trust-wide over its trust);
    else NotFound, the same answer whether it does not exist or is someone else's.

    Schools are registered on intake and reach the other services by event a moment later
    (`registered_elsewhere`): a user of that very school is told so, which tells them
    nothing they do not know; anyone else gets the plain answer."""
    if school is None:
        if registered_elsewhere and principal.school_id == school_id:
            raise NotFound(
                "school",
                f"school {school_id} is not known here yet: schools are registered on intake"
                f" (PUT /v1/schools/{school_id}) and arrive within seconds",
            )
        raise NotFound("school")
    if not principal.may_act_at(school_id, school["trust_id"], roles):
        raise NotFound("school")
    return school
