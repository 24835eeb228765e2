"""records: a child's file (each read is in its access log), its PDF, its transfers and
the files offered to a school; the one-time link's public calls (no sign-in); and the
admin audit log."""

from __future__ import annotations

from typing import Any

import httpx

from services.web.clients.base import ServiceClient, Unavailable, error_for


class RecordsClient(ServiceClient):
    async def chronology(
        self, token: str, school_id: str, pupil_id: str, before: str | None = None
    ) -> dict[str, Any]:
        """The newest page of the child's chronology (older than `before`, if given)."""
        path = f"/v1/children/{pupil_id}/chronology"
        params = {"school_id": school_id, "before": before}
        return dict(await self.call("GET", path, token, params=params))

    async def adult_chronology(self, token: str, case_id: str) -> dict[str, Any]:
        """An adult case's chronology (the read is in the case's access log)."""
        return dict(await self.call("GET", f"/v1/adult-cases/{case_id}/chronology", token))

    async def adult_access_log(self, token: str, case_id: str) -> dict[str, Any]:
        return dict(await self.call("GET", f"/v1/adult-cases/{case_id}/access-log", token))

    async def access_log(self, token: str, school_id: str, pupil_id: str) -> dict[str, Any]:
        path = f"/v1/children/{pupil_id}/access-log"
        return dict(await self.call("GET", path, token, params={"school_id": school_id}))

    async def file_pdf(
        self, token: str, school_id: str, pupil_id: str, purpose: str | None
    ) -> bytes:
        path = f"/v1/children/{pupil_id}/file.pdf"
        params = {"school_id": school_id, "purpose": purpose or None}
        return await self._bytes("GET", path, token, params=params)

    async def transfers(self, token: str, school_id: str, pupil_id: str) -> list[dict[str, Any]]:
        path = f"/v1/children/{pupil_id}/transfers"
        found = await self.call("GET", path, token, params={"school_id": school_id})
        return list(found["transfers"])

    async def offer(
        self, token: str, pupil_id: str, destination: dict[str, str], key: str
    ) -> dict[str, Any]:
        path = f"/v1/children/{pupil_id}/transfers"
        body = {"destination": destination}
        return dict(
            await self.call("POST", path, token, json=body, headers={"Idempotency-Key": key})
        )

    async def incoming(self, token: str) -> list[dict[str, Any]]:
        return list((await self.call("GET", "/v1/transfers/incoming", token))["transfers"])

    async def accept(self, token: str, transfer_id: str, pupil_id: str) -> dict[str, Any]:
        path = f"/v1/transfers/{transfer_id}/accept"
        return dict(await self.call("POST", path, token, json={"pupil_id": pupil_id}))

    async def correct(
        self,
        token: str,
        school_id: str,
        pupil_id: str,
        entry_id: str,
        correction: dict[str, Any],
        key: str,
    ) -> dict[str, Any]:
        path = f"/v1/children/{pupil_id}/chronology/{entry_id}/corrections"
        return dict(
            await self.call(
                "POST",
                path,
                token,
                json=correction,
                params={"school_id": school_id},
                headers={"Idempotency-Key": key},
            )
        )

    async def retention_review(self, token: str) -> dict[str, Any]:
        return dict(await self.call("GET", "/v1/retention/review", token))

    async def dispose(self, token: str, pupil_id: str, reason: str) -> dict[str, Any]:
        path = f"/v1/children/{pupil_id}/disposal"
        return dict(await self.call("POST", path, token, json={"reason": reason}))

    # -- the one-time link: the token and the access code are the credentials ---------------

    async def link(self, token: str) -> dict[str, Any]:
        return dict(await self._public("GET", f"/v1/transfer-links/{token}"))

    async def link_open(self, token: str, code: str) -> dict[str, Any]:
        body = {"code": code}
        return dict(await self._public("POST", f"/v1/transfer-links/{token}/open", json=body))

    async def link_bundle(self, token: str, code: str) -> bytes:
        path = f"/v1/transfer-links/{token}/bundle"
        response = await self._request("POST", path, json={"code": code})
        return response.content

    async def link_receipt(self, token: str, code: str, name: str) -> dict[str, Any]:
        body = {"code": code, "name": name}
        return dict(await self._public("POST", f"/v1/transfer-links/{token}/receipt", json=body))

    async def transfer_key(self) -> dict[str, Any]:
        return dict(await self._public("GET", "/.well-known/harbour-transfer-key"))

    async def admin_audit(
        self, token: str, *, school_id: str | None = None, before: str | None = None
    ) -> dict[str, Any]:
        """A page of the admin audit log, newest first, and `next` for the older page."""
        params = {"school_id": school_id, "before": before, "limit": 50}
        return dict(await self.call("GET", "/v1/admin-audit", token, params=params))

    async def _public(self, method: str, path: str, json: Any = None) -> Any:
        response = await self._request(method, path, json=json)
        return response.json() if response.content else None

    async def _bytes(
        self, method: str, path: str, token: str, params: dict[str, Any] | None = None
    ) -> bytes:
        query = {k: v for k, v in (params or {}).items() if v is not None}
        headers = {"Authorization": f"Bearer {token}"}
        response = await self._request(method, path, params=query, headers=headers)
        return response.content

    async def _request(
        self,
        method: str,
        path: str,
        *,
        json: Any = None,
        params: dict[str, Any] | None = None,
        headers: dict[str, str] | None = None,
    ) -> httpx.Response:
        try:
            response = await self._http.request(
                method, self._base + path, json=json, params=params, headers=headers
            )
        except httpx.HTTPError as exc:
            raise Unavailable(503, type(exc).__name__) from None
        if response.status_code < 300:
            return response
        raise error_for(response)
