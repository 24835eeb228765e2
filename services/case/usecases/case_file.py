"""What the use cases that work a child's case share: finding the case a writer may change
(by the pupil, or by a concern, action or referral it holds), opening it when a DSL's first
step is about a child with no case yet, and answering a retried request as before."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from services.case.domain.case_access import may_write
from services.case.domain.cases import case_key, new_case
from services.case.ports import CasePorts
from services.common.auth import Principal
from services.common.document_edit import DocumentEdit
from services.common.errors import Conflict, NotFound
from services.common.store import Document


@dataclass(frozen=True)
class CaseRef:
    """Which child's case, at which school of which trust."""

    trust_id: str
    school_id: str
    pupil_id: str

    @property
    def case_id(self) -> str:
        return case_key(self.school_id, self.pupil_id)


async def case_of_pupil(ports: CasePorts, principal: Principal, pupil_id: str) -> CaseRef:
    """The case a writer works on for a pupil of their school. Another school's pupil and an
    unknown one are both not found."""
    school_id = _writers_school(principal, "pupil")
    pupil = await ports.store.pupil(school_id, pupil_id)
    if pupil is not None:
        return CaseRef(pupil["trust_id"], school_id, pupil_id)
    case = await ports.store.case(school_id, pupil_id)  # a case older than the roll case knows
    if case is None:
        raise NotFound("pupil")
    return CaseRef(case["trust_id"], school_id, pupil_id)


async def case_holding(ports: CasePorts, principal: Principal, kind: str, item_id: str) -> CaseRef:
    """The case holding a writer's school's concern, action or referral."""
    school_id = _writers_school(principal, kind)
    pointer = await ports.store.case_of(kind, school_id, item_id)
    if pointer is None:
        raise NotFound(kind)
    return CaseRef(pointer["trust_id"], school_id, pointer["pupil_id"])


def case_to_change(edit: DocumentEdit, ref: CaseRef, now: datetime) -> Document:
    """The case as it stands, or a new one opened on this edit (a DSL's first step about a
    child no concern has opened a case for)."""
    if edit.current is not None:
        return edit.current
    case = {**new_case(ref.trust_id, ref.school_id, ref.pupil_id, opened_at=now), "_id": edit.id}
    edit.create(case)
    return case


def existing_case(edit: DocumentEdit) -> Document:
    if edit.current is None:
        raise NotFound("case")
    return edit.current


def as_before(earlier: Mapping[str, Any] | None, fingerprint: str) -> bool:
    """True when this request was made before (the same Idempotency-Key): answer as then.
    The same key with a different request is refused."""
    if earlier is None:
        return False
    if earlier.get("fingerprint") != fingerprint:
        raise Conflict("this Idempotency-Key was already used for a different request")
    return True


def require_open(case: Mapping[str, Any], what: str) -> None:
    if case["status"] != "open":
        raise Conflict(f"the case is closed: reopen it before {what}")


def _writers_school(principal: Principal, what: str) -> str:
    school_id = principal.school_id
    if school_id is None or not may_write(principal, school_id):
        raise NotFound(what)
    return school_id
