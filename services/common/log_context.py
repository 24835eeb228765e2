"""The ids every log line carries without being passed along: the HTTP request being
answered (request_id) or the event being handled (event_id, event_type, correlation_id,
causation_id), so that one concern can be followed from intake through every service.

A context variable, so each request and each consumed message (their own asyncio tasks)
sees only its own ids, and tasks they start inherit them."""

from __future__ import annotations

import contextlib
import re
import uuid
from collections.abc import Iterator, Mapping
from contextvars import ContextVar

_ids: ContextVar[Mapping[str, str | None]] = ContextVar("harbour_log_ids", default={})  # noqa: B039

# A request id from outside (a proxy's, or web's to the services) is kept only if it looks
# like an id: it goes into every log line of the request.
_SAFE_ID = re.compile(r"^[A-Za-z0-9._:-]{1,64}$")


@contextlib.contextmanager
def bound(**ids: str | None) -> Iterator[None]:
    """Add these ids to every log line written inside the block (None is written as null:
    a handler's lines always name their causation_id, even when nothing caused the event)."""
    token = _ids.set({**_ids.get(), **ids})
    try:
        yield
    finally:
        _ids.reset(token)


def current() -> Mapping[str, str | None]:
    return _ids.get()


def request_id() -> str | None:
    return _ids.get().get("request_id")


def request_id_from(header: str | None) -> str:
    """The caller's request id if it is a plain id, else a new one."""
    if header and _SAFE_ID.match(header):
        return header
    return uuid.uuid4().hex
