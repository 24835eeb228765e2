"""DSL alerting: the rota, e-mail and SMS/push delivery, acknowledgement and the escalation
ladder, against a real SMTP server and a real HTTP gateway on 127.0.0.1.

Escalation delays are seconds here (the rota sets them); retries take about a second.
"""

from collections.abc import AsyncIterator
from datetime import date, datetime

import pytest

from contracts.case_v1 import DEADLINE_APPROACHING, DEADLINE_BREACHED
from contracts.notification_v1 import ALERT_ACKNOWLEDGED
from tests.support.alerting import (
    PUBLIC_URL,
    VOICE_OF_CHILD,
    Alerting,
    Person,
    Team,
    alert_detail,
    alert_for_source,
    alerting_stack,
    child,
    deadline_event,
    emails_to,
    encompass_notified,
    leaks,
    reached_in_person,
    school_with_rota,
    texts_to,
    tiers_taken,
)
from tests.support.api import School, eventually, unique
from tests.support.broker import Capture

# Everything a child's record holds that no e-mail or text may carry; tests add to it.
CHILD_SECRETS: list[str] = []


@pytest.fixture(scope="module")
async def env() -> AsyncIterator[Alerting]:
    with alerting_stack("alerting") as started:
        yield started
        await started.aclose()


async def raise_concern(team: Team, **details: object) -> str:
    """A concern about a newly added pupil whose details are all remembered as secrets."""
    forename, surname = unique("Ottilie"), unique("Featherstonehaugh")
    pupil = await team.school.add_pupil(
        forename=forename, surname=surname, date_of_birth="2015-11-23"
    )
    description = f"Bruising seen on the upper arm during swimming ({unique('d')})."
    child_words = f"Dad gets cross when he has been drinking ({unique('w')})."
    actions = f"Spoke to the DSL straight away ({unique('a')})."
    CHILD_SECRETS.extend([forename, surname, "2015-11-23", "23/11/2015", "23 November 2015"])
    CHILD_SECRETS.extend([pupil, description, child_words, actions])
    response = await team.school.raise_concern(
        pupil, description=description, child_words=child_words, actions_taken=actions, **details
    )
    assert response.status_code == 202, response.text
    return response.json()["concern_id"]


async def reached(env: Alerting, alert_id: str, people: list[Person], timeout: float = 40) -> None:
    ok = await eventually(
        lambda: _true(reached_in_person(env, alert_id, people)), bool, timeout=timeout
    )
    assert ok, f"not everyone was reached: {emails_to(env, alert_id)} {texts_to(env, alert_id)}"


async def _true(value: bool) -> bool:
    return value


async def detail_when(env: Alerting, team: Team, alert_id: str, accept, timeout: float = 40):
    return await eventually(lambda: alert_detail(env, team, alert_id), accept, timeout=timeout)


# --- the rota ----------------------------------------------------------------------------


async def test_an_invalid_rota_is_refused_with_its_fields_named_and_the_old_one_kept(env):
    team = await school_with_rota(env)
    school = team.school
    before = (
        await env.notification.get(f"/v1/schools/{school.school_id}/rota", headers=school.admin)
    ).json()
    rota = team.rota()
    rota["tiers"][0]["members"][0]["email"] = "not-an-address"
    rota["tiers"][1]["members"][0]["phone"] = "0121 496 0000"  # a landline gets no SMS
    rota["tiers"].insert(1, {"members": []})

    response = await env.notification.put(
        f"/v1/schools/{school.school_id}/rota", json=rota, headers=school.admin
    )

    assert response.status_code == 422, response.text
    fields = {d["field"] for d in response.json()["detail"]}
    assert fields == {"tiers[0].members[0].email", "tiers[1].members", "tiers[2].members[0].phone"}
    unknown_user = team.rota()
    unknown_user["tiers"][2]["members"][0]["user_id"] = "nobody-we-know"
    response = await env.notification.put(
        f"/v1/schools/{school.school_id}/rota", json=unknown_user, headers=school.admin
    )
    assert response.status_code == 422, response.text
    assert [d["field"] for d in response.json()["detail"]] == ["tiers[2].members[0].user_id"]
    after = await env.notification.get(f"/v1/schools/{school.school_id}/rota", headers=school.admin)
    assert after.json() == before


async def test_only_an_admin_or_the_headteacher_of_the_school_may_set_the_rota(env):
    team = await school_with_rota(env)
    school, other = team.school, await School.register(env.intake)
    head = team.tiers[2][0]

    by_head = await env.notification.put(
        f"/v1/schools/{school.school_id}/rota",
        json=team.rota(normal_step_seconds=60),
        headers=head.headers,
    )
    by_dsl = await env.notification.put(
        f"/v1/schools/{school.school_id}/rota", json=team.rota(), headers=team.tiers[0][0].headers
    )
    by_other_admin = await env.notification.put(
        f"/v1/schools/{school.school_id}/rota", json=team.rota(), headers=other.admin
    )

    assert by_head.status_code == 200, by_head.text
    assert by_head.json()["escalation"]["normal_step_seconds"] == 60
    assert by_dsl.status_code == 404
    assert by_other_admin.status_code == 404


# --- the ladder --------------------------------------------------------------------------


async def test_an_unacknowledged_alert_climbs_one_tier_per_step_and_stops_at_acknowledgement(env):
    team = await school_with_rota(env, normal_step_seconds=6)
    dsl, deputy, last = team.tiers
    alert = await alert_for_source(env, team, await raise_concern(team))
    alert_id = alert["alert_id"]

    await reached(env, alert_id, dsl)
    detail = await alert_detail(env, team, alert_id)
    assert tiers_taken(detail) == [1]
    await reached(env, alert_id, deputy)
    ack = await env.notification.post(f"/v1/alerts/{alert_id}/ack", headers=deputy[0].headers)
    assert ack.status_code == 200, ack.text

    # Well past the next step's time: the last tier must not have been alerted.
    later = await detail_when(env, team, alert_id, lambda d: 3 in tiers_taken(d), timeout=14)
    assert tiers_taken(later) == [1, 2]
    assert [s["reason"] for s in later["steps"]] == ["initial", "timer"]
    first, second = (datetime.fromisoformat(s["due_at"]) for s in later["steps"])
    assert (second - first).total_seconds() == 6
    assert later["acknowledged_by"] == deputy[0].user_id
    assert later["next_escalation_at"] is None
    assert not {p.email for p in last} & set(emails_to(env, alert_id))
    assert {d["state"] for d in later["deliveries"]} == {"sent"}


async def test_an_urgent_alert_reaches_every_tier_at_once(env):
    team = await school_with_rota(env, normal_step_seconds=600)

    concern_id = await raise_concern(team, immediate_danger=True)

    alert = await alert_for_source(env, team, concern_id)
    assert alert["priority"] == "urgent"
    await reached(env, alert["alert_id"], team.everyone)
    detail = await alert_detail(env, team, alert["alert_id"])
    assert tiers_taken(detail) == [1, 2, 3]
    assert {s["reason"] for s in detail["steps"]} == {"urgent"}
    assert len({s["due_at"] for s in detail["steps"]}) == 1


async def test_an_sms_that_finally_fails_escalates_at_once(env):
    team = await school_with_rota(env, normal_step_seconds=600)
    dsl, deputy, last = team.tiers
    env.gateway.fail_recipient(dsl[0].phone, status=500)

    alert = await alert_for_source(env, team, await raise_concern(team))

    # The timer is ten minutes: only the failed delivery can bring the deputy in now.
    await reached(env, alert["alert_id"], deputy)
    detail = await alert_detail(env, team, alert["alert_id"])
    sms = next(d for d in detail["deliveries"] if d["channel"] == "sms" and d["tier"] == 1)
    assert sms["state"] == "failed"
    assert sms["attempts"] == 3
    assert sms["last_error"].startswith("gateway 500")
    assert [(s["tier"], s["reason"]) for s in detail["steps"]] == [
        (1, "initial"),
        (2, "delivery_failed"),
    ]
    assert not {p.email for p in last} & set(emails_to(env, alert["alert_id"]))


async def test_an_alert_raised_before_the_school_has_a_rota_starts_when_it_gets_one(env):
    school = await School.register(env.intake)
    team = Team.standard(school)
    pupil = await school.add_pupil()
    concern_id = (await school.raise_concern(pupil)).json()["concern_id"]
    alert = await alert_for_source(env, team, concern_id)
    waiting = await detail_when(env, team, alert["alert_id"], lambda d: d["awaiting_rota"])
    assert waiting["awaiting_rota"] and waiting["steps"] == []

    await school_with_rota(env, team, normal_step_seconds=600)

    await reached(env, alert["alert_id"], team.tiers[0])


# --- deadlines ---------------------------------------------------------------------------


async def test_deadline_approaching_climbs_a_tier_and_a_breach_reaches_the_headteacher(env):
    school = await School.register(env.intake)
    team = Team.standard(school)
    team.tiers.insert(2, [Person(unique("deputy"), "deputy_dsl", school)])
    await school_with_rota(env, team, normal_step_seconds=600)
    first, second, third, last = team.tiers
    alert_id = (await alert_for_source(env, team, await raise_concern(team)))["alert_id"]
    await reached(env, alert_id, first)

    approaching = deadline_event(
        DEADLINE_APPROACHING, school, source_event_id=alert_id, pupil=None, rule="dsl-triage"
    )
    await env.publish(approaching)
    await reached(env, alert_id, second)
    await env.publish(approaching)  # redelivered: must not climb again
    breached = deadline_event(
        DEADLINE_BREACHED, school, source_event_id=alert_id, pupil=None, rule="dsl-triage"
    )
    await env.publish(breached)
    await reached(env, alert_id, [*third, *last])

    detail = await alert_detail(env, team, alert_id)
    assert [(s["tier"], s["reason"]) for s in detail["steps"]] == [
        (1, "initial"),
        (2, "deadline_approaching"),
        (3, "deadline_breached"),
        (4, "deadline_breached"),
    ]


async def test_a_deadline_without_an_open_alert_becomes_an_alert_of_its_own(env):
    team = await school_with_rota(env, normal_step_seconds=600)
    school = team.school
    source_event_id = unique("pupil-left-event")

    await env.publish(
        deadline_event(
            DEADLINE_BREACHED,
            school,
            source_event_id=source_event_id,
            pupil=None,
            rule="file-transfer",
        )
    )

    alert = await alert_for_source(env, team, f"file-transfer:{source_event_id}")
    assert alert["source_type"] == "deadline"
    assert alert["rule"] == "file-transfer"
    await reached(env, alert["alert_id"], [*team.tiers[0], *team.tiers[2]])
    detail = await alert_detail(env, team, alert["alert_id"])
    assert tiers_taken(detail) == [1, 3]


# --- acknowledgement ---------------------------------------------------------------------


async def test_acknowledging_twice_changes_nothing_and_meets_the_encompass_deadline_once(env):
    team = await school_with_rota(env, normal_step_seconds=600)
    school, dsl = team.school, team.tiers[0][0]
    forename, surname = unique("Marigold"), unique("Ashcombe")
    pupil = await school.add_pupil(forename=forename, surname=surname, date_of_birth="2017-02-09")
    CHILD_SECRETS.extend([forename, surname, "2017-02-09", "09/02/2017", "Orchard Court"])
    CHILD_SECRETS.extend(["Shouting heard by neighbours", "Words of advice", VOICE_OF_CHILD])
    CHILD_SECRETS.append("stayed with a grandparent")
    notified = encompass_notified(school, pupil, child(forename, surname, date(2017, 2, 9)))

    async with Capture(env.stack.rabbit_url, [ALERT_ACKNOWLEDGED]) as wire:
        await env.publish(notified)
        alert = await alert_for_source(env, team, notified.payload.notification_id)
        assert alert["priority"] == "encompass"
        await reached(env, alert["alert_id"], [dsl])
        first = await env.notification.post(
            f"/v1/alerts/{alert['alert_id']}/ack", headers=dsl.headers
        )
        second = await env.notification.post(
            f"/v1/alerts/{alert['alert_id']}/ack", headers=dsl.headers
        )
        await eventually(lambda: _true(wire.bodies(ALERT_ACKNOWLEDGED)), bool, timeout=20)
        published = await eventually(
            lambda: _true(wire.bodies(ALERT_ACKNOWLEDGED)), lambda b: len(b) > 1, timeout=3
        )

    assert first.status_code == second.status_code == 200
    assert first.json() == second.json()
    assert first.json()["acknowledged_by"] == dsl.user_id
    assert [b["payload"]["alert_id"] for b in published] == [alert["alert_id"]]
    assert published[0]["payload"]["source_event_id"] == notified.event_id
    deadlines = await eventually(
        lambda: _deadlines(env, school, pupil), lambda d: d and d[0]["status"] == "met", timeout=30
    )
    assert [d["rule"] for d in deadlines] == ["encompass-before-school"]
    assert deadlines[0]["status"] == "met"


async def _deadlines(env: Alerting, school: School, pupil: str) -> list[dict]:
    response = await env.case.get("/v1/deadlines", headers=school.dsl, params={"pupil_id": pupil})
    return response.json()["deadlines"]


async def test_only_members_of_the_rota_may_acknowledge_and_other_schools_see_nothing(env):
    team = await school_with_rota(env, normal_step_seconds=600)
    other = await school_with_rota(env, normal_step_seconds=600)
    alert_id = (await alert_for_source(env, team, await raise_concern(team)))["alert_id"]
    head = team.tiers[2][0]  # on the rota, not a DSL: sees alerts because of the rota

    listed = await env.notification.get("/v1/alerts", headers=head.headers)
    by_staff = await env.notification.get(f"/v1/alerts/{alert_id}", headers=team.school.staff)
    by_dsl_off_rota = await env.notification.post(
        f"/v1/alerts/{alert_id}/ack", headers=team.school.dsl
    )
    by_other_school = await env.notification.post(
        f"/v1/alerts/{alert_id}/ack", headers=other.tiers[0][0].headers
    )
    other_reads = await env.notification.get(
        f"/v1/alerts/{alert_id}", headers=other.tiers[0][0].headers
    )
    by_trust_lead = await env.notification.post(
        f"/v1/alerts/{alert_id}/ack", headers=team.tiers[2][1].headers
    )

    assert alert_id in [a["alert_id"] for a in listed.json()["alerts"]]
    assert by_staff.status_code == 404
    assert by_dsl_off_rota.status_code == 403
    assert by_other_school.status_code == 404
    assert other_reads.status_code == 404
    assert by_trust_lead.status_code == 200
    assert by_trust_lead.json()["acknowledged_by"] == team.tiers[2][1].user_id


# --- privacy (last: it checks everything the module sent) ---------------------------------


async def test_no_email_or_text_carries_anything_about_the_child(env):
    team = await school_with_rota(env, normal_step_seconds=600)
    push_team = Team.standard(await School.register(env.intake, name="Elm Academy"), push=True)
    await school_with_rota(env, push_team, normal_step_seconds=600)
    alert_id = (
        await alert_for_source(env, push_team, await raise_concern(push_team, fgm_discovered=True))
    )["alert_id"]
    await reached(env, alert_id, push_team.everyone)
    pushes = await eventually(
        lambda: _true([r for r in env.texts_for(alert_id) if r.path.endswith("/push")]),
        lambda r: len(r) == 4,
    )

    assert len(pushes) == 4
    assert env.smtp.messages and env.gateway.requests
    assert leaks(env, CHILD_SECRETS) == []
    for message in env.emails_for(alert_id):
        assert "Elm Academy" in message.subject and "URGENT" in message.subject
        assert f"{PUBLIC_URL}/alerts/{alert_id}" in message.body
    for request in env.texts_for(alert_id):
        assert request.headers["authorization"].startswith("ApiKey-v1 ")
        assert request.json["personalisation"]["alert_url"] == f"{PUBLIC_URL}/alerts/{alert_id}"
        assert "Elm Academy" in request.json["personalisation"]["message"]
    assert team  # the first school's alerts are in the inbox too
