"""Abuse resistance on the running services: write budgets per user, per client address and
per police sender (429 with Retry-After), bounded bodies and uploads, bounded JSON depth,
and the security headers on every service's answers."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import TYPE_CHECKING

import httpx
import pytest

from tests.integration.encompass_world import Sender, Trust
from tests.support.api import School, bearer, concern_body, token, unique
from tests.support.stack import ServiceProcess

if TYPE_CHECKING:
    from tests.support.stack import TestStack

BURST_PER_USER, BURST_PER_ADDRESS = 3, 6


@pytest.fixture(scope="module")
def limited_intake(stack: TestStack) -> Iterator[ServiceProcess]:
    """A second intake on the same store with small budgets (a token back a minute), as a
    deployment would set them; the rest of the suite runs with budgets it never reaches."""
    service = stack.add(
        "intake",
        "limited",
        HARBOUR_RATE_LIMIT_USER_BURST=str(BURST_PER_USER),
        HARBOUR_RATE_LIMIT_USER_PER_MINUTE="1",
        HARBOUR_RATE_LIMIT_ADDRESS_BURST=str(BURST_PER_ADDRESS),
        HARBOUR_RATE_LIMIT_ADDRESS_PER_MINUTE="1",
    )
    service.start()
    yield service
    service.stop()


def from_address(address: str) -> dict[str, str]:
    """The test runs on loopback, a trusted proxy: X-Forwarded-For names the client."""
    return {"X-Forwarded-For": address}


async def raise_concern(
    http: httpx.AsyncClient, school: School, pupil: str, user: str, address: str
) -> httpx.Response:
    staff = bearer(token(user, "staff", school=school.school_id))
    return await http.post(
        "/v1/concerns",
        json=concern_body(school.school_id, pupil),
        headers={**staff, **from_address(address), "Idempotency-Key": unique("key")},
    )


async def test_a_user_who_has_spent_their_writes_is_told_when_to_try_again(
    clients, school, limited_intake
):
    pupil = await school.add_pupil()
    async with httpx.AsyncClient(base_url=limited_intake.url, timeout=10) as http:
        answers = [
            await raise_concern(http, school, pupil, "teacher-a", f"198.51.100.{n}")
            for n in range(1, BURST_PER_USER + 2)
        ]
        someone_else = await raise_concern(http, school, pupil, "teacher-b", "198.51.100.9")
        mine = await http.get(
            "/v1/my/concerns", headers=bearer(token("teacher-a", "staff", school=school.school_id))
        )

    assert [a.status_code for a in answers] == [202] * BURST_PER_USER + [429]
    refused = answers[-1]
    assert 1 <= int(refused.headers["retry-after"]) <= 60
    assert "too many changes from this account" in refused.json()["detail"]
    assert someone_else.status_code == 202
    assert mine.status_code == 200  # reads are never counted
    assert len(mine.json()["concerns"]) == BURST_PER_USER  # nothing of the refused one stored


async def test_an_address_that_has_spent_its_writes_is_refused_whoever_signs_in(
    clients, school, limited_intake
):
    pupil = await school.add_pupil()
    async with httpx.AsyncClient(base_url=limited_intake.url, timeout=10) as http:
        answers = [
            await raise_concern(http, school, pupil, f"teacher-{n}", "203.0.113.50")
            for n in range(BURST_PER_ADDRESS + 1)
        ]

    assert [a.status_code for a in answers] == [202] * BURST_PER_ADDRESS + [429]
    assert "too many changes from this address" in answers[-1].json()["detail"]
    assert int(answers[-1].headers["retry-after"]) >= 1


async def test_a_police_sender_that_has_spent_its_writes_is_refused(clients, limited_intake):
    trust = await Trust.create(clients.intake, rosters=False)
    other = await trust.register_sender("Staffordshire Police")
    notification = {
        "police_reference": unique("22"),
        "force": "West Mercia Police",
        "incident_at": "2026-11-28T22:40:00Z",
        "notified_at": "2026-11-29T06:55:00Z",
        "circumstances": "Argument between adults at the home address.",
        "children": [{"forename": "Nobody", "surname": "Known", "date_of_birth": "2016-04-12"}],
    }
    body = json.dumps(notification).encode()
    async with httpx.AsyncClient(base_url=limited_intake.url, timeout=10) as http:

        async def send(sender: Sender, address: str) -> httpx.Response:
            headers = sender.headers(body, content_type="application/json")
            return await http.post(
                "/v1/encompass/notifications",
                content=body,
                headers={**headers, **from_address(address)},
            )

        answers = [await send(trust.sender, f"192.0.2.{n}") for n in range(BURST_PER_USER + 1)]
        another_force = await send(other, "192.0.2.99")

    assert [a.status_code for a in answers] == [202] * BURST_PER_USER + [429]
    assert int(answers[-1].headers["retry-after"]) >= 1
    assert another_force.status_code == 202


async def test_a_roll_over_10_mib_is_too_large(clients, school):
    data = b"pupil_id,upn,forename,surname\n" + b"x" * (10 * 1024 * 1024 + 1)

    response = await clients.intake.post(
        f"/v1/schools/{school.school_id}/roster",
        content=data,
        headers={**school.admin, "Content-Type": "text/csv"},
        timeout=60,
    )

    assert response.status_code == 413
    assert response.json()["error"] == "body_too_large"


async def test_a_police_notification_over_1_mib_is_too_large(clients):
    trust = await Trust.create(clients.intake, rosters=False)
    notification = {"circumstances": "x" * (1024 * 1024 + 1), "children": []}

    response = await trust.sender.notify(notification)

    assert response.status_code == 413


async def test_a_json_body_nested_too_deeply_is_refused_and_nothing_is_stored(
    clients, school, mongo
):
    pupil = await school.add_pupil()
    body = json.dumps(concern_body(school.school_id, pupil))
    deep = body[:-1] + ', "extra": ' + "[" * 40 + "]" * 40 + "}"
    before = await mongo("intake").concerns.count_documents({"school_id": school.school_id})

    response = await clients.intake.post(
        "/v1/concerns",
        content=deep,
        headers={
            **school.staff,
            "Idempotency-Key": unique("k"),
            "Content-Type": "application/json",
        },
    )

    assert response.status_code == 422
    assert response.json()["detail"][0]["field"] == "body"
    assert "nested deeper than 32 levels" in response.json()["message"]
    after = await mongo("intake").concerns.count_documents({"school_id": school.school_id})
    assert after == before


@pytest.mark.parametrize("service", ["intake", "case", "notification", "records"])
async def test_every_answer_carries_the_security_headers(clients, service):
    http: httpx.AsyncClient = getattr(clients, service)
    answers = [
        await http.get("/healthz"),
        await http.get("/no-such-thing"),
        await http.post("/v1/anything", json={}),
        await http.get("/openapi.json"),
    ]
    for answer in answers:
        assert answer.headers["x-content-type-options"] == "nosniff"
        assert answer.headers["referrer-policy"] == "no-referrer"
        assert answer.headers["cache-control"] == "no-store"
        assert answer.headers["x-frame-options"] == "DENY"
        # Loopback over http: no TLS, so no HSTS (a deployment behind TLS sends it).
        assert "strict-transport-security" not in answer.headers


async def test_hsts_when_a_trusted_proxy_says_the_request_came_over_tls(clients):
    answer = await clients.case.get("/healthz", headers={"X-Forwarded-Proto": "https"})

    assert answer.headers["strict-transport-security"] == "max-age=31536000; includeSubDomains"
