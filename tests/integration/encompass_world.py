"""A trust with two schools on roll and a police sender, for the Encompass and roster tests.

The Severn Vale trust runs Oakfield Primary (URN 116789) and Riverside Academy
(URN 145210); their rolls come from tests/samples/roster. West Mercia Police may notify
the trust's schools. Every world has fresh ids, so tests never see each other's data.
"""

from __future__ import annotations

import json
import secrets
import time
from pathlib import Path
from typing import Any

import httpx

from services.intake.domain.signatures import sign
from services.intake.secret_box import SecretBox
from tests.support.api import School, bearer, token, unique
from tests.support.stack import ROOT

SAMPLES = Path(__file__).parents[1] / "samples"
OAKFIELD_URN = "116789"
RIVERSIDE_URN = "145210"


async def register_school(
    intake: httpx.AsyncClient, trust_id: str, name: str, urn: str | None = None
) -> School:
    school = School(intake, unique("school"), trust_id)
    body: dict[str, Any] = {"name": name, "trust_id": trust_id}
    if urn:
        body["urn"] = urn
    response = await intake.put(f"/v1/schools/{school.school_id}", json=body, headers=school.admin)
    assert response.status_code == 201, response.text
    return school


async def import_roster(school: School, data: bytes) -> httpx.Response:
    return await school.intake.post(
        f"/v1/schools/{school.school_id}/roster",
        content=data,
        headers={**school.admin, "Content-Type": "text/csv"},
        timeout=120,
    )


class Sender:
    """A police force's system: signs what it sends with its shared secret."""

    def __init__(self, intake: httpx.AsyncClient, sender_id: str, secret: str) -> None:
        self.intake = intake
        self.sender_id = sender_id
        self.secret = secret

    def headers(
        self,
        body: bytes,
        *,
        content_type: str,
        timestamp: int | None = None,
        secret: str | None = None,
        sender_id: str | None = None,
    ) -> dict[str, str]:
        stamp = int(time.time()) if timestamp is None else timestamp
        return {
            "Content-Type": content_type,
            "X-Harbour-Sender": sender_id or self.sender_id,
            "X-Harbour-Timestamp": str(stamp),
            "X-Harbour-Signature": sign((secret or self.secret).encode(), stamp, body),
        }

    async def notify(self, notification: dict[str, Any] | bytes, **signing: Any) -> httpx.Response:
        body = (
            notification if isinstance(notification, bytes) else json.dumps(notification).encode()
        )
        return await self.intake.post(
            "/v1/encompass/notifications",
            content=body,
            headers=self.headers(body, content_type="application/json", **signing),
        )

    async def send_batch(self, data: bytes, **signing: Any) -> httpx.Response:
        return await self.intake.post(
            "/v1/encompass/batches",
            content=data,
            headers=self.headers(data, content_type="text/csv", **signing),
            timeout=120,
        )


class Trust:
    """Severn Vale trust: two schools with their rolls, its lead and admin, a sender."""

    def __init__(self, intake: httpx.AsyncClient, trust_id: str) -> None:
        self.intake = intake
        self.trust_id = trust_id
        self.admin = bearer(token(unique("trust-admin"), "admin", trust=trust_id))
        self.lead = bearer(token(unique("trust-lead"), "trust_safeguarding_lead", trust=trust_id))
        self.oakfield: School
        self.riverside: School
        self.sender: Sender

    @classmethod
    async def create(cls, intake: httpx.AsyncClient, *, rosters: bool = True) -> Trust:
        trust = cls(intake, unique("trust-severn-vale"))
        trust.oakfield = await register_school(
            intake, trust.trust_id, "Oakfield Primary School", OAKFIELD_URN
        )
        trust.riverside = await register_school(
            intake, trust.trust_id, "Riverside Academy", RIVERSIDE_URN
        )
        if rosters:
            for school, sample in (
                (trust.oakfield, "oakfield_primary.csv"),
                (trust.riverside, "riverside_academy.csv"),
            ):
                response = await import_roster(school, (SAMPLES / "roster" / sample).read_bytes())
                assert response.status_code == 200, response.text
                assert response.json()["rejected"] == [], response.text
        trust.sender = await trust.register_sender()
        return trust

    async def register_sender(self, name: str = "West Mercia Police") -> Sender:
        sender_id = unique("west-mercia")
        secret = secrets.token_urlsafe(32)
        response = await self.intake.put(
            f"/v1/encompass/senders/{sender_id}",
            json={"name": name, "secret": secret, "trust_ids": [self.trust_id]},
            headers=self.admin,
        )
        assert response.status_code == 201, response.text
        return Sender(self.intake, sender_id, secret)

    async def unmatched(self, headers: dict[str, str]) -> list[dict[str, Any]]:
        response = await self.intake.get("/v1/encompass/unmatched", headers=headers)
        assert response.status_code == 200, response.text
        return list(response.json()["unmatched"])


def sample_notification(name: str, **changes: Any) -> dict[str, Any]:
    notification = json.loads((SAMPLES / "encompass" / name).read_text(encoding="utf-8"))
    notification.update(changes)
    return dict(notification)


def with_child(notification: dict[str, Any], index: int = 0, **changes: Any) -> dict[str, Any]:
    children = [dict(child) for child in notification["children"]]
    children[index].update(changes)
    return {**notification, "children": children}


def local_secret_box() -> SecretBox:
    """The key the test stack's intake seals sender secrets with (`harbour dev-keys`)."""
    return SecretBox([(ROOT / ".data" / "keys" / "secrets.key").read_bytes().strip()])
