"""records: a child's chronology (each read is audited by records)."""

from __future__ import annotations

from typing import Any

from services.web.clients.base import ServiceClient


class RecordsClient(ServiceClient):
    async def chronology(self, token: str, school_id: str, pupil_id: str) -> dict[str, Any]:
        path = f"/v1/children/{pupil_id}/chronology"
        return dict(await self.call("GET", path, token, params={"school_id": school_id}))
