"""HMAC signatures on police webhook requests.

The sender signs "<timestamp>.<raw body>" with its shared secret and sends

    X-Harbour-Timestamp: 1773125700
    X-Harbour-Signature: sha256=<64 hex digits>

Signing the timestamp with the body, and refusing stale timestamps, stops a captured
request being replayed later. Verification is pure: the caller supplies the clock.
"""

from __future__ import annotations

import hashlib
import hmac
import re

TIMESTAMP_HEADER = "X-Harbour-Timestamp"
SIGNATURE_HEADER = "X-Harbour-Signature"
DEFAULT_WINDOW_S = 300

_SCHEME = "sha256="
# Up to 12 digits covers any plausible Unix time and bounds the work on hostile input.
_TIMESTAMP = re.compile(r"[0-9]{1,12}")
_HEX_DIGEST = re.compile(r"[0-9a-fA-F]{64}")


class SignatureError(Exception):
    """The request is not authentically from the sender; `reason` is safe to log."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def sign(secret: bytes, timestamp: int | str, body: bytes) -> str:
    """Return the X-Harbour-Signature header value for this timestamp and body."""
    stamp = str(timestamp)
    if not _TIMESTAMP.fullmatch(stamp):
        raise ValueError("timestamp must be Unix seconds")
    return _SCHEME + _digest(secret, stamp, body)


def verify_signature(
    secret: bytes,
    timestamp: str | None,
    signature: str | None,
    body: bytes,
    now: float,
    window_s: int = DEFAULT_WINDOW_S,
) -> None:
    """Raise SignatureError unless `signature` signs `timestamp` and `body` recently.

    `body` must be the raw request bytes as received, before any JSON parsing.
    Raises ValueError if `secret` is empty: that is a configuration fault, not a
    bad request.
    """
    if not secret:
        raise ValueError("no signing secret configured")
    stamp = (timestamp or "").strip()
    if not stamp:
        raise SignatureError(f"missing {TIMESTAMP_HEADER} header")
    if not _TIMESTAMP.fullmatch(stamp):
        raise SignatureError(f"malformed {TIMESTAMP_HEADER} header: expected Unix seconds")

    claimed = (signature or "").strip()
    if not claimed:
        raise SignatureError(f"missing {SIGNATURE_HEADER} header")
    if not claimed.startswith(_SCHEME) or not _HEX_DIGEST.fullmatch(claimed[len(_SCHEME) :]):
        raise SignatureError(
            f"malformed {SIGNATURE_HEADER} header: expected sha256=<64 hex digits>"
        )

    if abs(now - int(stamp)) > window_s:
        raise SignatureError(
            f"{TIMESTAMP_HEADER} is more than {window_s} seconds from the server clock"
        )

    expected = _digest(secret, stamp, body)
    if not hmac.compare_digest(
        expected.encode("ascii"), claimed[len(_SCHEME) :].lower().encode("ascii")
    ):
        raise SignatureError("signature does not match the request")


def _digest(secret: bytes, timestamp: str, body: bytes) -> str:
    if not secret:
        # An empty key would make every sender's signature forgeable.
        raise ValueError("no signing secret configured")
    message = timestamp.encode("ascii") + b"." + body
    return hmac.new(secret, message, hashlib.sha256).hexdigest()
