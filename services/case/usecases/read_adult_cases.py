"""Reading adult cases: the list of the cases the caller manages or was named on (a school's
for its headteacher or chair, the trust's for the trust lead it named), and one case
whole with its open deadlines and the adult's other low-level concerns the caller may
see. Whoever else asks, the subject above all, finds nothing: an empty list, and for a
case the same "not found" as for one that does not exist. Every read is in the access
log of each case it showed."""

from __future__ import annotations

from dataclasses import dataclass, field

from services.case.domain.low_level_log import log_id
from services.case.ports import CasePorts
from services.case.store_adult_cases import school_list, trust_list
from services.case.usecases.adult_case_file import (
    SeenCase,
    adult_case_for,
    record_read,
    seen_as,
)
from services.common.auth import Principal
from services.common.store import Document

OPEN = ("awaiting_decision", "allegation")
# A school has a handful of adult cases a year: the newest 500 are decades of them.
MAX_LISTED = 500


@dataclass(frozen=True)
class AdultCaseRead:
    seen: SeenCase
    deadlines: list[Document]
    # The adult's concerns in the low-level log that the caller may see, this one included.
    low_level: list[Document] = field(default_factory=list)


async def visible_cases(ports: CasePorts, principal: Principal) -> list[SeenCase]:
    """Every adult case of the caller's school (or trust) that they may see, open first,
    newest first."""
    if principal.school_id is not None:
        list_id = school_list(principal.school_id)
    elif principal.trust_id is not None:
        list_id = trust_list(principal.trust_id)
    else:
        return []
    listed = await ports.store.listed(list_id)  # in the order the cases opened
    cases = await ports.store.adult_cases_by_id(listed[-MAX_LISTED:])
    seen = [s for s in (seen_as(principal, case) for case in cases) if s is not None]
    seen.sort(key=lambda s: s.case["opened_at"], reverse=True)
    seen.sort(key=lambda s: s.case["status"] not in OPEN)
    return seen


async def list_adult_cases(ports: CasePorts, principal: Principal) -> list[AdultCaseRead]:
    seen = await visible_cases(ports, principal)
    wanted = [d for s in seen for d in s.case.get("deadline_ids", [])]
    deadlines = {d["_id"]: d for d in await ports.store.deadlines_by_id(wanted)}
    await record_read(ports, principal, [s.case for s in seen], "list")
    return [
        AdultCaseRead(s, [deadlines[d] for d in s.case.get("deadline_ids", []) if d in deadlines])
        for s in seen
    ]


async def read_adult_case(ports: CasePorts, principal: Principal, case_id: str) -> AdultCaseRead:
    seen = await adult_case_for(ports, principal, case_id)
    case = seen.case
    deadlines = await ports.store.deadlines_by_id(case.get("deadline_ids", []))
    log = await ports.store.low_level_log(log_id(case["school_id"], case["adult_key"]))
    entries = (log or {}).get("entries", [])
    others = {
        c["_id"]: c for c in await ports.store.adult_cases_by_id(e["case_id"] for e in entries)
    }
    low_level = [
        e for e in entries if e["case_id"] in others and seen_as(principal, others[e["case_id"]])
    ]
    await record_read(ports, principal, [case], "case")
    return AdultCaseRead(seen, deadlines, low_level)
