"""records: a child's chronology (each read is audited by records), and the admin audit log."""

from __future__ import annotations

from typing import Any

from services.web.clients.base import ServiceClient


class RecordsClient(ServiceClient):
    async def chronology(
        self, token: str, school_id: str, pupil_id: str, before: str | None = None
    ) -> dict[str, Any]:
        """The newest page of the child's chronology (older than `before`, if given)."""
        path = f"/v1/children/{pupil_id}/chronology"
        params = {"school_id": school_id, "before": before}
        return dict(await self.call("GET", path, token, params=params))

    async def admin_audit(
        self, token: str, *, school_id: str | None = None, before: str | None = None
    ) -> dict[str, Any]:
        """A page of the admin audit log, newest first, and `next` for the older page."""
        params = {"school_id": school_id, "before": before, "limit": 50}
        return dict(await self.call("GET", "/v1/admin-audit", token, params=params))
