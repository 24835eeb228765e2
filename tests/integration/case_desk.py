"""A DSL working a child's case through case's API, for the integration tests: the school,
the pupil, and the requests a DSL makes, each with its own Idempotency-Key."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import httpx

from contracts.envelope import utc_now
from tests.support.api import School, bearer, eventually, token, unique

NOT_TOLD = {"informed": False, "reason": "Telling mum would alert her partner, the alleged abuser."}


def ago(**delta: float) -> str:
    return (utc_now() - timedelta(**delta)).isoformat()


@dataclass
class CaseDesk:
    case: httpx.AsyncClient
    school: School
    pupil_id: str

    @property
    def head(self) -> dict[str, str]:
        return bearer(token("head-1", "headteacher", school=self.school.school_id))

    @property
    def deputy(self) -> dict[str, str]:
        return bearer(token("deputy-1", "deputy_dsl", school=self.school.school_id))

    async def post(
        self, path: str, body: dict[str, Any], *, key: str | None = None, as_: Any = None
    ) -> httpx.Response:
        headers = {**(as_ or self.school.dsl), "Idempotency-Key": key or unique("key")}
        return await self.case.post(path, json=body, headers=headers)

    async def read(self, headers: dict[str, str] | None = None) -> httpx.Response:
        return await self.case.get(
            f"/v1/children/{self.pupil_id}/case", headers=headers or self.school.dsl
        )

    async def opened_by(self, concern_id: str) -> dict[str, Any]:
        """The case once case has heard of the concern."""
        response = await eventually(
            self.read,
            lambda r: r.status_code == 200 and concern_id in r.json()["concern_ids"],
            timeout=30,
        )
        assert response.status_code == 200, response.text
        return dict(response.json())

    async def triage(self, concern_id: str, **fields: Any) -> httpx.Response:
        body = {
            "pupil_id": self.pupil_id,
            "decision": "refer_to_childrens_social_care",
            "reason": "Disclosure of harm at home.",
            "parents_informed": NOT_TOLD,
            "child_views": "Wants to stay at school; scared to go home.",
            **fields,
        }
        return await self.post(f"/v1/concerns/{concern_id}/triage", body)

    async def refer(
        self, concern_id: str, made_at: datetime | str, **fields: Any
    ) -> httpx.Response:
        body = {
            "agency": "childrens_social_care",
            "made_at": made_at if isinstance(made_at, str) else made_at.isoformat(),
            "method": "phone",
            "reference": "MASH-2041",
            "contact": "Duty social worker",
            "parents_informed": NOT_TOLD,
            "concern_ids": [concern_id],
            **fields,
        }
        return await self.post(f"/v1/children/{self.pupil_id}/referrals", body)

    async def deadlines(self, source_id: str) -> list[dict[str, Any]]:
        response = await self.case.get(
            "/v1/deadlines", headers=self.school.dsl, params={"pupil_id": self.pupil_id}
        )
        assert response.status_code == 200, response.text
        return [d for d in response.json()["deadlines"] if d["source_id"] == source_id]
