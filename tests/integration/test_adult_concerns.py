"""Concerns about adults (KCSIE Part 4) end to end, against the real broker and store, with
notification sending to a real SMTP server and SMS gateway on 127.0.0.1:

- a concern about a teacher: the headteacher is told at once (and not the DSL rota), decides
  it is an allegation, refers it to the LADO within the deadline, suspends and confirms in
  writing, and records the outcome; every step is in the case's own chronology;
- a concern about the headteacher reaches the chair of governors and never the head;
- a DSL who is the subject sees nothing, on every endpoint of every service;
- three low-level concerns about the same adult within a year raise one pattern alert.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest

from tests.support.alerting import Alerting, Person, alerting_stack, leaks, new_mobile
from tests.support.api import School, bearer, eventually, token, unique
from tests.support.fake_smtp import ReceivedEmail

pytestmark = pytest.mark.integration

CONCERN_SUBJECT = "A concern about an adult at Oak Primary — open Harbour to view"
PATTERN_SUBJECT = "A pattern of low-level concerns about an adult at Oak Primary"


@pytest.fixture(scope="module")
async def env() -> AsyncIterator[Alerting]:
    with alerting_stack("adult-concerns") as started:
        started.records = httpx.AsyncClient(base_url=started.stack.url("records"), timeout=15)
        yield started
        await started.records.aclose()
        await started.aclose()


class Oak:
    """A school with its headteacher, chair of governors, a DSL on the rota, a second DSL
    and a teacher, all known to notification with their contacts."""

    def __init__(self, env: Alerting, school: School) -> None:
        self.env = env
        self.school = school
        self.head = Person(unique("head"), "headteacher", school)
        self.chair = Person(unique("chair"), "chair_of_governors", school)
        self.dsl = Person(unique("dsl"), "dsl", school)
        self.dsl2 = Person(unique("dsl"), "dsl", school)
        self.teacher = Person(unique("teacher"), "staff", school)

    @classmethod
    async def open(cls, env: Alerting) -> Oak:
        oak = cls(env, await School.register(env.intake, name="Oak Primary"))
        for person in (oak.head, oak.chair, oak.dsl, oak.dsl2, oak.teacher):
            body = {
                "name": f"Staff {person.user_id}",
                "role": person.role,
                "email": person.email,
                "phone": person.phone,
            }
            path = f"/v1/schools/{oak.school.school_id}/staff/{person.user_id}"
            response = await eventually(
                lambda path=path, body=body: env.notification.put(
                    path, json=body, headers=oak.school.admin
                ),
                lambda r: r.status_code != 404,  # notification learns of the school by event
                timeout=30,
            )
            assert response.status_code == 200, response.text
        rota = {"tiers": [{"members": [{**oak.dsl.member(), "phone": new_mobile()}]}]}
        response = await env.notification.put(
            f"/v1/schools/{oak.school.school_id}/rota", json=rota, headers=oak.school.admin
        )
        assert response.status_code == 200, response.text
        return oak

    async def raise_concern(self, subject: dict[str, Any], **fields: Any) -> dict[str, Any]:
        body = {
            "school_id": self.school.school_id,
            "subject": subject,
            "occurred_at": fields.pop("occurred_at", datetime.now(UTC).isoformat()),
            "description": fields.pop("description", f"Grabbed a pupil's arm ({unique('d')})."),
            **fields,
        }
        response = await self.env.intake.post(
            "/v1/adult-concerns",
            json=body,
            headers={**self.teacher.headers, "Idempotency-Key": unique("key")},
        )
        assert response.status_code == 202, response.text
        return dict(response.json())

    async def case_of(self, manager: Person, adult_concern_id: str) -> dict[str, Any]:
        """The case manager's case for a concern, once case has opened it."""

        async def probe() -> list[dict[str, Any]]:
            response = await self.env.case.get("/v1/adult-cases", headers=manager.headers)
            assert response.status_code == 200, response.text
            return [
                c for c in response.json()["cases"] if c["adult_concern_id"] == adult_concern_id
            ]

        [found] = await eventually(probe, bool, timeout=30)
        return found

    async def step(
        self, who: Person, case_id: str, path: str, body: dict[str, Any]
    ) -> httpx.Response:
        return await self.env.case.post(
            f"/v1/adult-cases/{case_id}/{path}",
            json=body,
            headers={**who.headers, "Idempotency-Key": unique("key")},
        )

    async def read(self, who: Person, case_id: str) -> dict[str, Any]:
        response = await self.env.case.get(f"/v1/adult-cases/{case_id}", headers=who.headers)
        assert response.status_code == 200, response.text
        return dict(response.json())


def emails(env: Alerting, person: Person, subject: str) -> list[ReceivedEmail]:
    # Whitespace compared loosely: a long subject comes back folded around the em dash.
    return [
        m
        for m in env.smtp.messages
        if person.email in m.envelope_to and " ".join(m.subject.split()) == subject
    ]


async def emailed(env: Alerting, person: Person, subject: str) -> list[ReceivedEmail]:
    async def probe() -> list[ReceivedEmail]:
        return emails(env, person, subject)

    return await eventually(probe, bool, timeout=30)


def now() -> str:
    return datetime.now(UTC).isoformat()


async def test_a_concern_about_a_teacher_is_worked_to_its_outcome(env):
    oak = await Oak.open(env)
    secret_name = unique("Quentin Marlowe-Teach")
    receipt = await oak.raise_concern(
        {"name": secret_name, "role": "staff", "staff_user_id": unique("teacher")}
    )
    [told] = await emailed(env, oak.head, CONCERN_SUBJECT)
    assert "/allegations" in told.body
    case = await oak.case_of(oak.head, receipt["adult_concern_id"])
    assert (case["status"], case["subject"]["name"]) == ("awaiting_decision", secret_name)
    # The reporter sees the receipt and nothing more.
    mine = await env.intake.get(
        f"/v1/adult-concerns/{receipt['adult_concern_id']}", headers=oak.teacher.headers
    )
    assert mine.status_code == 200 and mine.json()["status"] == "received"
    assert (
        await env.case.get(f"/v1/adult-cases/{case['case_id']}", headers=oak.teacher.headers)
    ).status_code == 404

    case_id = case["case_id"]
    decision = await oak.step(
        oak.head,
        case_id,
        "decision",
        {"criteria_met": ["harmed_child"], "reason": "A pupil was hurt."},
    )
    assert decision.status_code == 201, decision.text
    assert decision.json()["decision"] == "allegation"
    opened_clock = await eventually(
        lambda: oak.read(oak.head, case_id), lambda c: bool(c["open_deadlines"]), timeout=30
    )
    [lado_deadline] = opened_clock["open_deadlines"]
    assert lado_deadline["rule"] == "lado-referral" and lado_deadline["pupil_id"] is None

    referral = await oak.step(
        oak.head,
        case_id,
        "lado-referral",
        {
            "referred_at": now(),
            "lado_name": "Pat Lado",
            "reference": "LADO-7",
            "advice": "Suspend.",
        },
    )
    assert referral.status_code == 201, referral.text
    assert referral.json()["deadline"] == "met"
    suspension = await oak.step(
        oak.head, case_id, "suspension", {"suspended_at": now(), "reason": "Pending enquiries."}
    )
    assert suspension.status_code == 201, suspension.text
    await eventually(
        lambda: oak.read(oak.head, case_id),
        lambda c: [d["rule"] for d in c["open_deadlines"]] == ["suspension-confirmation"],
        timeout=30,
    )
    confirmation = await oak.step(oak.head, case_id, "suspension/confirmation", {"sent_at": now()})
    assert confirmation.status_code == 201, confirmation.text
    assert confirmation.json()["deadline"] == "met"
    outcome = await oak.step(
        oak.head, case_id, "outcome", {"outcome": "substantiated", "reason": "Witnessed by two."}
    )
    assert outcome.status_code == 201, outcome.text
    assert "no date of birth" in outcome.json()["retention"]["basis"]

    closed = await oak.read(oak.head, case_id)
    assert closed["status"] == "closed" and closed["open_deadlines"] == []
    assert {d["rule"]: d["status"] for d in closed["deadlines"]} == {
        "lado-referral": "met",
        "suspension-confirmation": "met",
    }

    async def chronology() -> dict[str, Any]:
        response = await env.records.get(
            f"/v1/adult-cases/{case_id}/chronology", headers=oak.head.headers
        )
        return dict(response.json()) if response.status_code == 200 else {"entries": []}

    steps = [
        "intake.adult_concern.raised.v1",
        "case.adult_case.opened.v1",
        "case.adult_case.decided.v1",
        "case.adult_case.lado_referred.v1",
        "case.adult_case.suspended.v1",
        "case.adult_case.suspension_confirmed.v1",
        "case.adult_case.concluded.v1",
    ]
    found = await eventually(
        chronology, lambda c: sorted(e["event_type"] for e in c["entries"]) == sorted(steps)
    )
    assert sorted(e["event_type"] for e in found["entries"]) == sorted(steps)
    assert found["verification"]["valid"] is True
    assert emails(env, oak.dsl, CONCERN_SUBJECT) == []  # the DSL rota was never told
    assert leaks(env, [secret_name, "Grabbed a pupil"]) == []
    log = await env.records.get(f"/v1/adult-cases/{case_id}/access-log", headers=oak.head.headers)
    assert {"case.read", "chronology.read"} <= {e["action"] for e in log.json()["entries"]}


async def test_a_concern_about_the_headteacher_reaches_the_chair_and_never_the_head(env):
    oak = await Oak.open(env)
    receipt = await oak.raise_concern(
        {"name": "Hedda Head", "role": "headteacher", "staff_user_id": oak.head.user_id}
    )
    await emailed(env, oak.chair, CONCERN_SUBJECT)
    case = await oak.case_of(oak.chair, receipt["adult_concern_id"])
    assert (await oak.read(oak.chair, case["case_id"]))["case_manager_role"] == "chair_of_governors"
    listed = await env.case.get("/v1/adult-cases", headers=oak.head.headers)
    assert listed.json()["cases"] == []
    for client, path in (
        (env.case, f"/v1/adult-cases/{case['case_id']}"),
        (env.records, f"/v1/adult-cases/{case['case_id']}/chronology"),
    ):
        assert (await client.get(path, headers=oak.head.headers)).status_code == 404
    decided = await oak.step(
        oak.head, case["case_id"], "decision", {"criteria_met": [], "reason": "r"}
    )
    assert decided.status_code == 404
    assert emails(env, oak.head, CONCERN_SUBJECT) == []


async def test_a_dsl_who_is_the_subject_sees_nothing_on_any_endpoint(env):
    oak = await Oak.open(env)
    pupil = await oak.school.add_pupil()
    await oak.school.raise_concern(pupil)  # the child has a file the DSL reads
    receipt = await oak.raise_concern(
        {"name": "Dee Sell", "role": "staff", "staff_user_id": oak.dsl.user_id},
        children_involved=[pupil],
    )
    case = await oak.case_of(oak.head, receipt["adult_concern_id"])
    case_id = case["case_id"]
    named = await env.case.put(
        f"/v1/adult-cases/{case_id}/named-dsls",
        json={"user_ids": [oak.dsl2.user_id]},
        headers=oak.head.headers,
    )
    assert named.status_code == 200, named.text
    naming_the_subject = await env.case.put(
        f"/v1/adult-cases/{case_id}/named-dsls",
        json={"user_ids": [oak.dsl.user_id]},
        headers=oak.head.headers,
    )
    assert naming_the_subject.status_code == 422

    async def pointers(who: Person) -> list[dict[str, Any]]:
        response = await env.records.get(f"/v1/children/{pupil}/chronology", headers=who.headers)
        assert response.status_code == 200, response.text
        return [e for e in response.json()["entries"] if e["kind"] == "adult_pointer"]

    [pointer] = await eventually(lambda: pointers(oak.dsl2), bool, timeout=30)
    assert pointer["content"] == {
        "adult_case_id": case_id,
        "note": "Subject of a concern about an adult: see the allegations file.",
    }

    # The subject, as DSL and with every other role too: nothing, anywhere.
    every_role = bearer(
        token(
            oak.dsl.user_id,
            ["dsl", "deputy_dsl", "headteacher", "chair_of_governors", "admin", "staff"],
            school=oak.school.school_id,
        )
    )
    missing = "adc_" + "0" * 32
    for headers in (oak.dsl.headers, every_role):
        for case_ref in (case_id, missing):
            answers = [
                await env.case.get(f"/v1/adult-cases/{case_ref}", headers=headers),
                await env.records.get(f"/v1/adult-cases/{case_ref}/chronology", headers=headers),
                await env.records.get(f"/v1/adult-cases/{case_ref}/access-log", headers=headers),
                await env.case.put(
                    f"/v1/adult-cases/{case_ref}/named-dsls", json={"user_ids": []}, headers=headers
                ),
            ]
            for path, body in (
                ("decision", {"criteria_met": [], "reason": "Nothing in it."}),
                ("lado-referral", {"referred_at": now(), "lado_name": "L"}),
                ("suspension", {"suspended_at": now(), "reason": "r"}),
                ("suspension/confirmation", {"sent_at": now()}),
                ("outcome", {"outcome": "malicious", "reason": "r"}),
            ):
                answers.append(
                    await env.case.post(
                        f"/v1/adult-cases/{case_ref}/{path}", json=body, headers=headers
                    )
                )
            assert [a.status_code for a in answers] == [404] * len(answers)
            assert {a.json()["detail"] for a in answers} == {"adult case not found"}
        for path in ("/v1/adult-cases", "/v1/adult-cases/retention-review"):
            assert (await env.case.get(path, headers=headers)).json()["cases"] == []
        assert (await env.case.get("/v1/low-level-concerns", headers=headers)).json() == {
            "adults": []
        }
    assert await pointers(oak.dsl) == []
    assert emails(env, oak.dsl, CONCERN_SUBJECT) == []
    # The case is untouched by all that: still awaiting its decision.
    assert (await oak.read(oak.head, case_id))["status"] == "awaiting_decision"


async def test_three_low_level_concerns_in_a_year_raise_one_pattern_alert(env):
    oak = await Oak.open(env)
    supply = {"name": f"Val {unique('Supply')}", "role": "supply"}  # no sign-in: known by name
    start = datetime.now(UTC) - timedelta(days=300)
    case_ids = []
    for days in (0, 100, 200, 250):
        when = (start + timedelta(days=days)).isoformat()
        receipt = await oak.raise_concern(supply, occurred_at=when)
        case = await oak.case_of(oak.head, receipt["adult_concern_id"])
        low = await oak.step(
            oak.head, case["case_id"], "decision", {"criteria_met": [], "reason": "Low-level."}
        )
        assert low.status_code == 201 and low.json()["decision"] == "low_level", low.text
        case_ids.append(case["case_id"])

    log = await env.case.get("/v1/low-level-concerns", headers=oak.head.headers)
    [adult] = log.json()["adults"]
    assert adult["identified_by"] == "name"
    assert [c["case_id"] for c in adult["concerns"]] == case_ids
    [pattern] = adult["patterns"]  # written with the third; the fourth made none
    assert pattern["case_ids"] == case_ids[:3]
    [alert] = await emailed(env, oak.head, f"{PATTERN_SUBJECT} — open Harbour to view")
    assert "12 months" in alert.body


async def test_bad_input_is_refused_naming_the_field(env):
    oak = await Oak.open(env)

    async def refused(body: dict[str, Any]) -> set[str]:
        response = await env.intake.post(
            "/v1/adult-concerns",
            json={"school_id": oak.school.school_id, "occurred_at": now(), "description": "d"}
            | body,
            headers={**oak.teacher.headers, "Idempotency-Key": unique("key")},
        )
        assert response.status_code == 422, response.text
        return {d["field"] for d in response.json()["detail"]}

    assert await refused({"subject": {"role": "staff"}}) == {"subject.name"}
    assert await refused({"subject": {"name": "Sam"}}) == {"subject.role"}
    assert await refused({"subject": {"name": "Sam", "role": "caretaker"}}) == {"subject.role"}
    assert await refused(
        {"subject": {"name": "Sam", "role": "staff"}, "children_involved": ["nobody"]}
    ) == {"children_involved.0"}
    receipt = await oak.raise_concern({"name": "Sam", "role": "staff"})
    case = await oak.case_of(oak.head, receipt["adult_concern_id"])
    no_reason = await oak.step(oak.head, case["case_id"], "decision", {"criteria_met": []})
    assert no_reason.status_code == 422
    assert {d["field"] for d in no_reason.json()["detail"]} == {"reason"}
    await oak.step(
        oak.head, case["case_id"], "decision", {"criteria_met": ["unsuitable"], "reason": "r"}
    )
    bad_outcome = await oak.step(
        oak.head, case["case_id"], "outcome", {"outcome": "proven", "reason": "r"}
    )
    assert bad_outcome.status_code == 422
    assert {d["field"] for d in bad_outcome.json()["detail"]} == {"outcome"}
    other = await School.register(env.intake)
    elsewhere = await env.intake.post(
        "/v1/adult-concerns",
        json={
            "school_id": other.school_id,
            "subject": {"name": "Sam", "role": "staff"},
            "occurred_at": now(),
            "description": "d",
        },
        headers={**oak.teacher.headers, "Idempotency-Key": unique("key")},
    )
    assert elsewhere.status_code == 404
