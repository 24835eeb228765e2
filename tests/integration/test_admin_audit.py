"""The admin audit log end to end: administrative changes made on intake, case and
notification reach records through the broker, and the trust's administrators read who did
what and when, never a secret or a form's content."""

from __future__ import annotations

import json
import secrets

import httpx

from tests.support.api import School, bearer, eventually, token, unique

ROTA = {
    "tiers": [
        {
            "members": [
                {
                    "user_id": "dsl-1",
                    "name": "Dee Sell",
                    "email": "dsl@oak.example.org",
                    "phone": "07911 123456",
                    "role": "dsl",
                }
            ]
        }
    ]
}


async def until_ok(call) -> httpx.Response:
    """case and notification learn of a new school by event, a moment after intake."""
    return await eventually(call, lambda r: r.status_code in (200, 201, 204), timeout=30)


async def audit(clients, headers: dict[str, str], **params: str) -> httpx.Response:
    return await clients.records.get("/v1/admin-audit", headers=headers, params=params)


async def test_each_administrative_change_is_logged_for_the_trusts_admins(clients, samples):
    school = await School.register(clients.intake)
    trust_admin = bearer(token("admin-t", "admin", trust=school.trust_id))
    base = f"/v1/schools/{school.school_id}"
    await school.add_pupil("P-1")
    roster = (samples / "roster" / "oakfield_primary.csv").read_bytes()
    uploaded = await clients.intake.post(
        f"{base}/roster", content=roster, headers={**school.admin, "Content-Type": "text/csv"}
    )
    assert uploaded.status_code == 200, uploaded.text
    for user_id in ("dsl-1", "temp-1"):
        await until_ok(
            lambda u=user_id: clients.notification.put(
                f"{base}/staff/{u}", json={"name": "Someone"}, headers=school.admin
            )
        )
    rota = await clients.notification.put(f"{base}/rota", json=ROTA, headers=school.admin)
    removed = await clients.notification.delete(f"{base}/staff/temp-1", headers=school.admin)
    calendar = json.loads((samples / "calendar-2025-26.json").read_text())
    saved = await until_ok(
        lambda: clients.case.put(f"{base}/calendar", json=calendar, headers=school.admin)
    )
    secret = secrets.token_hex(24)
    sender = await clients.intake.put(
        f"/v1/encompass/senders/{unique('police')}",
        json={"name": "West Mercia Police", "secret": secret, "trust_ids": [school.trust_id]},
        headers=trust_admin,
    )
    assert (rota.status_code, removed.status_code, saved.status_code) == (200, 204, 200)
    assert sender.status_code == 201, sender.text

    expected = {
        "school.recorded",
        "pupil.recorded",
        "roster.imported",
        "staff.recorded",
        "rota.replaced",
        "staff.removed",
        "calendar.replaced",
        "sender.registered",
    }
    page = await eventually(
        lambda: audit(clients, trust_admin),
        lambda r: expected <= {e["action"] for e in r.json()["entries"]},
    )
    entries = page.json()["entries"]
    assert expected <= {e["action"] for e in entries}, entries
    assert [e["at"] for e in entries] == sorted((e["at"] for e in entries), reverse=True)
    by_action = {e["action"]: e for e in entries}
    assert by_action["rota.replaced"]["user_id"] == "admin-1"
    assert by_action["rota.replaced"]["service"] == "notification"
    assert by_action["calendar.replaced"]["service"] == "case"
    assert by_action["roster.imported"]["details"]["rows"] > 0
    assert by_action["sender.registered"]["school_id"] is None
    assert by_action["sender.registered"]["details"]["secret_changed"] is True
    assert by_action["staff.removed"]["object_id"] == "temp-1"
    text = page.text
    assert secret not in text and "dsl@oak.example.org" not in text and "Dee Sell" not in text

    # The school's admin sees the school's own changes, not the trust-wide sender.
    school_page = await audit(clients, school.admin)
    assert {e["action"] for e in school_page.json()["entries"]} == expected - {"sender.registered"}


async def test_nobody_else_reads_it(clients):
    school = await School.register(clients.intake)
    other = await School.register(clients.intake)
    for admin in (school.admin, other.admin):
        await eventually(
            lambda a=admin: audit(clients, a), lambda r: len(r.json().get("entries", [])) > 0
        )

    other_admin = await audit(clients, other.admin)
    other_trust_admin = await audit(
        clients, bearer(token("admin-x", "admin", trust=other.trust_id))
    )
    asking_for_it = await audit(clients, other.admin, school_id=school.school_id)
    dsl = await audit(clients, school.dsl)

    assert [e["school_id"] for e in other_admin.json()["entries"]] == [other.school_id]
    assert school.school_id not in other_trust_admin.text
    assert asking_for_it.status_code == 404
    assert dsl.status_code == 403


async def test_pages_follow_on_to_the_oldest(clients):
    school = await School.register(clients.intake)
    for n in range(5):
        await school.add_pupil(f"P-{n}")
    await eventually(lambda: audit(clients, school.admin), lambda r: len(r.json()["entries"]) == 6)

    seen: list[str] = []
    params: dict[str, str] = {"limit": "4"}
    while True:
        page = (await audit(clients, school.admin, **params)).json()
        seen += [e["entry_id"] for e in page["entries"]]
        if page["next"] is None:
            break
        params["before"] = page["next"]

    assert len(seen) == len(set(seen)) == 6
