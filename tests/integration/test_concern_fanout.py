"""A concern posted to intake reaches the DSL alert, the chronology and the deadline tracker."""

from datetime import datetime, timedelta

from tests.support.api import School, eventually
from tests.support.effects import alerts_for, deadlines_for, entries_for, wait_for_fanout


async def test_a_concern_fans_out_to_alert_chronology_and_deadline(clients, school: School):
    pupil = await school.add_pupil()

    response = await school.raise_concern(pupil, child_words="He said it was a secret.")

    assert response.status_code == 202, response.text
    concern_id = response.json()["concern_id"]
    received_at = datetime.fromisoformat(response.json()["received_at"])
    alerts, entries, deadlines = await wait_for_fanout(clients, school, pupil, concern_id)

    assert len(alerts) == 1
    assert alerts[0]["pupil_id"] == pupil
    assert alerts[0]["school_id"] == school.school_id
    assert alerts[0]["priority"] == "normal"
    assert alerts[0]["acknowledged_at"] is None

    assert len(entries) == 1
    assert entries[0]["event_type"] == "intake.concern.raised.v1"
    assert entries[0]["content"]["child_words"] == "He said it was a secret."
    assert entries[0]["occurred_at"].startswith("2026-03-10T09:15:00")

    assert len(deadlines) == 1
    assert deadlines[0]["rule"] == "dsl-triage"
    assert deadlines[0]["status"] == "open"
    assert datetime.fromisoformat(deadlines[0]["due_at"]) == received_at + timedelta(hours=1)


async def test_immediate_danger_is_urgent_and_due_in_15_minutes(clients, school: School):
    pupil = await school.add_pupil()

    response = await school.raise_concern(pupil, immediate_danger=True)

    concern_id = response.json()["concern_id"]
    received_at = datetime.fromisoformat(response.json()["received_at"])
    alerts, _, deadlines = await wait_for_fanout(clients, school, pupil, concern_id)
    assert alerts[0]["priority"] == "urgent"
    assert datetime.fromisoformat(deadlines[0]["due_at"]) == received_at + timedelta(minutes=15)


async def test_the_chronology_lists_entries_in_the_order_things_happened(clients, school: School):
    pupil = await school.add_pupil()
    later = await school.raise_concern(pupil, occurred_at="2026-03-12T10:00:00+00:00")
    earlier = await school.raise_concern(pupil, occurred_at="2026-03-02T10:00:00+00:00")
    await wait_for_fanout(clients, school, pupil, later.json()["concern_id"])
    await wait_for_fanout(clients, school, pupil, earlier.json()["concern_id"])

    response = await clients.records.get(f"/v1/children/{pupil}/chronology", headers=school.dsl)

    sources = [e["source_id"] for e in response.json()["entries"]]
    assert sources == [earlier.json()["concern_id"], later.json()["concern_id"]]


async def test_same_idempotency_key_and_body_is_the_same_concern(clients, school: School):
    pupil = await school.add_pupil()

    first = await school.raise_concern(pupil, key="retry-me")
    second = await school.raise_concern(pupil, key="retry-me")

    assert first.status_code == second.status_code == 202
    concern_id = first.json()["concern_id"]
    assert second.json()["concern_id"] == concern_id
    await wait_for_fanout(clients, school, pupil, concern_id)
    # Give a duplicate every chance to arrive before counting.
    alerts = await eventually(
        lambda: alerts_for(clients.notification, school, concern_id),
        lambda a: len(a) > 1,
        timeout=2,
    )
    assert len(alerts) == 1
    assert len(await entries_for(clients.records, school, pupil, concern_id)) == 1
    assert len(await deadlines_for(clients.case, school, pupil, concern_id)) == 1


async def test_same_idempotency_key_with_a_different_body_is_refused(clients, school: School):
    pupil = await school.add_pupil()
    first = await school.raise_concern(pupil, key="k-1", description="First account.")

    second = await school.raise_concern(pupil, key="k-1", description="Another account.")

    assert first.status_code == 202
    assert second.status_code == 409
    assert "Idempotency-Key" in second.json()["detail"]


async def test_the_reporter_sees_a_receipt_but_not_the_file(clients, school: School):
    pupil = await school.add_pupil()
    concern_id = (await school.raise_concern(pupil)).json()["concern_id"]
    await wait_for_fanout(clients, school, pupil, concern_id)

    receipt = await clients.intake.get(f"/v1/concerns/{concern_id}", headers=school.staff)
    chronology = await clients.records.get(f"/v1/children/{pupil}/chronology", headers=school.staff)
    alerts = await clients.notification.get("/v1/alerts", headers=school.staff)

    assert receipt.status_code == 200
    assert receipt.json()["status"] == "received"
    assert chronology.status_code == 404
    assert alerts.status_code == 404


async def test_another_school_sees_nothing_of_this_one(clients, school: School):
    pupil = await school.add_pupil()
    concern_id = (await school.raise_concern(pupil)).json()["concern_id"]
    await wait_for_fanout(clients, school, pupil, concern_id)
    other = await School.register(clients.intake)

    alerts = await clients.notification.get("/v1/alerts", headers=other.dsl)
    chronology = await clients.records.get(f"/v1/children/{pupil}/chronology", headers=other.dsl)
    asked_for_school = await clients.case.get(
        "/v1/deadlines", headers=other.dsl, params={"school_id": school.school_id}
    )
    deadlines = await clients.case.get(
        "/v1/deadlines", headers=other.dsl, params={"pupil_id": pupil}
    )

    assert alerts.json()["alerts"] == []
    assert chronology.status_code == 404
    assert asked_for_school.status_code == 404
    assert deadlines.json()["deadlines"] == []


async def test_every_chronology_read_is_in_the_access_log(clients, school: School):
    pupil = await school.add_pupil()
    concern_id = (await school.raise_concern(pupil)).json()["concern_id"]
    await wait_for_fanout(clients, school, pupil, concern_id)

    async def reads() -> list:
        log = await clients.records.get(f"/v1/children/{pupil}/access-log", headers=school.dsl)
        assert log.status_code == 200, log.text
        return [e for e in log.json()["entries"] if e["action"] == "chronology.read"]

    before = await reads()
    await clients.records.get(f"/v1/children/{pupil}/chronology", headers=school.dsl)
    after = await reads()

    assert len(after) == len(before) + 1
    assert (after[0]["user_id"], after[0]["roles"]) == ("dsl-1", ["dsl"])
