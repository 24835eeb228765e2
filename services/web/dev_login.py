"""Local sign-in: a token signed with the dev key pair, exactly as `harbour dev-token` signs
it. Never available when the services trust a real identity provider."""

from __future__ import annotations

import time
from pathlib import Path

from services.common.app import mfa_policy
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
        self._mfa = mfa_policy(settings)

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
        self,
        *,
        user: str,
        roles: list[str],
        school_id: str | None,
        trust_id: str | None,
        mfa: bool = False,
    ) -> tuple[str, float]:
        """The token and when it expires; raises AuthError for claims the services refuse
        (MfaRequired for a safeguarding role signed in without MFA where it is required)."""
        now = time.time()
        amr = ["pwd", "mfa"] if mfa else ["pwd"]
        claims: dict[str, object] = {
            "sub": user,
            "roles": roles,
            "school_id": school_id,
            "trust_id": trust_id,
            "amr": amr,
        }
        principal = principal_from_claims(claims)  # the same checks as the services
        self._mfa.check(claims, principal.roles)
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
            amr=amr,
        )
        return token, int(now) + self._ttl
