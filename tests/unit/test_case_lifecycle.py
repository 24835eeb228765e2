"""How a case's status moves: a source joins the case once, a new concern or police
notification reopens a closed case and says so, a case with open actions cannot be closed,
and a review date cannot be in the past."""

from datetime import UTC, date, datetime

from contracts.case_v1 import CASE_REOPENED
from services.case.domain import cases
from services.case.domain.cases import ClosureRequest, ReviewRequest
from tests.support import events
from tests.support.case_world import OAK

NOW = datetime(2026, 3, 10, 9, 30, tzinfo=UTC)


def _closed_case() -> dict:
    case = {**cases.new_case("oak-trust", "oak", "P1", opened_at=NOW), "sources": ["c-1"]}
    request = ClosureRequest(outcome="concerns_resolved", reason="Support worked.")
    return {
        **case,
        **cases.closed(case, request, closure_id="close_1", by="dsl-1", at=NOW, fingerprint="f"),
    }


def test_a_source_joins_once():
    concern = events.concern_raised(OAK, "P1", received_at=NOW)  # type: ignore[arg-type]
    changes, emitted = cases.source_joined(None, concern, kind="concern", source_id="c-9", now=NOW)
    assert changes["sources"] == ["c-9"] and emitted == []
    again, emitted = cases.source_joined(
        {"sources": ["c-9"], "status": "open"}, concern, kind="concern", source_id="c-9", now=NOW
    )
    assert (again, emitted) == ({}, [])


def test_a_new_concern_reopens_a_closed_case_and_says_so():
    concern = events.concern_raised(OAK, "P1", received_at=NOW)  # type: ignore[arg-type]
    changes, emitted = cases.source_joined(
        _closed_case(), concern, kind="concern", source_id="c-2", now=NOW
    )
    assert changes["status"] == "open"
    assert changes["status_history"][-1]["source_id"] == "c-2"
    [event] = emitted
    assert event.event_type == CASE_REOPENED
    assert event.payload.source_id == "c-2"
    assert event.causation_id == concern.event_id
    # The same source event reopens with the same event id (a redelivery is one event).
    _, again = cases.source_joined(
        _closed_case(), concern, kind="concern", source_id="c-2", now=NOW
    )
    assert again[0].event_id == event.event_id


def test_closing_needs_every_action_done():
    case = {"status": "open", "actions": [{"status": "done"}, {"status": "open"}]}
    assert cases.closing_refusal(case) == "1 action(s) are still open: complete them first"
    assert cases.closing_refusal({"status": "open", "actions": [{"status": "done"}]}) is None
    assert cases.closing_refusal({"status": "closed"}) == "the case is closed already"


def test_a_case_stored_before_it_was_a_working_file_reads_as_empty():
    old = {"status": "open", "sources": ["c-1"], "opened_at": NOW}
    assert cases.closing_refusal(old) is None
    assert not cases.same_review(old, ReviewRequest(review_on=date(2026, 3, 20), reason="R"))


def test_the_review_date_is_today_or_later():
    today = date(2026, 3, 10)
    assert cases.review_problem(ReviewRequest(review_on=today, reason="Check in"), today) is None
    past = ReviewRequest(review_on=date(2026, 3, 9), reason="Check in")
    assert cases.review_problem(past, today) == "the review date must be today or later"


def test_a_reopening_is_recognised_when_retried():
    case = _closed_case()
    changes = cases.reopened(case, reopening_id="reopen_1", reason="New info", by="dsl-1", at=NOW)
    assert cases.reopened_by({**case, **changes}, "reopen_1")
    assert not cases.reopened_by(case, "reopen_1")
