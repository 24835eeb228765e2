"""Actions fall overdue at close of business on their date (the school's calendar), once;
a completed action cannot be completed again; referrals name only the case's concerns, and
feedback is for referrals to children's social care, after the referral was made."""

from datetime import UTC, date, datetime, timedelta

from services.case.domain import actions, referrals
from services.case.domain.actions import ActionCompletion, ActionRequest
from services.case.domain.calendar import SchoolCalendar
from services.case.domain.referrals import FeedbackRequest, ReferralRequest

NOW = datetime(2026, 3, 10, 9, 30, tzinfo=UTC)
TOLD = {"informed": True, "at": NOW.isoformat()}


def test_an_action_due_today_is_accepted_one_due_yesterday_is_not():
    today = date(2026, 3, 10)
    request = ActionRequest(title="Speak to mum", owner_user_id="teacher-1", due_on=today)
    assert actions.due_problem(request, today) is None
    late = request.model_copy(update={"due_on": date(2026, 3, 9)})
    assert actions.due_problem(late, today) == "the due date must be today or later"


def test_an_action_falls_overdue_at_close_of_business_in_the_schools_zone():
    calendar = SchoolCalendar.default()  # Europe/London, close of business 17:00
    assert actions.overdue_at(date(2026, 3, 10), calendar) == datetime(2026, 3, 10, 17, tzinfo=UTC)
    # British Summer Time: 17:00 in London is 16:00 UTC.
    assert actions.overdue_at(date(2026, 6, 10), calendar) == datetime(2026, 6, 10, 16, tzinfo=UTC)


def _action(**fields) -> dict:
    request = ActionRequest(
        title="Speak to mum", owner_user_id="teacher-1", due_on=date(2026, 3, 10)
    )
    action = actions.new_action(
        request,
        action_id="act_1",
        overdue_from=NOW,
        added_by="dsl-1",
        added_at=NOW - timedelta(days=1),
        fingerprint="f",
    )
    return {**action, **fields}


def test_an_open_action_is_overdue_once_its_moment_has_come():
    assert not actions.is_overdue(_action(), NOW - timedelta(seconds=1))
    assert actions.is_overdue(_action(), NOW)
    assert not actions.is_overdue(_action(overdue_at=NOW), NOW)  # told already
    assert not actions.is_overdue(_action(status="done"), NOW)


def test_a_completed_action_cannot_be_completed_again_except_by_the_same_request():
    request = ActionCompletion(note="Spoke to mum.")
    done = actions.completed(_action(), request, by="dsl-1", at=NOW, fingerprint="g")
    assert actions.completion_refusal(_action(), "g") is None
    assert actions.completion_refusal(done, "g") is None  # the same completion, retried
    assert actions.completion_refusal(done, "h") == "this action has already been completed"


def test_the_timer_key_names_the_case_and_the_action():
    key = actions.timer_key("oak/P1", "act_1")
    assert actions.from_timer_key(key) == ("oak/P1", "act_1")


def _referral(agency: str = "childrens_social_care") -> dict:
    request = ReferralRequest(
        agency=agency, made_at=NOW, method="phone", parents_informed=TOLD, concern_ids=["c-1"]
    )
    return referrals.new_referral(request, referral_id="ref_1", by="dsl-1", at=NOW, fingerprint="f")


def test_a_referral_names_only_the_cases_concerns_and_is_not_in_the_future():
    request = ReferralRequest(
        agency="police",
        made_at=NOW + timedelta(hours=1),
        method="phone",
        parents_informed={"informed": False, "reason": "Would alert the alleged abuser."},
        concern_ids=["c-1", "c-9"],
    )
    problems = referrals.referral_problems(request, {"sources": ["c-1"]}, NOW)
    assert [field for field, _ in problems] == ["made_at", "concern_ids"]


def test_feedback_is_for_referrals_to_childrens_social_care():
    feedback = FeedbackRequest(received_at=NOW, outcome="child_in_need_assessment")
    assert referrals.feedback_problems(_referral(), feedback, NOW) == []
    [(field, _)] = referrals.feedback_problems(_referral("police"), feedback, NOW)
    assert field == "referral_id"


def test_feedback_comes_after_the_referral_and_not_in_the_future():
    early = FeedbackRequest(received_at=NOW - timedelta(hours=1), outcome="no_further_action")
    late = FeedbackRequest(received_at=NOW + timedelta(hours=1), outcome="no_further_action")
    assert [f for f, _ in referrals.feedback_problems(_referral(), early, NOW)] == ["received_at"]
    assert [f for f, _ in referrals.feedback_problems(_referral(), late, NOW)] == ["received_at"]
