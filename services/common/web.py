"""HTTP plumbing shared by the four APIs: clear JSON errors, body limits, the caller's identity."""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from typing import Annotated, Any

from fastapi import Depends, FastAPI, HTTPException, Request, status
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from services.common.auth import AuthError, MfaRequired, Principal, TokenVerifier
from services.common.errors import (
    Busy,
    Conflict,
    Forbidden,
    Invalid,
    InvalidFields,
    NotFound,
    UseCaseError,
)
from services.common.rate_limits import limit_writes_of, user_key

_bearer = HTTPBearer(auto_error=False, description="RS256 JWT from the school's identity provider")


def unprocessable(field: str, message: str) -> HTTPException:
    return HTTPException(
        status.HTTP_422_UNPROCESSABLE_CONTENT,
        [{"loc": ["body", field], "field": field, "msg": message, "type": "value_error"}],
    )


def make_principal_dependency(
    verifier: TokenVerifier,
) -> Callable[..., Awaitable[Principal]]:
    async def current_principal(
        request: Request,
        credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
    ) -> Principal:
        if credentials is None or credentials.scheme.lower() != "bearer":
            raise _unauthorized("missing bearer token")
        try:
            principal = verifier.verify(credentials.credentials)
        except MfaRequired as exc:
            # RFC 9470 (step-up authentication): the client may sign the user in again.
            challenge = 'Bearer error="insufficient_user_authentication"'
            raise _unauthorized(str(exc), challenge) from None
        except AuthError as exc:
            raise _unauthorized(f"invalid token: {exc}") from None
        limit_writes_of(
            request, user_key(principal.trust_id, principal.school_id, principal.user_id)
        )
        return principal

    return current_principal


def _unauthorized(detail: str, challenge: str = "Bearer") -> HTTPException:
    return HTTPException(
        status.HTTP_401_UNAUTHORIZED, detail, headers={"WWW-Authenticate": challenge}
    )


_STATUS_OF: dict[type[UseCaseError], int] = {
    NotFound: status.HTTP_404_NOT_FOUND,
    Forbidden: status.HTTP_403_FORBIDDEN,
    Conflict: status.HTTP_409_CONFLICT,
    Busy: status.HTTP_503_SERVICE_UNAVAILABLE,
}


def error_response(exc: UseCaseError) -> JSONResponse:
    """A use case's refusal as the HTTP answer (the same shapes as FastAPI's own errors)."""
    if isinstance(exc, InvalidFields):
        return validation_failed(
            [
                {"loc": ["body", field], "field": field, "msg": message, "type": "value_error"}
                for field, message in exc.problems
            ]
        )
    if isinstance(exc, Invalid):
        return JSONResponse(
            status_code=status.HTTP_422_UNPROCESSABLE_CONTENT,
            content={"detail": unprocessable(exc.field, exc.message).detail},
        )
    code = next(code for kind, code in _STATUS_OF.items() if isinstance(exc, kind))
    headers = {"Retry-After": "1"} if isinstance(exc, Busy) else None
    return JSONResponse(status_code=code, content={"detail": str(exc)}, headers=headers)


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(UseCaseError)
    async def refused(_: Request, exc: UseCaseError) -> JSONResponse:
        return error_response(exc)

    @app.exception_handler(RequestValidationError)
    async def invalid_request(_: Request, exc: RequestValidationError) -> JSONResponse:
        # Name each field; never echo the submitted value (it may be a child's details).
        return validation_failed([_describe(err) for err in exc.errors()])


def validation_failed(errors: list[dict[str, Any]]) -> JSONResponse:
    """422 naming every field at fault, with a one-line summary of the first ten."""
    summary = "; ".join(f"{e['field']}: {e['msg']}" for e in errors[:10])
    return JSONResponse(
        status_code=status.HTTP_422_UNPROCESSABLE_CONTENT,
        content={"error": "validation_failed", "message": summary, "detail": errors},
    )


def _describe(err: Any) -> dict[str, Any]:
    loc = [str(p) for p in err.get("loc", ())]
    where = loc[1:] if loc and loc[0] in {"body", "query", "path", "header"} else loc
    return {
        "loc": loc,
        "field": ".".join(where) or (loc[0] if loc else ""),
        "msg": err.get("msg", "invalid"),
        "type": err.get("type", "value_error"),
    }


class BodySizeLimit:
    """Answer 413 before reading more than `limit` bytes, also for chunked bodies."""

    def __init__(self, app: ASGIApp, limit: int, limits: dict[str, int] | None = None) -> None:
        self.app = app
        self.limit = limit
        # Path or path template ("/v1/schools/{school_id}/roster") → a larger limit.
        self.limits = [(_template(path), size) for path, size in (limits or {}).items()]

    def limit_for(self, path: str) -> int:
        return next((size for pattern, size in self.limits if pattern.match(path)), self.limit)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = self.limit_for(scope["path"])
        declared = dict(scope.get("headers", [])).get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > limit:
            await _too_large(send, limit)
            return
        # Read the whole body first (it is small by definition) so that an oversized
        # chunked upload is refused before any handler sees a byte of it.
        chunks: list[bytes] = []
        received = 0
        while True:
            message = await receive()
            if message["type"] != "http.request":
                await self.app(scope, replayed_receive([], receive, first=message), send)
                return
            chunk = message.get("body", b"")
            received += len(chunk)
            if received > limit:
                await _too_large(send, limit)
                return
            chunks.append(chunk)
            if not message.get("more_body", False):
                break
        await self.app(scope, replayed_receive(chunks, receive), send)


def replayed_receive(
    chunks: list[bytes], receive: Receive, *, first: Message | None = None
) -> Receive:
    """The body read here, once (or the message that interrupted it), then the client's own
    messages: a response that streams (a file) waits on them for a real disconnect."""
    pending: Message | None = first or {
        "type": "http.request",
        "body": b"".join(chunks),
        "more_body": False,
    }

    async def replayed() -> Message:
        nonlocal pending
        if pending is not None:
            message, pending = pending, None
            return message
        return await receive()

    return replayed


async def _too_large(send: Send, limit: int) -> None:
    response = JSONResponse(
        status_code=status.HTTP_413_CONTENT_TOO_LARGE,
        content={"error": "body_too_large", "message": f"request body is over {limit} bytes"},
    )
    await response({"type": "http"}, _empty_receive, send)


async def _empty_receive() -> Message:
    return {"type": "http.disconnect"}


def _template(path: str) -> re.Pattern[str]:
    """`{name}` matches one path segment."""
    return re.compile("^" + re.sub(r"\\\{[^/]+?\\\}", "[^/]+", re.escape(path)) + "$")
