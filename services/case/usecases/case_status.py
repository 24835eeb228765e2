"""A DSL sets the date the case is next reviewed, closes the case with its outcome and
reason, or reopens it with a reason. Each is one write of the case with its event
(case.review.set.v1, case.closed.v1, case.reopened.v1). A case cannot be closed while any
of its actions is open; a new concern or police notification reopens a closed case by
itself (usecases/join_case.py)."""

from __future__ import annotations

from services.case.domain import cases
from services.case.domain.case_steps import actor_of, fingerprint, step_id
from services.case.ports import CasePorts
from services.case.usecases.case_file import case_of_pupil, existing_case, require_open
from services.common.auth import Principal
from services.common.errors import Conflict, Invalid
from services.common.store import Document


async def set_review(
    ports: CasePorts,
    principal: Principal,
    pupil_id: str,
    request: cases.ReviewRequest,
    idempotency_key: str | None = None,
) -> Document:
    """The case as it is now (PUT: the review it has already changes nothing)."""
    ref = await case_of_pupil(ports, principal, pupil_id)
    if problem := cases.review_problem(request, ports.clock.today()):
        raise Invalid("review_on", problem)
    now = ports.clock.now()
    review_id = step_id("review", ref.school_id, principal.user_id, idempotency_key)
    async with ports.writer.edit(ports.store.cases, ref.case_id) as edit:
        case = existing_case(edit)
        require_open(case, "setting its review")
        if cases.same_review(case, request):
            return case
        review = cases.review(request, review_id=review_id, by=principal.user_id, at=now)
        edit.set({"review": review, "review_on": review["review_on"], "last_activity_at": now})
        edit.emit(cases.review_event(case, review, actor_of(principal)))
    return edit.document


async def close_case(
    ports: CasePorts,
    principal: Principal,
    pupil_id: str,
    request: cases.ClosureRequest,
    idempotency_key: str | None = None,
) -> Document:
    ref = await case_of_pupil(ports, principal, pupil_id)
    now = ports.clock.now()
    closure_id = step_id("close", ref.school_id, principal.user_id, idempotency_key)
    signature = fingerprint(request, pupil_id)
    async with ports.writer.edit(ports.store.cases, ref.case_id) as edit:
        case = existing_case(edit)
        closure = case.get("closure") or {}
        if closure.get("closure_id") == closure_id and closure.get("fingerprint") == signature:
            return case  # this very closure, retried
        if refusal := cases.closing_refusal(case):
            raise Conflict(refusal)
        changes = cases.closed(
            case,
            request,
            closure_id=closure_id,
            by=principal.user_id,
            at=now,
            fingerprint=signature,
        )
        edit.set({**changes, "last_activity_at": now})
        edit.emit(cases.closed_event(case, changes["closure"], actor_of(principal)))
    return edit.document


async def reopen_case(
    ports: CasePorts,
    principal: Principal,
    pupil_id: str,
    request: cases.ReopenRequest,
    idempotency_key: str | None = None,
) -> Document:
    ref = await case_of_pupil(ports, principal, pupil_id)
    now = ports.clock.now()
    reopening_id = step_id("reopen", ref.school_id, principal.user_id, idempotency_key)
    async with ports.writer.edit(ports.store.cases, ref.case_id) as edit:
        case = existing_case(edit)
        if cases.reopened_by(case, reopening_id):
            return case  # this very reopening, retried
        if case["status"] == "open":
            raise Conflict("the case is open")
        changes = cases.reopened(
            case, reopening_id=reopening_id, reason=request.reason, by=principal.user_id, at=now
        )
        edit.set({**changes, "last_activity_at": now})
        edit.emit(
            cases.reopened_event(case, reopening_id, request.reason, actor_of(principal), now)
        )
    return edit.document
