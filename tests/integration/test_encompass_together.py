"""A police batch's children reach the other services as one message per school: every
matched child still gets its own alert, chronology entry and deadline, and each notice's
own event is marked published (so no sweep publishes it again)."""

from services.intake.domain.encompass_batch import BATCH_COLUMNS
from services.intake.domain.roster import ROSTER_COLUMNS
from tests.integration.encompass_world import Trust, import_roster, register_school
from tests.support.api import eventually
from tests.support.effects import deadlines_for, entries_for

PUPILS = 30


def roster() -> bytes:
    rows = [
        f"ASH-{n:03d},,Child{n},Surname{n},,2016-03-{n % 28 + 1:02d},,2022-09-01,"
        for n in range(PUPILS)
    ]
    return ("\n".join([",".join(ROSTER_COLUMNS), *rows]) + "\n").encode()


def batch(urn: str) -> bytes:
    rows = [
        f"TG/{n}/26,West Mercia Police,2026-03-11T21:10:00+00:00,2026-03-12T06:40:00+00:00,"
        f"Child{n},Surname{n},2016-03-{n % 28 + 1:02d},,{urn},Ashfield,yes,,"
        "Argument between adults at the home address.,Words of advice given."
        for n in range(PUPILS)
    ]
    return ("\n".join([",".join(BATCH_COLUMNS), *rows]) + "\n").encode()


async def test_every_child_of_a_batch_gets_its_three_effects(clients, mongo):
    trust = await Trust.create(clients.intake)
    ashfield = await register_school(clients.intake, trust.trust_id, "Ashfield Primary", "117001")
    response = await import_roster(ashfield, roster())
    assert response.status_code == 200, response.text

    response = await trust.sender.send_batch(batch("117001"))

    assert response.status_code == 202, response.text
    rows = response.json()["rows"]
    assert [row["outcome"] for row in rows] == ["matched"] * PUPILS
    notices = mongo("intake").encompass_notifications
    ids = [row["notification_id"] for row in rows]

    async def unpublished() -> int:
        return await notices.count_documents({"_id": {"$in": ids}, "outbox_pending": True})

    assert await eventually(unpublished, lambda n: n == 0, timeout=60) == 0
    # Marked published in one write: the one message carried them all.
    marks = {n["outbox"][0]["published_at"] async for n in notices.find({"_id": {"$in": ids}})}
    assert len(marks) == 1
    alerts = await eventually(
        lambda: _all_alerts(clients, ashfield, ids), lambda a: len(a) == PUPILS, timeout=120
    )
    assert sorted(a["pupil_id"] for a in alerts) == [f"ASH-{n:03d}" for n in range(PUPILS)]
    for n, notification_id in enumerate(ids):
        pupil_id = f"ASH-{n:03d}"
        entries = await eventually(
            lambda p=pupil_id, i=notification_id: entries_for(clients.records, ashfield, p, i),
            bool,
            timeout=120,
        )
        assert len(entries) == 1 and entries[0]["content"]["police_reference"] == f"TG/{n}/26"
        deadlines = await eventually(
            lambda p=pupil_id, i=notification_id: deadlines_for(clients.case, ashfield, p, i),
            bool,
            timeout=120,
        )
        assert [d["rule"] for d in deadlines] == ["encompass-before-school"]


async def _all_alerts(clients, school, ids: list[str]) -> list[dict]:
    wanted = set(ids)
    response = await clients.notification.get(
        "/v1/alerts", headers=school.dsl, params={"limit": 500}
    )
    assert response.status_code == 200, response.text
    return [a for a in response.json()["alerts"] if a["source_id"] in wanted]
