"""A child's case as its readers see it (the school's DSLs and headteacher, the trust
lead), and the list of a school's (or trust's) cases with the reviews coming due."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Literal

from services.case.domain import child_context
from services.case.domain.case_access import CASE_READERS, may_read, sees_address
from services.case.domain.cases import case_key
from services.case.ports import CasePorts
from services.common.auth import Principal
from services.common.errors import NotFound
from services.common.store import Document


async def read_case(
    ports: CasePorts, principal: Principal, pupil_id: str, school_id: str | None = None
) -> Document:
    """The whole case. `school_id` names the school for a trust-wide reader (pupil ids are
    per school); a school's own readers are confined to it. While the child's address is
    withheld, only the school's DSLs see an address."""
    scope = principal.tenant_filter(school_id)
    school = (scope or {}).get("school_id")
    if school is None or not principal.has_any(CASE_READERS):
        raise NotFound("case")
    case = await ports.store.case(school, pupil_id)
    if case is None or not may_read(principal, case):
        raise NotFound("case")
    case = child_context.case_as_seen(case, sees_address(principal, case))
    return {**case, "links": await _with_names(ports, case)}


async def _with_names(ports: CasePorts, case: Document) -> list[Document]:
    """The case's links, each to a child of the same school with that child's name (a
    child of another school is named by their id only)."""
    links = case.get("links", [])
    same = [case_key(case["school_id"], k["other_pupil_id"]) for k in links if _same(case, k)]
    names = await ports.store.pupils_by_case(same)
    return [
        {**k, "other_child": _name(names.get(case_key(case["school_id"], k["other_pupil_id"])))}
        if _same(case, k)
        else {**k, "other_child": None}
        for k in links
    ]


def _same(case: Document, link: Document) -> bool:
    return bool(link["other_school_id"] == case["school_id"])


def _name(pupil: Document | None) -> Document | None:
    return {f: pupil.get(f) for f in ("forename", "surname")} if pupil else None


@dataclass(frozen=True)
class CaseQuery:
    school_id: str | None = None
    status: Literal["open", "closed"] | None = None
    review_due_before: date | None = None
    limit: int = 200


@dataclass(frozen=True)
class CaseSummary:
    case: Document
    child: Document | None  # the pupil as intake last recorded them


async def list_cases(ports: CasePorts, principal: Principal, query: CaseQuery) -> list[CaseSummary]:
    scope = principal.tenant_filter(query.school_id)
    if scope is None or not principal.has_any(CASE_READERS):
        raise NotFound("school")
    cases = await ports.store.cases_in(
        scope, status=query.status, review_due_before=query.review_due_before, limit=query.limit
    )
    keys = [case_key(c["school_id"], c["pupil_id"]) for c in cases]
    children = await ports.store.pupils_by_case(keys)
    return [CaseSummary(case, children.get(key)) for case, key in zip(cases, keys, strict=True)]
