"""Response headers every page gets, and the CSRF check every form post goes through."""

from __future__ import annotations

import secrets

from fastapi import HTTPException, Request, status
from starlette.datastructures import FormData, MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from services.common.rate_limits import limit_writes_of, user_key
from services.common.security_headers import HSTS, over_tls
from services.web.session import session_of

# No inline script or style anywhere: the pages load only their own files.
CSP = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
        "base-uri 'none'",
        "object-src 'none'",
    ]
)
MAX_FORM_FIELDS = 400


class SecurityHeaders:
    """CSP and friends on everything; `no-store` on every page and fragment, because pages
    carry children's details and must not sit in a browser's or proxy's cache."""

    def __init__(self, app: ASGIApp, *, behind_tls: bool = False) -> None:
        self.app = app
        self.behind_tls = behind_tls

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        static = scope["path"].startswith(("/assets/", "/static/"))
        tls = over_tls(scope, self.behind_tls)

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                headers["Content-Security-Policy"] = CSP
                headers["X-Content-Type-Options"] = "nosniff"
                headers["X-Frame-Options"] = "DENY"
                # Ids in our URLs (pupil ids) must not travel to other sites.
                headers["Referrer-Policy"] = "no-referrer"
                headers["Cross-Origin-Opener-Policy"] = "same-origin"
                if tls:
                    headers["Strict-Transport-Security"] = HSTS
                if static:
                    headers.setdefault("Cache-Control", "public, max-age=3600")
                else:
                    headers["Cache-Control"] = "no-store"
                    headers["Pragma"] = "no-cache"
            await send(message)

        await self.app(scope, receive, send_with_headers)


async def checked_form(request: Request) -> FormData:
    """The posted form, if it carries this session's CSRF token (else 403) and the signed-in
    user has writes left (else 429: every form post comes through here)."""
    session = session_of(request)
    if session.signed_in:
        limit_writes_of(request, user_key(session.trust_id, session.school_id, session.user_id))
    form = await request.form(max_fields=MAX_FORM_FIELDS, max_files=1)
    sent = form.get("csrf_token")
    expected = session.csrf
    if not isinstance(sent, str) or not secrets.compare_digest(sent, expected):
        raise HTTPException(status.HTTP_403_FORBIDDEN, "csrf")
    return form
