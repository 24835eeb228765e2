"""The browser session: one sealed cookie, nothing stored on the server.

The cookie holds the signed-in user's token for the services, who they are (for the
navigation), a CSRF secret and, during an OpenID Connect sign-in, the state, nonce and
PKCE verifier. It is sealed with Fernet (AES-128-CBC + HMAC-SHA256), so it can be neither
read nor altered, and re-sealed on every response: Fernet's timestamp then measures idle
time, and a cookie older than the idle limit no longer opens.
"""

from __future__ import annotations

import json
import secrets
from dataclasses import asdict, dataclass, field
from typing import Any

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from starlette.datastructures import MutableHeaders
from starlette.requests import HTTPConnection
from starlette.types import ASGIApp, Message, Receive, Scope, Send

LOOPBACK = frozenset({"127.0.0.1", "localhost", "::1"})


@dataclass
class Session:
    csrf: str = field(default_factory=lambda: secrets.token_urlsafe(32))
    token: str | None = None
    token_expires_at: float | None = None
    user_id: str | None = None
    roles: list[str] = field(default_factory=list)
    school_id: str | None = None
    trust_id: str | None = None
    # An OpenID Connect sign-in in progress: state, nonce, code_verifier, next.
    sign_in: dict[str, str] | None = None

    @property
    def signed_in(self) -> bool:
        return self.token is not None

    def sign_out(self) -> None:
        fresh = Session()
        self.__dict__.update(fresh.__dict__)


class SessionMiddleware:
    """Loads `scope["session"]` (a Session) and writes it back sealed on every response."""

    def __init__(self, app: ASGIApp, keys: list[bytes], idle_seconds: int) -> None:
        if not keys:
            raise ValueError("no session key")
        self.app = app
        self.fernet = MultiFernet([Fernet(key) for key in keys])
        self.idle_seconds = idle_seconds

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"].startswith(("/assets/", "/static/")):
            await self.app(scope, receive, send)
            return
        connection = HTTPConnection(scope)
        secure = connection.url.hostname not in LOOPBACK
        name = "__Host-harbour" if secure else "harbour"
        session = self.open(connection.cookies.get(name))
        scope["session"] = session

        async def send_with_cookie(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                headers.append("Set-Cookie", self.cookie(name, session, secure))
            await send(message)

        await self.app(scope, receive, send_with_cookie)

    def open(self, sealed: str | None) -> Session:
        if not sealed:
            return Session()
        try:
            data: dict[str, Any] = json.loads(
                self.fernet.decrypt(sealed.encode("ascii"), ttl=self.idle_seconds)
            )
            return Session(**data)
        except (InvalidToken, ValueError, TypeError, UnicodeEncodeError):
            return Session()  # idle too long, altered, or from an older version

    def cookie(self, name: str, session: Session, secure: bool) -> str:
        sealed = self.fernet.encrypt(json.dumps(asdict(session)).encode()).decode("ascii")
        flags = f"Path=/; Max-Age={self.idle_seconds}; HttpOnly; SameSite=Lax"
        return f"{name}={sealed}; {flags}{'; Secure' if secure else ''}"


def session_of(connection: HTTPConnection) -> Session:
    session = connection.scope.get("session")
    if not isinstance(session, Session):
        raise RuntimeError("SessionMiddleware is not installed")
    return session
