"""What the use cases on adult cases share: finding a case the caller may see (the subject
of the concern, and anyone else not on the case, is told there is no such case, exactly
as for one that does not exist), the steps only its case manager takes, and the read
that every look at a case leaves in its access log."""

from __future__ import annotations

from dataclasses import dataclass

from services.case.domain.adult_cases import read_event
from services.case.ports import CasePorts
from services.common.adult_access import AdultCaseRole, adult_case_role
from services.common.auth import Principal
from services.common.errors import Forbidden, NotFound
from services.common.store import Document


@dataclass(frozen=True)
class SeenCase:
    case: Document
    role: AdultCaseRole


def seen_as(principal: Principal, case: Document | None) -> SeenCase | None:
    if case is None:
        return None
    role = adult_case_role(principal, case["school_id"], case["trust_id"], case["access"])
    return SeenCase(case, role) if role is not None else None


async def adult_case_for(ports: CasePorts, principal: Principal, case_id: str) -> SeenCase:
    seen = seen_as(principal, await ports.store.adult_case(case_id))
    if seen is None:
        raise NotFound("adult case")
    return seen


def require_manager(seen: SeenCase, what: str) -> None:
    """Steps the case manager takes; a DSL they named reads the case and records the LADO
    referral, nothing more."""
    if seen.role != "manager":
        raise Forbidden(f"only the case manager may {what}")


async def record_read(
    ports: CasePorts, principal: Principal, cases: list[Document], view: str
) -> None:
    """The read in each case's access log (records keeps it): stored once with its event
    before the answer goes out, so no read escapes the log."""
    if not cases:
        return
    first = cases[0]
    event = read_event(
        principal.user_id,
        sorted(principal.roles),
        case_ids=[case["_id"] for case in cases],
        view=view,
        trust_id=first["trust_id"],
        school_id=principal.school_id or (first["school_id"] if len(cases) == 1 else None),
        at=ports.clock.now(),
    )
    document = {
        "_id": event.event_id,
        "trust_id": first["trust_id"],
        "user_id": principal.user_id,
        "view": view,
        "case_ids": event.payload.case_ids,  # type: ignore[attr-defined]
        "at": event.occurred_at,
    }
    await ports.writer.insert(ports.store.adult_reads, document, [event])
