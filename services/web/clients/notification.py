"""notification: the alerts inbox, acknowledgement, the staff list and the rota."""

from __future__ import annotations

from typing import Any

from services.web.clients.base import ServiceClient


class NotificationClient(ServiceClient):
    async def alerts(
        self,
        token: str,
        *,
        school_id: str | None = None,
        acknowledged: bool | None = None,
        limit: int = 500,
    ) -> list[dict[str, Any]]:
        params: dict[str, Any] = {"school_id": school_id, "limit": limit}
        if acknowledged is not None:
            params["acknowledged"] = "true" if acknowledged else "false"
        return list((await self.call("GET", "/v1/alerts", token, params=params))["alerts"])

    async def acknowledge(self, token: str, alert_id: str) -> dict[str, Any]:
        return dict(await self.call("POST", f"/v1/alerts/{alert_id}/ack", token))

    async def staff(self, token: str, school_id: str) -> list[dict[str, Any]]:
        return list((await self.call("GET", f"/v1/schools/{school_id}/staff", token))["staff"])

    async def put_staff(
        self,
        token: str,
        school_id: str,
        user_id: str,
        name: str,
        role: str | None,
        *,
        email: str | None = None,
        phone: str | None = None,
    ) -> dict[str, Any]:
        path = f"/v1/schools/{school_id}/staff/{user_id}"
        body = {"name": name, "role": role, "email": email, "phone": phone}
        return dict(await self.call("PUT", path, token, json=body))

    async def rota(self, token: str, school_id: str) -> dict[str, Any]:
        return dict(await self.call("GET", f"/v1/schools/{school_id}/rota", token))

    async def put_rota(self, token: str, school_id: str, rota: dict[str, Any]) -> dict[str, Any]:
        return dict(await self.call("PUT", f"/v1/schools/{school_id}/rota", token, json=rota))

    async def operations_alerts(self, token: str, limit: int = 50) -> list[dict[str, Any]]:
        """Messages dead-lettered that named the caller's trust (trust-wide admins)."""
        found = await self.call("GET", "/v1/operations/alerts", token, params={"limit": limit})
        return list(found["alerts"])
