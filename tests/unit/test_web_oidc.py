"""Signing in through OpenID Connect (code flow, PKCE S256, state and nonce) against a fake
provider, and the token web then forwards to the services."""

from __future__ import annotations

from collections.abc import Iterator
from urllib.parse import parse_qs, urlparse

import httpx
import pytest
from cryptography.fernet import Fernet

from services.web.main import build_app
from services.web.settings import WebSettings
from tests.unit.fake_oidc import CLIENT_ID, CLIENT_SECRET, FakeProvider

LEAD = {
    "sub": "lead-7",
    "roles": ["dsl"],
    "school_id": "oak",
    "trust_id": "oak-trust",
    "amr": ["pwd", "mfa"],
}


@pytest.fixture
def provider(monkeypatch) -> Iterator[FakeProvider]:
    with FakeProvider(dict(LEAD)) as fake:
        for name, value in {
            "HARBOUR_OIDC_ISSUER": fake.issuer,
            "HARBOUR_OIDC_CLIENT_ID": CLIENT_ID,
            "HARBOUR_OIDC_CLIENT_SECRET": CLIENT_SECRET,
            "HARBOUR_JWT_JWKS_URL": f"{fake.issuer}/jwks",
            "HARBOUR_JWT_ISSUER": fake.issuer,
            "HARBOUR_JWT_AUDIENCE": "harbour",
            "HARBOUR_INTAKE_URL": fake.issuer,
            "HARBOUR_CASE_URL": fake.issuer,
            "HARBOUR_WEB_SESSION_KEY": Fernet.generate_key().decode(),
            "HARBOUR_WEB_PUBLIC_URL": "http://127.0.0.1",
        }.items():
            monkeypatch.setenv(name, value)
        monkeypatch.delenv("HARBOUR_DEV_LOGIN", raising=False)
        yield fake


def web_client() -> httpx.AsyncClient:
    app = build_app(WebSettings())
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://127.0.0.1")


async def _sign_in(web: httpx.AsyncClient, provider: FakeProvider) -> httpx.Response:
    start = await web.get("/concerns/mine")
    assert start.status_code == 303 and start.headers["location"].startswith("/sign-in")
    to_provider = await web.get(start.headers["location"])
    assert to_provider.status_code == 303
    async with httpx.AsyncClient() as browser:
        back = await browser.get(to_provider.headers["location"])
    assert back.status_code == 302
    callback = urlparse(back.headers["location"])
    assert callback.path == "/auth/callback"
    return await web.get(f"/auth/callback?{callback.query}")


async def test_sign_in_uses_pkce_state_and_nonce_and_forwards_the_access_token(provider):
    async with web_client() as web:
        signed_in = await _sign_in(web, provider)
        page = await web.get("/concerns/mine")

    asked = provider.authorize_requests[0]
    assert asked["response_type"] == "code" and asked["client_id"] == CLIENT_ID
    assert asked["code_challenge_method"] == "S256" and len(asked["code_challenge"]) == 43
    assert asked["state"] and asked["nonce"] and asked["state"] != asked["nonce"]
    assert asked["redirect_uri"] == "http://127.0.0.1/auth/callback"
    assert signed_in.status_code == 303 and signed_in.headers["location"] == "/concerns/mine"
    assert page.status_code == 200 and "My concerns" in page.text
    forwarded = provider.bearer_tokens[-1].removeprefix("Bearer ")
    assert forwarded.count(".") == 2 and forwarded != ""
    assert "lead-7" in page.text  # who is signed in comes from the verified token


async def test_a_callback_with_another_state_is_refused(provider):
    async with web_client() as web:
        start = await web.get("/sign-in")
        async with httpx.AsyncClient() as browser:
            back = await browser.get(start.headers["location"])
        query = parse_qs(urlparse(back.headers["location"]).query)
        refused = await web.get(f"/auth/callback?code={query['code'][0]}&state=forged")
        still_out = await web.get("/concerns/mine")

    assert refused.status_code == 403
    assert "You could not be signed in" in refused.text
    assert still_out.status_code == 303


async def test_an_id_token_for_another_nonce_is_refused(provider):
    provider.nonce_override = "replayed-nonce"
    async with web_client() as web:
        refused = await _sign_in(web, provider)
    assert refused.status_code == 403
    assert "ID token is not valid" in refused.text


async def test_an_account_without_a_harbour_role_cannot_sign_in(provider):
    provider.claims = {"sub": "visitor-1", "school_id": "oak"}
    async with web_client() as web:
        refused = await _sign_in(web, provider)
    assert refused.status_code == 403
    assert "cannot use Harbour" in refused.text


async def test_a_dsl_who_signed_in_without_a_second_factor_is_told_mfa_is_required(provider):
    provider.claims = {**LEAD, "amr": ["pwd"]}
    async with web_client() as web:
        refused = await _sign_in(web, provider)
    assert refused.status_code == 403
    assert "MFA is required" in refused.text


async def test_with_an_mfa_acr_configured_the_provider_is_asked_for_it_and_it_counts(
    provider, monkeypatch
):
    monkeypatch.setenv(
        "HARBOUR_MFA_ACR", "http://schemas.openid.net/pape/policies/2007/06/multi-factor"
    )
    provider.claims = {
        **{k: v for k, v in LEAD.items() if k != "amr"},
        "acr": "http://schemas.openid.net/pape/policies/2007/06/multi-factor",
    }
    async with web_client() as web:
        signed_in = await _sign_in(web, provider)
        page = await web.get("/concerns/mine")
    assert signed_in.status_code == 303, signed_in.text
    assert page.status_code == 200
    assert provider.authorize_requests[-1]["acr_values"] == provider.claims["acr"]
