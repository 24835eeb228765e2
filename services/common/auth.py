"""Bearer-token identity: RS256 JWTs from the school's OIDC provider (or dev keys locally)."""

from __future__ import annotations

import time
from collections import OrderedDict
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import jwt

from contracts.vocabulary import Role

SCHOOL_ROLES = frozenset(Role) - {Role.TRUST_SAFEGUARDING_LEAD}
DSL_ROLES = frozenset({Role.DSL, Role.DEPUTY_DSL})
TRUST_ROLES = frozenset({Role.TRUST_SAFEGUARDING_LEAD, Role.ADMIN})
# Who may read a child's file, alerts and deadlines: the school's DSLs, or the trust lead.
SAFEGUARDING_READERS = DSL_ROLES | {Role.TRUST_SAFEGUARDING_LEAD}
# Every role with access to sensitive data must sign in with MFA; staff recording a concern
# need not (the DfE's expectation is for accounts that can read safeguarding records).
MFA_ROLES = frozenset(Role) - {Role.STAFF}


class AuthError(Exception):
    """The token is missing, malformed, badly signed, expired or for another audience."""


class MfaRequired(AuthError):
    """A valid token for a safeguarding role from a sign-in without MFA."""


@dataclass(frozen=True)
class MfaPolicy:
    """Whether safeguarding roles need MFA, and an `acr` value that also counts as MFA."""

    required: bool = False
    acr: str | None = None

    def check(self, claims: dict[str, object], roles: frozenset[Role]) -> None:
        if not self.required or not roles & MFA_ROLES:
            return
        amr = claims.get("amr")
        if isinstance(amr, list) and "mfa" in amr:
            return
        if self.acr is not None and claims.get("acr") == self.acr:
            return
        needing = ", ".join(sorted(roles & MFA_ROLES))
        raise MfaRequired(
            f"MFA is required for the {needing} role: sign in again with multi-factor "
            "authentication"
        )


@dataclass(frozen=True)
class Principal:
    user_id: str
    roles: frozenset[Role]
    school_id: str | None  # set for school staff; None for trust-wide users
    trust_id: str | None

    @property
    def trust_wide(self) -> bool:
        return self.school_id is None and self.trust_id is not None

    def has_any(self, roles: Iterable[Role]) -> bool:
        return bool(self.roles & frozenset(roles))

    def may_act_at(
        self, school_id: str, school_trust_id: str | None, roles: Iterable[Role]
    ) -> bool:
        """True when the user holds one of `roles` at this school, or trust-wide over its trust."""
        if not self.has_any(roles):
            return False
        if self.school_id is not None:
            return self.school_id == school_id
        return self.trust_id is not None and self.trust_id == school_trust_id

    def tenant_filter(self, school_id: str | None = None) -> dict[str, str] | None:
        """The query filter that confines a read to what this user may see.

        None when the user asked for a school outside their scope (answer 404)."""
        if self.school_id is not None:
            if school_id not in (None, self.school_id):
                return None
            return {"school_id": self.school_id}
        if self.trust_id is None:
            return None
        query = {"trust_id": self.trust_id}
        if school_id is not None:
            query["school_id"] = school_id
        return query

    @property
    def primary_role(self) -> str:
        return sorted(self.roles)[0] if self.roles else ""


class TokenVerifier:
    def __init__(
        self,
        *,
        audience: str,
        issuer: str,
        public_key: str | None = None,
        jwks_url: str | None = None,
        cache_size: int = 4096,
        mfa: MfaPolicy | None = None,
        leeway_seconds: int = 0,
    ) -> None:
        if (public_key is None) == (jwks_url is None):
            raise ValueError("give exactly one of public_key and jwks_url")
        self._audience = audience
        self._issuer = issuer
        self._mfa = mfa or MfaPolicy()
        self._leeway = leeway_seconds
        self._public_key = public_key
        self._jwks = jwt.PyJWKClient(jwks_url, cache_keys=True) if jwks_url else None
        # An RS256 check costs more than the rest of a typical request; a client sends the
        # same token many times, and a verified token stays valid until it expires.
        self._verified: OrderedDict[str, tuple[Principal, float]] = OrderedDict()
        self._cache_size = cache_size

    @classmethod
    def from_key_file(
        cls,
        path: Path,
        *,
        audience: str,
        issuer: str,
        mfa: MfaPolicy | None = None,
        leeway_seconds: int = 0,
    ) -> TokenVerifier:
        if not path.is_file():
            raise FileNotFoundError(
                f"JWT public key {path} not found: run `harbour dev-keys` or set "
                "HARBOUR_JWT_JWKS_URL / HARBOUR_JWT_PUBLIC_KEY_FILE"
            )
        return cls(
            audience=audience,
            issuer=issuer,
            public_key=path.read_text(),
            mfa=mfa,
            leeway_seconds=leeway_seconds,
        )

    def verify(self, token: str) -> Principal:
        cached = self._verified.get(token)
        if cached is not None and cached[1] > time.time():
            self._verified.move_to_end(token)
            return cached[0]
        principal, expires = self._verify(token)
        self._verified[token] = (principal, expires)
        if len(self._verified) > self._cache_size:
            self._verified.popitem(last=False)
        return principal

    def _verify(self, token: str) -> tuple[Principal, float]:
        try:
            key = self._jwks.get_signing_key_from_jwt(token).key if self._jwks else self._public_key
            # Only RS256: `alg: none` and HS256 (say, "signed" with our public key as the
            # HMAC secret) are refused before any key is used. nbf and iat in the future
            # ("not yet valid") are refused too, beyond the clock-skew leeway.
            claims = jwt.decode(
                token,
                key,
                algorithms=["RS256"],
                audience=self._audience,
                issuer=self._issuer,
                leeway=self._leeway,
                options={"require": ["exp", "iat", "sub", "aud", "iss"]},
            )
        except jwt.PyJWTError as exc:
            raise AuthError(str(exc)) from None
        principal = principal_from_claims(claims)
        self._mfa.check(claims, principal.roles)
        return principal, float(claims["exp"])


def principal_from_claims(claims: dict[str, object]) -> Principal:
    raw_roles = claims.get("roles")
    if not isinstance(raw_roles, list) or not raw_roles:
        raise AuthError("token has no roles")
    try:
        roles = frozenset(Role(r) for r in raw_roles)
    except ValueError:
        raise AuthError("token has an unknown role") from None
    school_id = _optional_str(claims, "school_id")
    trust_id = _optional_str(claims, "trust_id")
    if school_id is None and trust_id is None:
        raise AuthError("token names neither a school nor a trust")
    if school_id is None and not roles <= TRUST_ROLES:
        raise AuthError("school roles need a school_id claim")
    return Principal(str(claims["sub"]), roles, school_id, trust_id)


def _optional_str(claims: dict[str, object], name: str) -> str | None:
    value = claims.get(name)
    if value is None or value == "":
        return None
    if not isinstance(value, str):
        raise AuthError(f"claim {name} is not a string")
    return value
