"""What each operation's OpenAPI says beyond FastAPI's own: who may call it, and the
refusals every operation can give (401, 403, 404, 409, 413, 429, 503), with the shapes
services.common.web, rate_limits and json_depth answer them in. Schemathesis checks every
answer against these declarations, and the tenant matrix reads the roles.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from fastapi import FastAPI

from contracts.vocabulary import Role

ROLES_KEY = "x-harbour-roles"
WRITE_METHODS = {"post", "put", "patch", "delete"}


def who_may(*at_school: Role, trust_wide: Iterable[Role] = ()) -> dict[str, Any]:
    """`openapi_extra` for a route: the roles that may call it at a school, and the
    trust-wide roles that may call it over their trust's schools. Anyone else is answered
    403 or 404 (tests/integration/test_tenant_matrix.py holds every operation to this)."""
    return {
        ROLES_KEY: {
            "at_school": sorted(role.value for role in at_school),
            "trust_wide": sorted(role.value for role in trust_wide),
        }
    }


# A list every signed-in caller may ask for, answered with only what they may see (an empty
# list refuses nothing away): it never answers 404, so none is declared for it.
FOR_ANYONE_KEY = "x-harbour-lists-for-anyone"


def for_anyone(*at_school: Role, trust_wide: Iterable[Role] = ()) -> dict[str, Any]:
    return {**who_may(*at_school, trust_wide=trust_wide), FOR_ANYONE_KEY: True}


# A POST that stores nothing (a pupil search: the name goes in the body, never in a URL).
READS_ONLY_KEY = "x-harbour-reads-only"
READS_ONLY = {READS_ONLY_KEY: True}

_DETAIL = {
    "type": "object",
    "properties": {"detail": {"type": "string"}},
    "required": ["detail"],
}
_TOO_LARGE = {
    "type": "object",
    "properties": {"error": {"const": "body_too_large"}, "message": {"type": "string"}},
    "required": ["error", "message"],
}
_RETRY_AFTER = {"Retry-After": {"description": "seconds to wait", "schema": {"type": "string"}}}
_CHALLENGE = {
    "WWW-Authenticate": {
        "description": 'Bearer (or, MFA missing: error="insufficient_user_authentication")',
        "schema": {"type": "string"},
    }
}


def _answer(description: str, schema: dict[str, Any], headers: dict[str, Any] | None = None):
    answer: dict[str, Any] = {
        "description": description,
        "content": {"application/json": {"schema": schema}},
    }
    if headers:
        answer["headers"] = headers
    return answer


AUTHENTICATED = {
    "401": _answer("no token, or not a usable one; MFA missing", _DETAIL, _CHALLENGE),
    "404": _answer("no such thing, or not one the caller may know of", _DETAIL),
}
NAMES_SOMETHING = {
    "404": _answer("no such thing, or not one the caller may know of", _DETAIL),
}
# Most refusals are 404 (another school's thing and no such thing look alike); the few
# use cases that answer 403 (the caller may see it but not do this) declare it.
FORBIDDEN: dict[int | str, dict[str, Any]] = {
    403: _answer("the caller may see this but not do it", _DETAIL),
}
_CONFLICT = _answer("not in a state that allows this; an Idempotency-Key reused", _DETAIL)
# Writes whose use case can refuse for the state things are in, without an Idempotency-Key
# (every write that takes one declares 409 for a key reused with another body).
CONFLICT: dict[int | str, dict[str, Any]] = {409: _CONFLICT}
WRITES = {
    "413": _answer("the body is over its bound", {"anyOf": [_TOO_LARGE, _DETAIL]}),
    "429": _answer("this account or address has spent its writes", _DETAIL, _RETRY_AFTER),
    "503": _answer("the record is being changed by someone else: try again", _DETAIL, _RETRY_AFTER),
}


_INVALID = {"type": "object", "properties": {"detail": {"type": "array"}}, "required": ["detail"]}
# A police sender's signed endpoints (services.intake.sender_auth): no bearer token.
SIGNED_BY_SENDER: dict[int | str, dict[str, Any]] = {
    401: _answer(
        "no signature, a bad one, an unknown sender or a timestamp outside the window",
        _DETAIL,
        {"WWW-Authenticate": {"description": "Harbour-HMAC-SHA256", "schema": {"type": "string"}}},
    ),
    422: _answer("a field of the body is wrong (named)", _INVALID),
}
# A PUT that makes the thing when it is new (201) and changes it otherwise (200).
CREATED: dict[int | str, dict[str, Any]] = {
    201: _answer("made (200: it was there already)", {"type": "object"}),
}
CSV_UPLOAD: dict[int | str, dict[str, Any]] = {
    415: _answer("not sent as Content-Type: text/csv", _DETAIL),
}


def declare_answers(app: FastAPI) -> None:
    """Add the shared refusals to every operation of the app's OpenAPI document (an
    operation's own declaration of a status wins)."""
    build = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is not None:
            return app.openapi_schema
        document = build()
        for item in document.get("paths", {}).values():
            for method, operation in item.items():
                if isinstance(operation, dict) and "responses" in operation:
                    _declare(method, operation)
        return document

    app.openapi = openapi  # type: ignore[method-assign]


def _declare(method: str, operation: dict[str, Any]) -> None:
    answers = operation["responses"]
    authenticated = any("HTTPBearer" in scheme for scheme in operation.get("security", []))
    shared: dict[str, Any] = {}
    names = any(p.get("in") == "path" for p in operation.get("parameters", []))
    if names:
        shared |= NAMES_SOMETHING
    if authenticated:
        shared |= AUTHENTICATED
        if operation.get(FOR_ANYONE_KEY) and not names:
            del shared["404"]
    if method in WRITE_METHODS:
        shared |= WRITES
    if any(p.get("name", "").lower() == "idempotency-key" for p in operation.get("parameters", [])):
        shared["409"] = _CONFLICT
    for status, answer in shared.items():
        answers.setdefault(status, answer)
