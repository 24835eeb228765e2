"""What the DSL must be told about a child, end to end with real deliveries (an SMTP
server and SMS gateway on 127.0.0.1):

- three concerns about a child within 30 days raise exactly one pattern alert, with two
  replicas of case competing for the events, and records files it once;
- a risk assessment review missed alerts the DSL, by e-mail that says only that a review
  is overdue; a late review still meets it, late;
- the child's flags show on the alert in Harbour and never in an e-mail.
"""

import asyncio
from collections.abc import AsyncIterator
from datetime import time, timedelta
from typing import Any

import httpx
import pytest
from pymongo import AsyncMongoClient

from contracts.case_v1 import PATTERN_DETECTED
from contracts.envelope import utc_now
from services.common.clock import uk_today
from tests.support.alerting import Alerting, Team, alerting_stack, school_with_rota
from tests.support.api import eventually
from tests.support.broker import Capture


@pytest.fixture(scope="module")
async def env() -> AsyncIterator[Alerting]:
    with alerting_stack("pattern-watch") as started:
        yield started
        await started.aclose()


@pytest.fixture
async def team(env: Alerting) -> Team:
    team = await school_with_rota(env)  # tier 1 a DSL, 2 a deputy, 3 the head and trust lead
    team.school.dsl = team.tiers[0][0].headers
    return team


@pytest.fixture
async def watch_store(env: Alerting) -> AsyncIterator[Any]:
    client: AsyncMongoClient[dict[str, Any]] = AsyncMongoClient(
        "mongodb://127.0.0.1:27017/", tz_aware=True
    )
    yield client[f"{env.stack.db_prefix}case"]["pattern_watch"]
    await client.close()


async def _alerts(env: Alerting, team: Team, pupil_id: str, kind: str) -> list[dict[str, Any]]:
    response = await env.notification.get(
        "/v1/alerts", headers=team.school.dsl, params={"limit": 500}
    )
    assert response.status_code == 200, response.text
    return [
        a
        for a in response.json()["alerts"]
        if a["pupil_id"] == pupil_id and a["source_type"] == kind
    ]


async def _raise(env: Alerting, team: Team, pupil_id: str, **fields: Any) -> str:
    raised = await team.school.raise_concern(pupil_id, **fields)
    assert raised.status_code == 202, raised.text
    return str(raised.json()["concern_id"])


async def test_three_concerns_in_30_days_raise_exactly_one_pattern_alert_with_two_replicas(
    env: Alerting, team: Team, watch_store
):
    pupil = await team.school.add_pupil()
    replica = env.stack.add("case", "replica")
    await asyncio.to_thread(replica.start)
    try:
        async with Capture(env.stack.rabbit_url, [PATTERN_DETECTED]) as wire:
            concern_ids = await asyncio.gather(*(_raise(env, team, pupil) for _ in range(3)))
            concern_ids.append(await _raise(env, team, pupil))  # a fourth: the same pattern
            key = f"{team.school.school_id}/{pupil}"
            watched = await eventually(
                lambda: watch_store.find_one({"_id": key}),
                lambda doc: doc is not None and len(doc["items"]) == 4,
                timeout=60,
            )
            [alert] = await eventually(
                lambda: _alerts(env, team, pupil, "pattern"), lambda found: len(found) == 1
            )
            await eventually(lambda: asyncio.sleep(0, wire.bodies()), bool)
    finally:
        await asyncio.to_thread(replica.stop)

    # Every concern is in the watch, and the one write that could tell a pattern told one.
    assert sorted(i["id"] for i in watched["items"]) == sorted(concern_ids)
    told = [e for e in watched["outbox"] if e["event_type"] == PATTERN_DETECTED]
    assert len(told) == 1
    assert [b["payload"]["detection_id"] for b in wire.bodies()] == [alert["source_id"]]
    assert (alert["priority"], alert["pattern"]) == ("normal", "repeated_concerns")
    assert len(await _alerts(env, team, pupil, "pattern")) == 1
    subjects = await eventually(
        lambda: asyncio.sleep(0, [m.subject for m in env.emails_for(alert["alert_id"])]), bool
    )
    assert all("Safeguarding pattern to review at Oak Primary" in s for s in subjects), subjects
    entries = await eventually(
        lambda: _chronology(env, team, pupil),
        lambda found: any(e["event_type"] == PATTERN_DETECTED for e in found),
    )
    assert [e["event_type"] for e in entries].count(PATTERN_DETECTED) == 1


async def _chronology(env: Alerting, team: Team, pupil: str) -> list[dict[str, Any]]:
    async with httpx.AsyncClient(base_url=env.stack.url("records"), timeout=15) as records:
        response = await records.get(f"/v1/children/{pupil}/chronology", headers=team.school.dsl)
    return list(response.json().get("entries", [])) if response.status_code == 200 else []


def _closed_for_the_day() -> dict[str, str]:
    """A calendar whose close of business today has passed already: a fixed-offset zone in
    which it is daytime now and the date is England's, so a review due today is late."""
    today, now = uk_today(), utc_now()
    for hours in range(-12, 15):
        local = now + timedelta(hours=hours)
        if local.date() == today and time(2) <= local.time() <= time(23):
            zone = "UTC" if hours == 0 else f"Etc/GMT{-hours:+d}"  # Etc/GMT-10 is UTC+10
            return {"timezone": zone, "school_day_starts": "00:30", "close_of_business": "01:00"}
    raise AssertionError("every zone tried")  # cannot happen: 26 hours of offsets


async def test_a_missed_risk_assessment_review_alerts_the_dsl_and_says_nothing_of_the_child(
    env: Alerting, team: Team
):
    school = team.school
    put = await env.case.put(
        f"/v1/schools/{school.school_id}/calendar", json=_closed_for_the_day(), headers=school.admin
    )
    assert put.status_code == 200, put.text
    pupil = await school.add_pupil()
    context = {
        "plan": {
            "kind": "child_protection",
            "category": "sexual_abuse",
            "start_date": "2026-01-05",
        },
        "looked_after": {
            "legal_status": "care_order",
            "local_authority": "Worcestershire",
            "virtual_school_head": {"name": "Vera Head"},
        },
    }
    await eventually(  # case learns of the pupil by event
        lambda: env.case.put(f"/v1/children/{pupil}/context", json=context, headers=school.dsl),
        lambda r: r.status_code == 200,
        timeout=30,
    )
    recorded = await env.case.post(
        f"/v1/children/{pupil}/risk-assessments",
        json={
            "incident": "Sexualised comments in PE, repeated over a week.",
            "part": "victim",
            "risks": "Contact in PE and at the bus stop.",
            "measures": [{"kind": "supervised_times", "detail": "Staff at the bus stop."}],
            "victim_wishes": "Wants to stay in her PE group.",
            "consulted": ["The pupil", "Her carer", "Social worker"],
            "review_on": uk_today().isoformat(),
        },
        headers={**school.dsl, "Idempotency-Key": "ra-1"},
    )
    assert recorded.status_code == 201, recorded.text
    assessment_id = recorded.json()["assessment_id"]

    [alert] = await eventually(
        lambda: _alerts(env, team, pupil, "deadline"), lambda found: len(found) == 1, timeout=60
    )
    assert alert["rule"] == "risk-assessment-review"
    assert alert["flags"] == ["child_protection_plan", "looked_after"]  # in Harbour only
    dsl = team.tiers[0][0]
    mails = await eventually(
        lambda: asyncio.sleep(
            0, [m for m in env.emails_for(alert["alert_id"]) if dsl.email in m.envelope_to]
        ),
        bool,
        timeout=30,
    )
    for mail in mails:
        assert "Risk assessment review" in mail.subject
        text = f"{mail.subject} {mail.body}".lower()
        for secret in ("protection", "looked after", "pe ", "bus", "vera", pupil.lower()):
            assert secret not in text, secret

    reviewed = await env.case.post(
        f"/v1/risk-assessments/{assessment_id}/reviews",
        json={
            "summary": "Reviewed with her carer: measures work.",
            "next_review_on": (uk_today() + timedelta(days=14)).isoformat(),
        },
        headers={**school.dsl, "Idempotency-Key": "ra-1-review"},
    )
    assert reviewed.status_code == 201, reviewed.text
    assert reviewed.json()["deadline"] == "breached"  # late: the breach stands, the file shows it
    deadlines = await eventually(
        lambda: env.case.get("/v1/deadlines", headers=school.dsl, params={"pupil_id": pupil}),
        lambda r: (
            len([d for d in r.json()["deadlines"] if d["rule"] == "risk-assessment-review"]) == 2
        ),
        timeout=30,
    )
    by_status = {
        d["status"]: d
        for d in deadlines.json()["deadlines"]
        if d["rule"] == "risk-assessment-review"
    }
    assert by_status["breached"]["met_by"] == reviewed.json()["review_id"]
    assert by_status["open"]["source_id"] == reviewed.json()["review_id"]
