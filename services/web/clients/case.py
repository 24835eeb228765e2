"""case: deadlines and the school calendar."""

from __future__ import annotations

from typing import Any

from services.web.clients.base import ServiceClient


class CaseClient(ServiceClient):
    async def deadlines(
        self,
        token: str,
        *,
        school_id: str | None = None,
        pupil_id: str | None = None,
        status: str | None = None,
        limit: int = 200,
    ) -> list[dict[str, Any]]:
        params = {"school_id": school_id, "pupil_id": pupil_id, "status": status, "limit": limit}
        return list((await self.call("GET", "/v1/deadlines", token, params=params))["deadlines"])

    async def calendar(self, token: str, school_id: str) -> dict[str, Any]:
        return dict(await self.call("GET", f"/v1/schools/{school_id}/calendar", token))

    async def put_calendar(
        self, token: str, school_id: str, calendar: dict[str, Any]
    ) -> dict[str, Any]:
        path = f"/v1/schools/{school_id}/calendar"
        return dict(await self.call("PUT", path, token, json=calendar))
