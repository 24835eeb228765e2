"""The triage of a concern as its readers see it: the decision in force and every decision
before it, oldest first (a revision names the decision it superseded)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from services.case.domain import triage
from services.case.domain.case_access import CASE_READERS, may_read
from services.case.ports import CasePorts
from services.common.auth import Principal
from services.common.errors import NotFound


@dataclass(frozen=True)
class TriageHistory:
    concern_id: str
    pupil_id: str
    school_id: str
    current: dict[str, Any] | None  # None: not triaged yet
    history: list[dict[str, Any]]


async def read_triage(
    ports: CasePorts, principal: Principal, concern_id: str, school_id: str | None = None
) -> TriageHistory:
    """`school_id` names the school for a trust-wide reader (a school's own are confined to
    it)."""
    scope = principal.tenant_filter(school_id)
    school = (scope or {}).get("school_id")
    if school is None or not principal.has_any(CASE_READERS):
        raise NotFound("concern")
    pointer = await ports.store.case_of("concern", school, concern_id)
    case = await ports.store.case(school, pointer["pupil_id"]) if pointer else None
    if case is None or not may_read(principal, case):
        raise NotFound("concern")
    decisions = triage.history(
        case, concern_id, await ports.store.legacy_decision(school, concern_id)
    )
    return TriageHistory(concern_id, case["pupil_id"], school, triage.current(decisions), decisions)
