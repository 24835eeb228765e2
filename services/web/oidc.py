"""OpenID Connect sign-in: authorization code flow with PKCE (S256), state and nonce.

Authlib builds the PKCE challenge and the random values; joserfc (Authlib's JOSE library)
checks the ID token's signature against the provider's JWKS and its iss, aud, exp and
nonce. The token the services are given (the access token, or the ID token) is then
checked as the services check it, MFA included, so a user whose token lacks roles or a
school or trust, or a DSL who signed in without a second factor, is told at sign-in, not
on every page.

MFA travels as the provider says it: the `amr` (or `acr`) claim of the token the services
are given, which they check on every call. Where HARBOUR_MFA_ACR is set, the sign-in asks
the provider for that level (`acr_values`), so a provider that can step up does so.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

import httpx
import jwt as pyjwt
from authlib.common.security import generate_token
from authlib.oauth2.rfc7636 import create_s256_code_challenge
from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jwk import KeySet

from services.common.app import mfa_policy
from services.common.auth import AuthError, MfaPolicy, Principal, TokenVerifier
from services.web.settings import WebSettings

DISCOVERY_TTL_SECONDS = 3600


class SignInFailed(Exception):
    """The provider's answer could not be trusted or used; the message is safe to show."""


@dataclass(frozen=True)
class SignedIn:
    token: str
    expires_at: float
    principal: Principal


class OidcClient:
    def __init__(self, settings: WebSettings, http: httpx.AsyncClient) -> None:
        if not (settings.oidc_issuer and settings.oidc_client_id):
            raise ValueError("HARBOUR_OIDC_ISSUER and HARBOUR_OIDC_CLIENT_ID are required")
        self._issuer = settings.oidc_issuer.rstrip("/")
        self._client_id = settings.oidc_client_id
        secret = settings.oidc_client_secret
        self._client_secret = secret.get_secret_value() if secret else None
        self._scope = settings.oidc_scope
        self._service_token = settings.oidc_service_token
        self._audience = settings.jwt_audience
        self._jwt_issuer = settings.jwt_issuer
        self._jwks_url = settings.jwt_jwks_url
        self._mfa: MfaPolicy = mfa_policy(settings)
        self._http = http
        self._metadata: dict[str, Any] | None = None
        self._metadata_at = 0.0
        self._verifier: TokenVerifier | None = None

    async def metadata(self) -> dict[str, Any]:
        if self._metadata is None or time.monotonic() - self._metadata_at > DISCOVERY_TTL_SECONDS:
            url = f"{self._issuer}/.well-known/openid-configuration"
            document = await self._get_json(url)
            if str(document.get("issuer", "")).rstrip("/") != self._issuer:
                raise SignInFailed("the provider's discovery document names another issuer")
            self._metadata, self._metadata_at = document, time.monotonic()
        return self._metadata

    async def start(self, redirect_uri: str) -> tuple[str, dict[str, str]]:
        """The provider's authorization URL and what the session keeps until the callback."""
        metadata = await self.metadata()
        state, nonce, verifier = generate_token(32), generate_token(32), generate_token(64)
        query = {
            "response_type": "code",
            "client_id": self._client_id,
            "redirect_uri": redirect_uri,
            "scope": self._scope,
            "state": state,
            "nonce": nonce,
            "code_challenge": create_s256_code_challenge(verifier),
            "code_challenge_method": "S256",
        }
        if self._mfa.required and self._mfa.acr:
            query["acr_values"] = self._mfa.acr
        url = f"{metadata['authorization_endpoint']}?{urlencode(query)}"
        return url, {"state": state, "nonce": nonce, "code_verifier": verifier}

    async def finish(
        self, params: dict[str, str], pending: dict[str, str], redirect_uri: str
    ) -> SignedIn:
        if params.get("error"):
            raise SignInFailed("the identity provider did not sign you in")
        if not params.get("code") or params.get("state") != pending.get("state"):
            raise SignInFailed("the sign-in did not match the one started here; try again")
        metadata = await self.metadata()
        tokens = await self._exchange(metadata, params["code"], pending, redirect_uri)
        await self._check_id_token(metadata, tokens.get("id_token"), pending["nonce"])
        service_token = tokens.get(self._service_token)
        if not isinstance(service_token, str):
            raise SignInFailed(f"the provider returned no {self._service_token}")
        verifier = self._token_verifier(metadata)
        try:
            principal = verifier.verify(service_token)
        except AuthError as exc:
            raise SignInFailed(f"your account cannot use Harbour: {exc}") from None
        expires_at = _expiry(service_token)
        return SignedIn(service_token, expires_at, principal)

    async def _exchange(
        self, metadata: dict[str, Any], code: str, pending: dict[str, str], redirect_uri: str
    ) -> dict[str, Any]:
        form = {
            "grant_type": "authorization_code",
            "code": code,
            "redirect_uri": redirect_uri,
            "code_verifier": pending["code_verifier"],
            "client_id": self._client_id,
        }
        auth = (self._client_id, self._client_secret) if self._client_secret else None
        try:
            response = await self._http.post(
                metadata["token_endpoint"], data=form, auth=auth, headers=_JSON
            )
        except httpx.HTTPError:
            raise SignInFailed("the identity provider could not be reached") from None
        if response.status_code != 200:
            raise SignInFailed("the identity provider refused the sign-in code")
        return dict(response.json())

    async def _check_id_token(self, metadata: dict[str, Any], id_token: object, nonce: str) -> None:
        if not isinstance(id_token, str):
            raise SignInFailed("the provider returned no ID token")
        keys = KeySet.import_key_set(await self._get_json(metadata["jwks_uri"]))
        try:
            token = jwt.decode(id_token, keys, algorithms=["RS256", "ES256"])
            jwt.JWTClaimsRegistry(
                iss={"essential": True, "value": metadata["issuer"]},
                aud={"essential": True, "value": self._client_id},
                exp={"essential": True},
                sub={"essential": True},
                nonce={"essential": True, "value": nonce},
            ).validate(token.claims)
        except (JoseError, ValueError) as exc:
            raise SignInFailed(f"the ID token is not valid ({type(exc).__name__})") from None

    def _token_verifier(self, metadata: dict[str, Any]) -> TokenVerifier:
        if self._verifier is None:
            self._verifier = TokenVerifier(
                audience=self._audience,
                issuer=self._jwt_issuer,
                jwks_url=self._jwks_url or metadata["jwks_uri"],
                mfa=self._mfa,
            )
        return self._verifier

    async def _get_json(self, url: str) -> dict[str, Any]:
        try:
            response = await self._http.get(url, headers=_JSON)
            response.raise_for_status()
            return dict(response.json())
        except (httpx.HTTPError, ValueError):
            raise SignInFailed("the identity provider could not be reached") from None


_JSON = {"Accept": "application/json"}


def _expiry(token: str) -> float:
    # Read only after TokenVerifier has checked the signature.
    claims = pyjwt.decode(token, options={"verify_signature": False})
    return float(claims["exp"])
