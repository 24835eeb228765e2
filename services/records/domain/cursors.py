"""Cursors for paging newest-first lists (the admin log, a child's chronology): a moment
and an entry id, so that entries at the same millisecond are neither lost nor repeated.
Opaque and URL-safe to the caller."""

from __future__ import annotations

import base64
import binascii
from datetime import datetime


class BadCursor(ValueError):
    pass


def make_cursor(at: datetime, entry_id: str) -> str:
    raw = f"{at.isoformat()}\x1f{entry_id}".encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def read_cursor(cursor: str) -> tuple[datetime, str]:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        at, entry_id = raw.split("\x1f")
        moment = datetime.fromisoformat(at)
    except (binascii.Error, UnicodeDecodeError, ValueError):
        raise BadCursor("not a cursor this service gave") from None
    if moment.tzinfo is None or not entry_id:
        raise BadCursor("not a cursor this service gave")
    return moment, entry_id
