"""intake: pupils, concerns and receipts, schools, the Encompass queue, roster uploads."""

from __future__ import annotations

from typing import Any

from services.web.clients.base import ServiceClient


class IntakeClient(ServiceClient):
    async def search_pupils(self, token: str, name: str, limit: int = 20) -> list[dict[str, Any]]:
        found = await self.call(
            "POST", "/v1/pupils/search", token, json={"name": name, "limit": limit}
        )
        return list(found["pupils"])

    async def raise_concern(
        self, token: str, body: dict[str, Any], idempotency_key: str
    ) -> dict[str, Any]:
        return dict(
            await self.call(
                "POST",
                "/v1/concerns",
                token,
                json=body,
                headers={"Idempotency-Key": idempotency_key},
            )
        )

    async def receipt(self, token: str, concern_id: str) -> dict[str, Any]:
        return dict(await self.call("GET", f"/v1/concerns/{concern_id}", token))

    async def raise_adult_concern(
        self, token: str, body: dict[str, Any], idempotency_key: str
    ) -> dict[str, Any]:
        headers = {"Idempotency-Key": idempotency_key}
        return dict(
            await self.call("POST", "/v1/adult-concerns", token, json=body, headers=headers)
        )

    async def adult_receipt(self, token: str, adult_concern_id: str) -> dict[str, Any]:
        return dict(await self.call("GET", f"/v1/adult-concerns/{adult_concern_id}", token))

    async def my_concerns(self, token: str, limit: int = 50) -> list[dict[str, Any]]:
        found = await self.call("GET", "/v1/my/concerns", token, params={"limit": limit})
        return list(found["concerns"])

    async def schools(self, token: str) -> list[dict[str, Any]]:
        return list((await self.call("GET", "/v1/schools", token))["schools"])

    async def unmatched(self, token: str, limit: int = 100) -> list[dict[str, Any]]:
        found = await self.call("GET", "/v1/encompass/unmatched", token, params={"limit": limit})
        return list(found["unmatched"])

    async def match(
        self, token: str, notification_id: str, pupil_id: str, school_id: str | None
    ) -> dict[str, Any]:
        body = {"pupil_id": pupil_id, "school_id": school_id}
        path = f"/v1/encompass/unmatched/{notification_id}/match"
        return dict(await self.call("POST", path, token, json=body))

    async def dismiss(self, token: str, notification_id: str, reason: str) -> dict[str, Any]:
        path = f"/v1/encompass/unmatched/{notification_id}/dismiss"
        return dict(await self.call("POST", path, token, json={"reason": reason}))

    async def upload_roster(self, token: str, school_id: str, csv: bytes) -> dict[str, Any]:
        return dict(
            await self.call(
                "POST",
                f"/v1/schools/{school_id}/roster",
                token,
                content=csv,
                headers={"Content-Type": "text/csv"},
            )
        )
