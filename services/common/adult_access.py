"""Who may see an adult case (a concern about an adult, KCSIE Part 4): the one rule case
and records both apply, each to the access case decided (contracts.adult_cases.
AdultCaseAccess, carried by case's events). Pure.

- Never the subject: a caller whose `sub` is the adult's `staff_user_id` is refused
  whatever roles they hold, and is told there is no such case, exactly as for a case that
  does not exist.
- The case manager: whoever holds the case's manager role at its school (the headteacher;
  the chair of governors when the headteacher is the subject), and the trust safeguarding
  lead the trust named, over the schools of their trust.
- The DSLs the case manager named, while they hold a DSL role at the school.
- Nobody else: not other staff, not the school's other DSLs, not admins.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Literal

from contracts.vocabulary import Role
from services.common.auth import DSL_ROLES, Principal

AdultCaseRole = Literal["manager", "named_dsl"]


def is_subject(principal: Principal, access: Mapping[str, Any]) -> bool:
    subject = access.get("subject_staff_user_id")
    return subject is not None and subject == principal.user_id


def adult_case_role(
    principal: Principal, school_id: str, trust_id: str, access: Mapping[str, Any]
) -> AdultCaseRole | None:
    """What the caller is to the case: its manager, a DSL it names, or nothing (None)."""
    if is_subject(principal, access):
        return None
    at_school = principal.school_id == school_id
    if at_school and principal.has_any({Role(access["manager_role"])}):
        return "manager"
    lead = access.get("trust_lead_user_id")
    if (
        lead is not None
        and principal.user_id == lead
        and principal.trust_wide
        and principal.trust_id == trust_id
        and principal.has_any({Role.TRUST_SAFEGUARDING_LEAD})
    ):
        return "manager"
    named = access.get("named_dsl_user_ids") or []
    if at_school and principal.user_id in named and principal.has_any(DSL_ROLES):
        return "named_dsl"
    return None


def may_see(principal: Principal, case: Mapping[str, Any]) -> bool:
    """For a stored document holding `school_id`, `trust_id` and `access`."""
    role = adult_case_role(principal, case["school_id"], case["trust_id"], case["access"])
    return role is not None
