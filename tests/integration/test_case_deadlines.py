"""The statutory clock on a child's case, with real deliveries (an SMTP server and SMS
gateway on 127.0.0.1): a referral to children's social care starts social-care-feedback;
breached, the DSL is e-mailed to chase it; the feedback meets it. FGM discovered starts the
teacher's own fgm-police-report, met by their report. An action not done by its date is
told once, across two replicas of case, and the DSL and its owner are alerted."""

import asyncio
from collections.abc import AsyncIterator
from datetime import time, timedelta

import pytest

from contracts.case_v1 import ACTION_OVERDUE
from contracts.envelope import utc_now
from services.common.clock import uk_today
from tests.integration.case_desk import NOT_TOLD, CaseDesk, ago
from tests.support.alerting import (
    Alerting,
    Team,
    alert_for_source,
    alerting_stack,
    school_with_rota,
)
from tests.support.api import bearer, eventually, token
from tests.support.broker import Capture


@pytest.fixture(scope="module")
async def env() -> AsyncIterator[Alerting]:
    with alerting_stack("case-deadlines") as started:
        yield started
        await started.aclose()


@pytest.fixture
async def team(env: Alerting) -> Team:
    return await school_with_rota(env)  # tier 1 a DSL, 2 a deputy, 3 the head and trust lead


async def _desk(env: Alerting, team: Team, **concern: object) -> tuple[CaseDesk, str]:
    school = team.school
    desk = CaseDesk(env.case, school, await school.add_pupil())
    dsl = team.tiers[0][0]
    school.dsl = dsl.headers  # the DSL on the rota works the case
    raised = await school.raise_concern(desk.pupil_id, **concern)
    assert raised.status_code == 202, raised.text
    concern_id = raised.json()["concern_id"]
    await desk.opened_by(concern_id)
    return desk, concern_id


def _subjects(env: Alerting, alert_id: str, person) -> list[str]:
    return [m.subject for m in env.emails_for(alert_id) if person.email in m.envelope_to]


async def _deadline(desk: CaseDesk, source_id: str, rule: str, accept) -> dict:
    async def probe() -> list[dict]:
        return [d for d in await desk.deadlines(source_id) if d["rule"] == rule]

    [deadline] = await eventually(
        probe, lambda found: len(found) == 1 and accept(found[0]), timeout=30
    )
    return deadline


async def test_late_social_care_feedback_is_chased_then_met(env: Alerting, team: Team):
    desk, concern_id = await _desk(env, team)
    decided = await desk.triage(concern_id, parents_informed=NOT_TOLD)
    assert decided.status_code == 201, decided.text
    assert decided.json()["deadline"] == "met"

    # Made ten days ago: the next working day's close of business has long passed.
    made = await desk.refer(concern_id, ago(days=10))
    assert made.status_code == 201, made.text
    referral_id = made.json()["referral_id"]
    breached = await _deadline(
        desk, referral_id, "social-care-feedback", lambda d: d["status"] == "breached"
    )

    alert = await alert_for_source(env, team, breached["deadline_id"])
    assert (alert["source_type"], alert["rule"]) == ("deadline", "social-care-feedback")
    dsl, head = team.tiers[0][0], team.tiers[2][0]
    chase = "Chase children's social care for feedback at Oak Primary"
    subjects = await eventually(
        lambda: asyncio.sleep(0, _subjects(env, alert["alert_id"], dsl)), bool, timeout=30
    )
    assert all(chase in s for s in subjects), subjects
    assert await eventually(  # a breach also reaches the last tier
        lambda: asyncio.sleep(0, _subjects(env, alert["alert_id"], head)), bool, timeout=30
    )

    feedback = await desk.post(
        f"/v1/referrals/{referral_id}/feedback",
        {"received_at": ago(minutes=1), "outcome": "child_in_need_assessment"},
    )
    assert feedback.status_code == 201, feedback.text
    assert feedback.json()["deadline"] == "breached"  # late, and the file shows when it came
    late = await _deadline(desk, referral_id, "social-care-feedback", lambda d: d["met_by"])
    assert late["met_by"] == feedback.json()["feedback_id"]


async def test_feedback_in_time_meets_the_deadline(env: Alerting, team: Team):
    desk, concern_id = await _desk(env, team)
    made = await desk.refer(concern_id, ago(minutes=30))
    referral_id = made.json()["referral_id"]
    await _deadline(desk, referral_id, "social-care-feedback", lambda d: d["status"] == "open")

    feedback = await desk.post(
        f"/v1/referrals/{referral_id}/feedback",
        {"received_at": ago(minutes=1), "outcome": "no_further_action", "details": "NFA."},
    )
    assert (feedback.status_code, feedback.json()["deadline"]) == (201, "met")
    met = await _deadline(desk, referral_id, "social-care-feedback", lambda d: d["status"] == "met")
    assert met["met_by"] == feedback.json()["feedback_id"]


async def test_the_teacher_who_discovered_fgm_reports_it_and_meets_the_deadline(
    env: Alerting, team: Team
):
    desk, concern_id = await _desk(env, team, fgm_discovered=True, categories=["fgm"])
    duty = await _deadline(desk, concern_id, "fgm-police-report", lambda d: d["status"] == "open")
    teacher = desk.school.staff  # teacher-1 recorded the concern
    assert duty["owner_user_id"] == "teacher-1"
    duties = await env.case.get("/v1/fgm-duties", headers=teacher)
    assert [d["concern_id"] for d in duties.json()["duties"]] == [concern_id]
    other_teacher = bearer(token("teacher-2", "staff", school=desk.school.school_id))
    report = {"reported_at": ago(minutes=5), "police_reference": "WM/20416/26"}
    refused = await desk.post(f"/v1/concerns/{concern_id}/fgm-report", report, as_=other_teacher)
    assert refused.status_code == 404

    reported = await desk.post(f"/v1/concerns/{concern_id}/fgm-report", report, as_=teacher)

    assert reported.status_code == 201, reported.text
    assert (reported.json()["deadline"], reported.json()["on_behalf"]) == ("met", False)
    met = await _deadline(desk, concern_id, "fgm-police-report", lambda d: d["status"] == "met")
    assert met["deadline_id"] == duty["deadline_id"]
    assert (await desk.read(teacher)).status_code == 404  # the duty, not the file


def _closing_in_about_a_minute() -> tuple[dict, str]:
    """A calendar whose close of business today is 10-70 s away: a fixed-offset zone in
    which it is daytime now and the date is England's, so an action due today (the first
    date case accepts) falls overdue within the test."""
    today, now = uk_today(), utc_now()
    for hours in range(-12, 15):
        local = now + timedelta(hours=hours, seconds=70)
        if local.date() == today and time(1) <= local.time() <= time(22):
            zone = "UTC" if hours == 0 else f"Etc/GMT{-hours:+d}"  # Etc/GMT-10 is UTC+10
            closes = local.strftime("%H:%M")
            calendar = {"timezone": zone, "school_day_starts": "00:30", "close_of_business": closes}
            return calendar, today.isoformat()
    raise AssertionError("every zone tried")  # cannot happen: 26 hours of offsets


async def test_an_overdue_action_is_told_once_across_two_replicas_and_alerts_dsl_and_owner(
    env: Alerting, team: Team
):
    desk, _ = await _desk(env, team)
    school = desk.school
    calendar, today = _closing_in_about_a_minute()
    put = await env.case.put(
        f"/v1/schools/{school.school_id}/calendar", json=calendar, headers=school.admin
    )
    assert put.status_code == 200, put.text
    head = team.tiers[2][0]
    second = env.stack.add("case", "replica")
    await asyncio.to_thread(second.start)
    try:
        async with Capture(env.stack.rabbit_url, [ACTION_OVERDUE]) as wire:
            added = await desk.post(
                f"/v1/children/{desk.pupil_id}/actions",
                {
                    "title": "Ask the school nurse to see her",
                    "owner_user_id": head.user_id,
                    "due_on": today,
                },
            )
            assert added.status_code == 201, added.text
            action_id = added.json()["action_id"]
            flagged = await eventually(  # close of business is at most 70 s away
                lambda: desk.read(),
                lambda r: r.json()["actions"]["open"][0]["overdue_at"] is not None,
                timeout=150,
            )
            assert flagged.json()["actions"]["open"][0]["overdue_at"] is not None
            alert = await alert_for_source(env, team, action_id)
    finally:
        await asyncio.to_thread(second.stop)

    assert [b["payload"]["action_id"] for b in wire.bodies(ACTION_OVERDUE)] == [action_id]
    dsl = team.tiers[0][0]
    for person in (dsl, head):
        subjects = await eventually(
            lambda p=person: asyncio.sleep(0, _subjects(env, alert["alert_id"], p)),
            bool,
            timeout=30,
        )
        assert subjects and all("Safeguarding action overdue" in s for s in subjects), subjects
