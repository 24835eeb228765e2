"""The README's walk-through, against the services `make up` started on their default ports."""

import os
import subprocess
import uuid

import httpx
import pytest

from tests.support.api import concern_body, eventually
from tests.support.stack import ROOT

INTAKE = os.environ.get("HARBOUR_INTAKE_URL", "http://127.0.0.1:8001")
CASE = os.environ.get("HARBOUR_CASE_URL", "http://127.0.0.1:8002")
NOTIFICATION = os.environ.get("HARBOUR_NOTIFICATION_URL", "http://127.0.0.1:8003")
RECORDS = os.environ.get("HARBOUR_RECORDS_URL", "http://127.0.0.1:8004")


def dev_token(*args: str) -> str:
    """Exactly what the README tells a newcomer to run."""
    result = subprocess.run(
        [str(ROOT / ".venv" / "bin" / "harbour"), "dev-token", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
        timeout=30,
    )
    return result.stdout.strip()


@pytest.fixture
async def http():
    async with httpx.AsyncClient(timeout=10) as client:
        yield client


async def test_every_service_is_up_on_its_default_address(http):
    for url in (INTAKE, CASE, NOTIFICATION, RECORDS):
        response = await http.get(f"{url}/readyz")
        assert response.status_code == 200, url
        assert response.json()["status"] == "ready"


async def test_a_concern_reaches_the_dsl_the_chronology_and_the_clock(http):
    school, trust = f"oak-{uuid.uuid4().hex[:6]}", "oak-trust"
    admin = {
        "Authorization": "Bearer "
        + dev_token("--user", "admin-1", "--school", school, "--trust", trust, "--role", "admin")
    }
    staff = {
        "Authorization": "Bearer "
        + dev_token("--user", "teacher-1", "--school", school, "--role", "staff")
    }
    dsl = {
        "Authorization": "Bearer "
        + dev_token("--user", "dsl-1", "--school", school, "--role", "dsl")
    }

    school_put = await http.put(
        f"{INTAKE}/v1/schools/{school}",
        json={"name": "Oak Primary", "trust_id": trust},
        headers=admin,
    )
    pupil_put = await http.put(
        f"{INTAKE}/v1/schools/{school}/pupils/P123",
        json={"forename": "Amelia", "surname": "Hart", "date_of_birth": "2016-04-12"},
        headers=admin,
    )
    posted = await http.post(
        f"{INTAKE}/v1/concerns",
        json=concern_body(school, "P123"),
        headers={**staff, "Idempotency-Key": str(uuid.uuid4())},
    )

    assert (school_put.status_code, pupil_put.status_code, posted.status_code) == (201, 201, 202)
    concern_id = posted.json()["concern_id"]

    async def alerts():
        return (await http.get(f"{NOTIFICATION}/v1/alerts", headers=dsl)).json()["alerts"]

    async def chronology():
        response = await http.get(f"{RECORDS}/v1/children/P123/chronology", headers=dsl)
        return response.json().get("entries", []) if response.status_code == 200 else []

    async def deadlines():
        response = await http.get(f"{CASE}/v1/deadlines", params={"pupil_id": "P123"}, headers=dsl)
        return response.json()["deadlines"]

    assert [a["source_id"] for a in await eventually(alerts, bool)] == [concern_id]
    assert [e["source_id"] for e in await eventually(chronology, bool)] == [concern_id]
    [deadline] = await eventually(deadlines, bool)
    assert deadline["rule"] == "dsl-triage"
    assert deadline["source_id"] == concern_id
