"""Who sees which police notices, and who may say which pupil a child is.

A notice concerns schools (`school_ids`) and trusts (`trust_ids`), see domain/notices.py:
a school's DSLs see the notices concerning their school, a trust's safeguarding lead (and,
for the unmatched queue, its admins) those concerning their trust.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from contracts.vocabulary import Role
from services.common.auth import DSL_ROLES, TRUST_ROLES, Principal


@dataclass(frozen=True)
class NoticeScope:
    """The notices concerning one school, or (school_id None) one trust."""

    school_id: str | None = None
    trust_id: str | None = None

    def covers(self, notice: Mapping[str, Any]) -> bool:
        if self.school_id is not None:
            return self.school_id in notice.get("school_ids", ())
        return self.trust_id in notice.get("trust_ids", ())


def queue_scope(principal: Principal) -> NoticeScope | None:
    """The notices a user may see and resolve; None if they may see none.

    School DSLs and deputies: notices concerning their school. Trust-wide safeguarding
    leads and admins: notices concerning their trust."""
    if principal.school_id is not None:
        if principal.has_any(DSL_ROLES):
            return NoticeScope(school_id=principal.school_id)
        return None
    if principal.trust_id is not None and principal.has_any(TRUST_ROLES):
        return NoticeScope(trust_id=principal.trust_id)
    return None


def incident_scope(principal: Principal) -> NoticeScope | None:
    """The incident view is for safeguarding readers: a school's DSLs see their own
    pupils, the trust safeguarding lead sees every child in the trust."""
    if principal.school_id is not None:
        return NoticeScope(school_id=principal.school_id) if principal.has_any(DSL_ROLES) else None
    if principal.trust_id is not None and Role.TRUST_SAFEGUARDING_LEAD in principal.roles:
        return NoticeScope(trust_id=principal.trust_id)
    return None


def may_match_to(principal: Principal, school_id: str, trust_id: str) -> bool:
    if principal.school_id is not None:
        return principal.school_id == school_id and principal.has_any(DSL_ROLES)
    return principal.trust_id == trust_id and principal.has_any(TRUST_ROLES)
