"""Small helpers that make integration tests read like what a school does."""

from __future__ import annotations

import asyncio
import time
import uuid
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TypeVar

import httpx

from contracts.vocabulary import Role
from services.common.auth import MFA_ROLES
from services.common.dev_keys import ensure_key_pair, mint_token

ROOT = Path(__file__).resolve().parents[2]
T = TypeVar("T")


def token(
    user: str,
    role: str | list[str],
    *,
    school: str | None = None,
    trust: str | None = None,
    ttl: int = 3600,
    now: float | None = None,
    mfa: bool | None = None,
) -> str:
    """A token as the identity provider would sign it. The test stack requires MFA for
    safeguarding roles, as production does: their tokens say the user signed in with MFA
    unless `mfa=False`."""
    roles = [role] if isinstance(role, str) else role
    if mfa is None:
        mfa = any(Role(r) in MFA_ROLES for r in roles if r in set(Role))
    private, _ = ensure_key_pair(ROOT / ".data" / "keys")
    return mint_token(
        private.read_bytes(),
        user=user,
        roles=roles,
        school_id=school,
        trust_id=trust,
        audience="harbour",
        issuer="harbour-dev",
        ttl_seconds=ttl,
        now=now,
        amr=["pwd", "mfa"] if mfa else ["pwd"],
    )


def bearer(tok: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {tok}"}


def unique(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:8]}"


async def eventually(
    probe: Callable[[], Awaitable[T]],
    accept: Callable[[T], bool],
    *,
    timeout: float = 20,
    interval: float = 0.2,
) -> T:
    """Poll until `accept(probe())` holds; return the last value either way, for the assert."""
    deadline = time.monotonic() + timeout
    value = await probe()
    while not accept(value) and time.monotonic() < deadline:
        await asyncio.sleep(interval)
        value = await probe()
    return value


def concern_body(school_id: str, pupil_id: str, **overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "school_id": school_id,
        "pupil_id": pupil_id,
        "occurred_at": datetime(2026, 3, 10, 9, 15, tzinfo=UTC).isoformat(),
        "categories": ["physical"],
        "description": "Bruise on left forearm noticed during PE.",
        "child_words": "My brother grabbed me when I wouldn't give him my tablet.",
        "actions_taken": "Reassured the child; told the DSL in person.",
        "immediate_danger": False,
        "fgm_discovered": False,
    }
    body.update(overrides)
    return body


class School:
    """A school registered through intake, with an admin and a pupil roll."""

    def __init__(self, intake: httpx.AsyncClient, school_id: str, trust_id: str) -> None:
        self.intake = intake
        self.school_id = school_id
        self.trust_id = trust_id
        self.admin = bearer(token("admin-1", "admin", school=school_id, trust=trust_id))
        self.staff = bearer(token("teacher-1", "staff", school=school_id))
        self.dsl = bearer(token("dsl-1", "dsl", school=school_id))

    @classmethod
    async def register(
        cls, intake: httpx.AsyncClient, *, trust_id: str | None = None, name: str = "Oak Primary"
    ) -> School:
        school = cls(intake, unique("school"), trust_id or unique("trust"))
        response = await intake.put(
            f"/v1/schools/{school.school_id}",
            json={"name": name, "trust_id": school.trust_id},
            headers=school.admin,
        )
        assert response.status_code == 201, response.text
        return school

    async def add_pupil(self, pupil_id: str | None = None, **details: Any) -> str:
        pupil_id = pupil_id or unique("pupil")
        body = {"forename": "Amelia", "surname": "Hart", "date_of_birth": "2016-04-12", **details}
        response = await self.intake.put(
            f"/v1/schools/{self.school_id}/pupils/{pupil_id}", json=body, headers=self.admin
        )
        assert response.status_code in (200, 201), response.text
        return pupil_id

    async def raise_concern(
        self, pupil_id: str, key: str | None = None, **overrides: Any
    ) -> httpx.Response:
        return await self.intake.post(
            "/v1/concerns",
            json=concern_body(self.school_id, pupil_id, **overrides),
            headers={**self.staff, "Idempotency-Key": key or unique("key")},
        )
