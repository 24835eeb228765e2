"""One HTTP client per process, shared by the four service clients; errors as types."""

from __future__ import annotations

from contextvars import ContextVar
from typing import Any

import httpx
from starlette.types import ASGIApp, Receive, Scope, Send

# The browser's address, passed on to the services (X-Forwarded-For) so that their
# per-address write limits count each browser, not web itself. The services believe it
# from web's address only (HARBOUR_TRUSTED_PROXIES).
BROWSER_ADDRESS: ContextVar[str | None] = ContextVar("browser_address", default=None)


class BrowserAddress:
    """Remembers the browser's address for the backend calls made while answering it."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        client = scope.get("client") if scope["type"] == "http" else None
        token = BROWSER_ADDRESS.set(client[0] if client else None)
        try:
            await self.app(scope, receive, send)
        finally:
            BROWSER_ADDRESS.reset(token)


class BackendError(Exception):
    def __init__(self, status: int, detail: Any = None, retry_after: str | None = None) -> None:
        super().__init__(f"backend answered {status}")
        self.status = status
        self.detail = detail
        self.retry_after = retry_after


class NotFound(BackendError):
    """404: missing, or someone else's (the services do not say which)."""


class Forbidden(BackendError):
    pass


class Conflict(BackendError):
    pass


class Unprocessable(BackendError):
    """422 with the fields the service named."""

    def field_errors(self) -> dict[str, str]:
        errors: dict[str, str] = {}
        detail = self.detail
        items = detail.get("detail") if isinstance(detail, dict) else detail
        for item in items if isinstance(items, list) else []:
            if isinstance(item, dict):
                errors.setdefault(str(item.get("field", "")), str(item.get("msg", "invalid")))
        return errors


class TooManyRequests(BackendError):
    """429: the user (or their address) has made too many changes for now."""


class SignedOut(BackendError):
    """401: the token expired or was refused; the user signs in again."""


class Unavailable(BackendError):
    """The service could not be reached, timed out, or failed."""


_BY_STATUS: dict[int, type[BackendError]] = {
    401: SignedOut,
    403: Forbidden,
    404: NotFound,
    409: Conflict,
    422: Unprocessable,
    429: TooManyRequests,
}


class ServiceClient:
    def __init__(self, http: httpx.AsyncClient, base_url: str) -> None:
        self._http = http
        self._base = base_url.rstrip("/")

    async def call(
        self,
        method: str,
        path: str,
        token: str,
        *,
        json: Any = None,
        params: dict[str, Any] | None = None,
        content: bytes | None = None,
        headers: dict[str, str] | None = None,
    ) -> Any:
        request_headers = {"Authorization": f"Bearer {token}", **(headers or {})}
        browser = BROWSER_ADDRESS.get()
        if browser is not None:
            request_headers["X-Forwarded-For"] = browser
        query = {k: v for k, v in (params or {}).items() if v is not None}
        try:
            response = await self._http.request(
                method,
                self._base + path,
                json=json,
                params=query,
                content=content,
                headers=request_headers,
            )
        except httpx.HTTPError as exc:
            raise Unavailable(503, type(exc).__name__) from None
        if response.status_code < 300:
            return response.json() if response.content else None
        raise error_for(response)


def error_for(response: httpx.Response) -> BackendError:
    """The typed error for a service's answer of 300 or more."""
    try:
        detail = response.json()
    except ValueError:
        detail = None
    error = _BY_STATUS.get(response.status_code, Unavailable)
    return error(response.status_code, detail, response.headers.get("Retry-After"))
