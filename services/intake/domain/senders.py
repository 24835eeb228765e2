"""Operation Encompass senders: police forces and local authority hubs that notify schools.

A sender holds a shared secret (to verify the HMAC on its requests, so it is stored as
given and never hashed, logged or returned) and the trusts whose schools it may notify.
"""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, SecretStr, StringConstraints, field_validator

from contracts.vocabulary import Role
from services.common.auth import Principal
from services.common.ids import ID_PATTERN, MAX_ID_LENGTH

MIN_SECRET_LENGTH = 32
MAX_SECRET_LENGTH = 512
MAX_TRUSTS = 50

TrustId = Annotated[
    str,
    StringConstraints(min_length=1, max_length=MAX_ID_LENGTH, pattern=ID_PATTERN),
]


class SenderRegistration(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    name: str = Field(min_length=1, max_length=200)
    secret: SecretStr = Field(
        description=(
            f"shared secret for X-Harbour-Signature, {MIN_SECRET_LENGTH}–{MAX_SECRET_LENGTH}"
            " printable characters; never shown again"
        ),
    )
    trust_ids: list[TrustId] = Field(min_length=1, max_length=MAX_TRUSTS)

    @field_validator("secret")
    @classmethod
    def _strong_and_printable(cls, value: SecretStr) -> SecretStr:
        secret = value.get_secret_value()
        if not MIN_SECRET_LENGTH <= len(secret) <= MAX_SECRET_LENGTH:
            raise ValueError(
                f"must be {MIN_SECRET_LENGTH} to {MAX_SECRET_LENGTH} characters long,"
                f" not {len(secret)}"
            )
        if not all("\x21" <= ch <= "\x7e" for ch in secret):
            raise ValueError("use printable ASCII characters without spaces")
        return value

    @field_validator("trust_ids")
    @classmethod
    def _unique(cls, value: list[str]) -> list[str]:
        if len(set(value)) != len(value):
            raise ValueError("a trust is listed more than once")
        return sorted(value)


def administered_trusts(principal: Principal) -> frozenset[str]:
    """Trusts the caller administers as a whole: a trust-wide admin token's trust."""
    if Role.ADMIN in principal.roles and principal.trust_wide and principal.trust_id:
        return frozenset({principal.trust_id})
    return frozenset()


def may_manage(principal: Principal, trust_ids: list[str] | frozenset[str]) -> bool:
    """Only an admin of every trust a sender names may register, change or read it."""
    return bool(trust_ids) and frozenset(trust_ids) <= administered_trusts(principal)
