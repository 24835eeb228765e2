"""Response headers on every answer of the four APIs (web sends its own, stricter set).

An API answer carries children's details: no cache may keep it, no browser may sniff it
into something else, frame it, or send its address on to another site. HSTS when the
request came over TLS: directly, by a trusted proxy's X-Forwarded-Proto (uvicorn rewrites
the scheme: settings.trusted_proxies), or because settings.behind_tls says so."""

from __future__ import annotations

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

HSTS = "max-age=31536000; includeSubDomains"
# Swagger UI and ReDoc load their scripts from a CDN: no CSP on those two pages.
DOCS_PAGES = frozenset({"/docs", "/docs/oauth2-redirect", "/redoc"})


def over_tls(scope: Scope, behind_tls: bool) -> bool:
    return behind_tls or scope.get("scheme") == "https"


class ApiSecurityHeaders:
    def __init__(self, app: ASGIApp, *, behind_tls: bool = False) -> None:
        self.app = app
        self.behind_tls = behind_tls

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        tls = over_tls(scope, self.behind_tls)
        docs_page = scope["path"] in DOCS_PAGES

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                headers["X-Content-Type-Options"] = "nosniff"
                headers["Referrer-Policy"] = "no-referrer"
                headers["X-Frame-Options"] = "DENY"
                headers["Cache-Control"] = "no-store"
                if not docs_page:
                    headers["Content-Security-Policy"] = (
                        "default-src 'none'; frame-ancestors 'none'"
                    )
                if tls:
                    headers["Strict-Transport-Security"] = HSTS
            await send(message)

        await self.app(scope, receive, send_with_headers)
