"""Who may read and who may work a child's case.

- Readers: the school's DSL and deputy DSLs, its headteacher (the policy opens records to
  "DSLs and the Head Teacher", 1.13), and the trust safeguarding lead over every school of
  the trust.
- Writers: the school's DSL and deputy DSLs. The headteacher and the trust lead oversee
  and read; a head who also acts as DSL holds the `dsl` role as well.
- The child's address, while it is withheld (1.12): the school's DSL and deputy DSLs only.
- Staff see only the receipts of their own concerns; the one step they take on a case is
  the FGM report that is their personal duty (domain/fgm.py).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from contracts.vocabulary import Role
from services.common.auth import DSL_ROLES, Principal

CASE_READERS = DSL_ROLES | {Role.HEADTEACHER, Role.TRUST_SAFEGUARDING_LEAD}
CASE_WRITERS = DSL_ROLES


def may_read(principal: Principal, case: Mapping[str, Any]) -> bool:
    return principal.may_act_at(case["school_id"], case["trust_id"], CASE_READERS)


def may_write(principal: Principal, school_id: str) -> bool:
    """Writers act at their own school only (a trust-wide token writes nothing)."""
    return principal.school_id == school_id and principal.has_any(CASE_WRITERS)


def sees_address(principal: Principal, case: Mapping[str, Any]) -> bool:
    """Whether a reader of the case may see the child's address while it is withheld."""
    return principal.school_id == case["school_id"] and principal.has_any(DSL_ROLES)
