"""A school's calendar drives its deadlines; changing it recomputes the open ones."""

import copy
import json
from datetime import UTC, date, datetime

import pytest

from contracts.envelope import Actor, Subject
from contracts.records_v1 import TRANSFER_STARTED, TransferStarted
from services.common.events import make_envelope
from tests.support.api import School, bearer, eventually, token
from tests.support.broker import publish_raw
from tests.support.events import encompass_notified


@pytest.fixture
def calendar(samples) -> dict:
    return json.loads((samples / "calendar-2025-26.json").read_text())


async def _put(clients, school: School, body: dict, headers: dict | None = None):
    async def attempt():
        return await clients.case.put(
            f"/v1/schools/{school.school_id}/calendar", json=body, headers=headers or school.admin
        )

    # case learns of a new school from intake's event: give it a moment.
    return await eventually(attempt, lambda r: r.status_code != 404, timeout=20)


async def _deadline(clients, school: School, pupil: str, rule: str) -> dict:
    async def probe():
        response = await clients.case.get(
            "/v1/deadlines", headers=school.dsl, params={"pupil_id": pupil}
        )
        return [d for d in response.json()["deadlines"] if d["rule"] == rule]

    found = await eventually(probe, bool)
    assert len(found) == 1
    return found[0]


async def test_a_school_sets_and_reads_its_calendar(clients, school: School, calendar):
    put = await _put(clients, school, calendar)
    got = await clients.case.get(f"/v1/schools/{school.school_id}/calendar", headers=school.dsl)

    assert put.status_code == 200, put.text
    assert got.json()["terms"][2] == {"start": "2026-04-13", "end": "2026-07-22"}
    assert got.json()["closures"][1]["reason"] == "INSET"


@pytest.mark.parametrize(
    ("change", "problem"),
    [
        (lambda c: c["terms"].append({"start": "2026-03-01", "end": "2026-04-01"}), "overlaps"),
        (lambda c: c.update(school_day_starts="8.45"), "school_day_starts"),
        (lambda c: c.update(timezone="Europe/Londres"), "timezone"),
        (
            lambda c: c["closures"].append(
                {"start": "2026-02-20", "end": "2026-02-16", "reason": "typo"}
            ),
            "before start",
        ),
        (lambda c: c.update(weekends="none"), "weekends"),
    ],
    ids=["overlapping terms", "bad time", "unknown zone", "end before start", "unknown field"],
)
async def test_an_invalid_calendar_is_refused_and_the_old_one_stays(
    clients, school: School, calendar, change, problem
):
    await _put(clients, school, calendar)
    bad = copy.deepcopy(calendar)
    change(bad)

    response = await _put(clients, school, bad)
    kept = await clients.case.get(f"/v1/schools/{school.school_id}/calendar", headers=school.dsl)

    assert response.status_code == 422
    assert problem in response.json()["message"]
    assert kept.json() == calendar


async def test_only_the_schools_admin_or_headteacher_may_change_it(
    clients, school: School, calendar
):
    head = bearer(token("head-1", "headteacher", school=school.school_id))
    by_admin = await _put(clients, school, calendar)
    path = f"/v1/schools/{school.school_id}/calendar"
    by_staff = await clients.case.put(path, json=calendar, headers=school.staff)
    by_dsl = await clients.case.put(path, json=calendar, headers=school.dsl)
    by_head = await clients.case.put(path, json=calendar, headers=head)
    other = await School.register(clients.intake)
    by_other_admin = await clients.case.put(
        f"/v1/schools/{school.school_id}/calendar", json=calendar, headers=other.admin
    )

    assert by_admin.status_code == 200
    assert (by_staff.status_code, by_dsl.status_code, by_head.status_code) == (404, 404, 200)
    assert by_other_admin.status_code == 404


async def test_a_police_notification_is_due_at_the_start_of_the_next_pupil_day(
    clients, stack, school: School, calendar
):
    await _put(clients, school, calendar)
    pupil = await school.add_pupil()
    # Sunday evening: due Monday 9 March at 08:45 (GMT).
    event = encompass_notified(school, pupil, received_at=datetime(2026, 3, 8, 20, 0, tzinfo=UTC))
    await publish_raw(
        stack.rabbit_url, event.event_type, event.model_dump_json().encode(), event.event_id
    )

    deadline = await _deadline(clients, school, pupil, "encompass-before-school")

    assert deadline["due_at"] == "2026-03-09T08:45:00+00:00"
    assert deadline["approaching_at"] == "2026-03-09T08:15:00+00:00"


async def test_changing_the_calendar_recomputes_open_deadlines(
    clients, stack, school: School, samples
):
    calendar = json.loads((samples / "calendar-2026-27.json").read_text())
    await _put(clients, school, calendar)
    pupil = await school.add_pupil()
    # Sunday 10 January 2027, evening: due Monday 11 January at 08:45.
    event = encompass_notified(school, pupil, received_at=datetime(2027, 1, 10, 20, 0, tzinfo=UTC))
    await publish_raw(
        stack.rabbit_url, event.event_type, event.model_dump_json().encode(), event.event_id
    )
    before = await _deadline(clients, school, pupil, "encompass-before-school")

    with_inset = copy.deepcopy(calendar)
    with_inset["closures"].append({"start": "2027-01-11", "end": "2027-01-11", "reason": "INSET"})
    response = await _put(clients, school, with_inset)
    deadline = await _deadline(clients, school, pupil, "encompass-before-school")

    assert before["due_at"] == "2027-01-11T08:45:00+00:00"
    assert response.json()["recomputed_deadlines"] == 1
    assert deadline["due_at"] == "2027-01-12T08:45:00+00:00"
    assert deadline["status"] == "open"


async def test_a_leaver_past_the_calendar_waits_until_next_years_calendar_arrives(
    clients, stack, school: School, calendar
):
    await _put(clients, school, calendar)
    pupil = await school.add_pupil()
    started = make_envelope(
        TRANSFER_STARTED,
        TransferStarted(
            transfer_id=f"tr-{pupil}",
            pupil_id=pupil,
            reason="leaver",
            counts_from=date(2026, 7, 17),
            started_at=datetime.now(UTC),
        ),
        trust_id=school.trust_id,
        school_id=school.school_id,
        subject=Subject(kind="child", id=pupil),
        actor=Actor(kind="system", id="harbour"),
    )
    body = started.model_dump_json().encode()
    await publish_raw(stack.rabbit_url, TRANSFER_STARTED, body, started.event_id)
    unresolved = await _deadline(clients, school, pupil, "file-transfer")

    next_year = copy.deepcopy(calendar)
    next_year["terms"].append({"start": "2026-09-02", "end": "2026-12-18"})
    await _put(clients, school, next_year)
    resolved = await _deadline(clients, school, pupil, "file-transfer")

    assert unresolved["due_at"] is None
    assert "calendar has no" in unresolved["unresolved"]
    # 20 and 21 July count (22 July is INSET), then 2, 3 and 4 September: due on the 4th.
    assert resolved["due_at"] == "2026-09-04T17:00:00+01:00"
    assert resolved["unresolved"] is None
