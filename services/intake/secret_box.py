"""Sender secrets at rest: sealed with Fernet (AES-CBC with HMAC-SHA256) under a key kept
outside the store, so that a copy of the database cannot be used to forge police
notices. Several keys may be given, newest first, so that the key can be rotated."""

from __future__ import annotations

from collections.abc import Sequence

from cryptography.fernet import Fernet, InvalidToken, MultiFernet


class SecretUnreadable(Exception):
    """Sealed under a key this process does not have, or altered."""


class SecretBox:
    def __init__(self, keys: Sequence[bytes]) -> None:
        if not keys:
            raise ValueError("at least one key is needed")
        try:
            self._fernet = MultiFernet([Fernet(key) for key in keys])
        except ValueError as exc:
            raise ValueError("a secrets key is not a Fernet key (url-safe base64)") from exc

    def seal(self, secret: str) -> str:
        return self._fernet.encrypt(secret.encode("utf-8")).decode("ascii")

    def open(self, sealed: str) -> bytes:
        try:
            return self._fernet.decrypt(sealed.encode("ascii"))
        except InvalidToken as exc:
            raise SecretUnreadable from exc
