"""Local sign-in: a token signed with the dev key pair, exactly as `harbour dev-token` signs
it. Never available when the services trust a real identity provider."""

from __future__ import annotations

import time
from pathlib import Path

from services.common.auth import principal_from_claims
from services.common.dev_keys import PRIVATE_NAME, mint_token
from services.web.settings import WebSettings


class DevLoginRefused(RuntimeError):
    pass


class DevLogin:
    def __init__(self, private_key_pem: bytes, settings: WebSettings) -> None:
        self._key = private_key_pem
        self._audience = settings.jwt_audience
        self._issuer = settings.jwt_issuer
        self._ttl = settings.dev_token_ttl_seconds

    @classmethod
    def from_settings(cls, settings: WebSettings) -> DevLogin:
        """Refuse to start rather than offer a sign-in the services would not accept, or
        one that would sit beside a real identity provider."""
        if settings.jwt_jwks_url:
            raise DevLoginRefused(
                "HARBOUR_DEV_LOGIN=true but HARBOUR_JWT_JWKS_URL is set: the services trust a "
                "real identity provider; turn dev sign-in off"
            )
        path = settings.data_dir / "keys" / PRIVATE_NAME
        if not path.is_file():
            raise DevLoginRefused(
                f"HARBOUR_DEV_LOGIN=true but the dev private key {path} is missing: run "
                "`harbour dev-keys`"
            )
        return cls(Path(path).read_bytes(), settings)

    def sign_in(
        self, *, user: str, roles: list[str], school_id: str | None, trust_id: str | None
    ) -> tuple[str, float]:
        """The token and when it expires; raises AuthError for claims the services refuse."""
        now = time.time()
        claims: dict[str, object] = {
            "sub": user,
            "roles": roles,
            "school_id": school_id,
            "trust_id": trust_id,
        }
        principal_from_claims(claims)  # the same checks as the services and dev-token
        token = mint_token(
            self._key,
            user=user,
            roles=roles,
            school_id=school_id,
            trust_id=trust_id,
            audience=self._audience,
            issuer=self._issuer,
            ttl_seconds=self._ttl,
            now=now,
        )
        return token, int(now) + self._ttl
