"""A school as the browser tests find it: registered with a URN, two pupils on roll, a
DSL on the rota, and one police notification nobody could match. Set up through the
services' APIs, as an admin and a police force would."""

from __future__ import annotations

import json
import secrets
import time
from dataclasses import dataclass
from typing import Any

import httpx

from services.intake.domain.signatures import sign
from tests.support.api import bearer, concern_body, token, unique
from tests.support.stack import TestStack


def until(probe: Any, timeout: float = 30, interval: float = 0.2) -> Any:
    """Poll until `probe()` is truthy (the services learn of a school by event)."""
    deadline = time.monotonic() + timeout
    while True:
        value = probe()
        if value or time.monotonic() > deadline:
            return value
        time.sleep(interval)


@dataclass
class World:
    stack: TestStack
    school_id: str
    trust_id: str
    urn: str
    pupil_id: str
    other_pupil_id: str
    dsl: str = "dsl-1"
    teacher: str = "teacher-1"

    @property
    def admin(self) -> dict[str, str]:
        return bearer(token("admin-1", "admin", school=self.school_id, trust=self.trust_id))

    def url(self, service: str, path: str) -> str:
        return self.stack.url(service) + path


def build_world(
    stack: TestStack, name: str = "Oak Primary", trust_id: str | None = None, *, rota: bool = True
) -> World:
    """`rota=False`: the school has staff but no rota yet (a school just set up)."""
    world = World(
        stack,
        school_id=unique("oak"),
        trust_id=trust_id or unique("trust"),
        urn=str(100000 + secrets.randbelow(899999)),
        pupil_id=unique("P"),
        other_pupil_id=unique("P"),
    )
    with httpx.Client(timeout=30) as http:
        put = http.put(
            world.url("intake", f"/v1/schools/{world.school_id}"),
            json={"name": name, "trust_id": world.trust_id, "urn": world.urn},
            headers=world.admin,
        )
        assert put.status_code == 201, put.text
        for pupil_id, forename, surname, born in (
            (world.pupil_id, "Amelia", "Hart", "2016-04-12"),
            (world.other_pupil_id, "Noah", "Hartley", "2015-09-30"),
        ):
            response = http.put(
                world.url("intake", f"/v1/schools/{world.school_id}/pupils/{pupil_id}"),
                json={"forename": forename, "surname": surname, "date_of_birth": born},
                headers=world.admin,
            )
            assert response.status_code == 201, response.text
        staff_path = f"/v1/schools/{world.school_id}/staff/{world.dsl}"
        added = until(
            lambda: (
                http.put(
                    world.url("notification", staff_path),
                    json={"name": "Dee Sell"},
                    headers=world.admin,
                ).status_code
                == 200
            )
        )
        assert added, "notification never heard of the school"
        if not rota:
            return world
        members = {
            "tiers": [
                {
                    "members": [
                        {
                            "user_id": world.dsl,
                            "name": "Dee Sell",
                            "email": "dsl@oak.example.org",
                            "phone": "07911 123456",
                            "role": "dsl",
                        }
                    ]
                }
            ]
        }
        response = http.put(
            world.url("notification", f"/v1/schools/{world.school_id}/rota"),
            json=members,
            headers=world.admin,
        )
        assert response.status_code == 200, response.text
    return world


def send_unmatched_notification(world: World) -> None:
    """West Mercia Police name a child at the school who is not on its roll."""
    trust_admin = bearer(token("admin-t", "admin", trust=world.trust_id))
    secret = secrets.token_hex(24)
    sender_id = unique("police")
    notification = {
        "police_reference": f"22/{secrets.randbelow(99999):05d}/26",
        "force": "West Mercia Police",
        "incident_at": "2026-11-28T22:40:00Z",
        "notified_at": "2026-11-29T06:55:00Z",
        "circumstances": "Argument between adults at the home address.",
        "police_action": "Adult arrested.",
        "children": [
            {
                "forename": "Amelie",
                "surname": "Hartt",
                "date_of_birth": "2016-04-12",
                "school_urn": world.urn,
                "present": True,
            }
        ],
    }
    body = json.dumps(notification).encode()
    with httpx.Client(timeout=30) as http:
        registered = http.put(
            world.url("intake", f"/v1/encompass/senders/{sender_id}"),
            json={"name": "West Mercia Police", "secret": secret, "trust_ids": [world.trust_id]},
            headers=trust_admin,
        )
        assert registered.status_code in (200, 201), registered.text
        stamp = int(time.time())
        sent = http.post(
            world.url("intake", "/v1/encompass/notifications"),
            content=body,
            headers={
                "Content-Type": "application/json",
                "X-Harbour-Sender": sender_id,
                "X-Harbour-Timestamp": str(stamp),
                "X-Harbour-Signature": sign(secret.encode(), stamp, body),
            },
        )
        assert sent.status_code == 202, sent.text
        assert sent.json()["children"][0]["outcome"] == "unmatched", sent.text


def raise_concern(world: World) -> str:
    """A teacher raises a concern about the world's first pupil (through intake's API);
    returns its id."""
    staff = bearer(token(world.teacher, "staff", school=world.school_id))
    response = httpx.post(
        world.url("intake", "/v1/concerns"),
        json=concern_body(world.school_id, world.pupil_id),
        headers={**staff, "Idempotency-Key": unique("key")},
        timeout=30,
    )
    assert response.status_code == 202, response.text
    return str(response.json()["concern_id"])
