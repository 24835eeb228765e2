"""The case itself: its readers see it whole and list the school's (a trust lead the
trust's); a DSL sets the review date, closes it with outcome and reason, reopens it; a new
concern reopens a closed case and says so; another school's case is not found."""

from datetime import date, timedelta

import pytest

from contracts.case_v1 import CASE_CLOSED, CASE_REOPENED, REVIEW_SET
from contracts.vocabulary import Role
from services.case.domain.cases import ClosureRequest, ReopenRequest, ReviewRequest
from services.case.usecases.case_status import close_case, reopen_case, set_review
from services.case.usecases.read_case import CaseQuery, list_cases, read_case
from services.case.usecases.start_deadline import concern_raised
from services.common.errors import Conflict, Invalid, NotFound
from tests.support import case_world
from tests.support.case_world import DSL, ELM, HEAD, STAFF, TRUST_LEAD, on_roll, person
from tests.support.memory import outbox_of

CLOSE = ClosureRequest(outcome="concerns_resolved", reason="Support in school worked.")


async def _open_case():
    ports, relay = await case_world.memory_case()
    await on_roll(ports)
    await concern_raised(ports, case_world.concern_raised(ports.clock.now()))
    return ports, relay


async def test_readers_see_the_case_whole_others_get_not_found():
    ports, _ = await _open_case()
    assert (await read_case(ports, DSL, "P1"))["status"] == "open"
    assert (await read_case(ports, HEAD, "P1"))["pupil_id"] == "P1"
    assert (await read_case(ports, TRUST_LEAD, "P1", "oak"))["school_id"] == "oak"
    for caller, school in ((STAFF, None), (TRUST_LEAD, None), (person("d", Role.DSL, ELM), None)):
        with pytest.raises(NotFound):
            await read_case(ports, caller, "P1", school)
    with pytest.raises(NotFound):
        await read_case(ports, DSL, "P1", "elm")


async def test_the_review_date_is_set_told_and_lists_the_case_as_due():
    ports, _ = await _open_case()
    review_on = date(2026, 3, 17)
    await set_review(ports, DSL, "P1", ReviewRequest(review_on=review_on, reason="After CIN"))
    await set_review(ports, DSL, "P1", ReviewRequest(review_on=review_on, reason="After CIN"))

    assert await outbox_of(ports.store.cases, "oak/P1") == [REVIEW_SET]  # the same PUT: once
    due = await list_cases(ports, HEAD, CaseQuery(status="open", review_due_before=review_on))
    assert [(c.case["pupil_id"], c.child["surname"]) for c in due] == [("P1", "Hart")]
    earlier = review_on - timedelta(days=1)
    assert await list_cases(ports, DSL, CaseQuery(review_due_before=earlier)) == []
    trust = await list_cases(ports, TRUST_LEAD, CaseQuery(status="open"))
    assert [c.case["school_id"] for c in trust] == ["oak"]
    with pytest.raises(Invalid) as refused:
        await set_review(ports, DSL, "P1", ReviewRequest(review_on=date(2026, 3, 9), reason="x"))
    assert refused.value.field == "review_on"
    with pytest.raises(NotFound):
        await list_cases(ports, STAFF, CaseQuery())


async def test_closing_needs_outcome_and_reason_and_is_told_once():
    ports, _ = await _open_case()
    closed = await close_case(ports, DSL, "P1", CLOSE, "k")
    again = await close_case(ports, DSL, "P1", CLOSE, "k")  # retried

    assert closed["status"] == again["status"] == "closed"
    assert closed["closure"]["outcome"] == "concerns_resolved"
    with pytest.raises(Conflict):
        await close_case(ports, DSL, "P1", CLOSE)
    assert await outbox_of(ports.store.cases, "oak/P1") == [CASE_CLOSED]


async def test_a_dsl_reopens_a_closed_case_with_a_reason():
    ports, _ = await _open_case()
    await close_case(ports, DSL, "P1", CLOSE)
    reopened = await reopen_case(ports, DSL, "P1", ReopenRequest(reason="Sibling disclosed."))

    assert reopened["status"] == "open"
    assert reopened["status_history"][-1]["reason"] == "Sibling disclosed."
    with pytest.raises(Conflict):
        await reopen_case(ports, DSL, "P1", ReopenRequest(reason="Again"))
    assert await outbox_of(ports.store.cases, "oak/P1") == [CASE_CLOSED, CASE_REOPENED]


async def test_a_new_concern_about_a_closed_case_reopens_it_and_says_so():
    ports, _ = await _open_case()
    await close_case(ports, DSL, "P1", CLOSE)
    ports.clock.advance(days=3)
    concern = case_world.concern_raised(ports.clock.now())

    await concern_raised(ports, concern)
    await concern_raised(ports, concern)  # redelivered

    case = await read_case(ports, DSL, "P1")
    assert case["status"] == "open"
    assert case["status_history"][-1]["source_id"] == concern.payload.concern_id
    assert await outbox_of(ports.store.cases, "oak/P1") == [CASE_CLOSED, CASE_REOPENED]


async def test_the_case_of_a_pupil_nobody_raised_a_concern_about_is_not_found():
    ports, _ = await case_world.memory_case()
    await on_roll(ports)
    with pytest.raises(NotFound):
        await read_case(ports, DSL, "P1")
    with pytest.raises(NotFound):
        await close_case(ports, DSL, "P1", CLOSE)


@pytest.mark.parametrize("caller", [HEAD, TRUST_LEAD, STAFF], ids=["head", "trust lead", "staff"])
async def test_readers_who_oversee_do_not_close_or_reopen(caller):
    ports, _ = await _open_case()
    with pytest.raises(NotFound):
        await close_case(ports, caller, "P1", CLOSE)
    with pytest.raises(NotFound):
        await set_review(ports, caller, "P1", ReviewRequest(review_on=date(2026, 4, 1), reason="x"))
