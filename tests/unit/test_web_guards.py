"""The web pages' own guards, in-process (the four services are not reached): the dev
sign-in's MFA choice, write budgets answered with a page, the body bound, HSTS, and the
browser's address passed on to the services."""

from __future__ import annotations

import re

import httpx
import jwt
import pytest
from cryptography.fernet import Fernet

from services.web.clients.base import BROWSER_ADDRESS, ServiceClient
from services.web.main import build_app
from services.web.settings import WebSettings
from tests.support.api import ROOT

NOWHERE = "http://127.0.0.1:9"


def web(monkeypatch: pytest.MonkeyPatch, **env: str) -> httpx.AsyncClient:
    settings = {
        "HARBOUR_DEV_LOGIN": "true",
        "HARBOUR_DATA_DIR": str(ROOT / ".data"),
        "HARBOUR_WEB_SESSION_KEY": Fernet.generate_key().decode(),
        "HARBOUR_REQUIRE_MFA": "true",
        **{f"HARBOUR_{s}_URL": NOWHERE for s in ("INTAKE", "CASE", "NOTIFICATION", "RECORDS")},
        **env,
    }
    for name, value in settings.items():
        monkeypatch.setenv(name, value)
    app = build_app(WebSettings())
    return httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app, client=("203.0.113.7", 5000)),
        base_url="http://127.0.0.1",
    )


async def csrf(http: httpx.AsyncClient, path: str = "/dev/sign-in") -> str:
    page = await http.get(path)
    found = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
    assert found, page.text
    return found.group(1)


async def sign_in(http: httpx.AsyncClient, role: str, *, mfa: bool, **where: str) -> httpx.Response:
    form = {"csrf_token": await csrf(http), "user_id": "u-1", "role": role, "next": "/"}
    form |= {"school_id": where.get("school", "oak"), "trust_id": where.get("trust", "")}
    if mfa:
        form["mfa"] = "yes"
    return await http.post("/dev/sign-in", data=form)


async def test_a_dsl_signing_in_without_mfa_is_asked_for_it(monkeypatch):
    async with web(monkeypatch) as http:
        refused = await sign_in(http, "dsl", mfa=False)
        accepted = await sign_in(http, "dsl", mfa=True)

    assert refused.status_code == 400
    assert "This role needs multi-factor authentication" in refused.text
    assert accepted.status_code == 303


async def test_staff_need_no_mfa_and_mfa_off_lets_anyone_in(monkeypatch):
    async with web(monkeypatch) as http:
        staff = await sign_in(http, "staff", mfa=False)
    async with web(monkeypatch, HARBOUR_REQUIRE_MFA="false") as http:
        dsl = await sign_in(http, "dsl", mfa=False)
        page = await http.get("/dev/sign-in")

    assert staff.status_code == 303 and dsl.status_code == 303
    assert "Not required on this installation" in page.text


def test_the_dev_token_says_how_the_user_signed_in(monkeypatch):
    monkeypatch.setenv("HARBOUR_DATA_DIR", str(ROOT / ".data"))
    from services.web.dev_login import DevLogin

    login = DevLogin.from_settings(WebSettings(HARBOUR_DEV_LOGIN=True))
    token, _ = login.sign_in(user="u-1", roles=["dsl"], school_id="oak", trust_id=None, mfa=True)

    assert jwt.decode(token, options={"verify_signature": False})["amr"] == ["pwd", "mfa"]


async def test_a_spent_address_budget_is_answered_with_a_page_saying_when_to_try_again(
    monkeypatch,
):
    async with web(
        monkeypatch,
        HARBOUR_RATE_LIMIT_ADDRESS_BURST="1",
        HARBOUR_RATE_LIMIT_ADDRESS_PER_MINUTE="1",
    ) as http:
        first = await sign_in(http, "staff", mfa=False)
        second = await http.post("/settings/staff", data={"csrf_token": "x"})

    assert first.status_code == 303
    assert second.status_code == 429
    assert int(second.headers["retry-after"]) >= 1
    assert "Too many changes at once" in second.text
    assert second.headers["content-security-policy"].startswith("default-src 'self'")


async def test_a_signed_in_user_who_has_spent_their_writes_gets_the_same_page(monkeypatch):
    async with web(
        monkeypatch, HARBOUR_RATE_LIMIT_USER_BURST="1", HARBOUR_RATE_LIMIT_USER_PER_MINUTE="1"
    ) as http:
        await sign_in(http, "admin", mfa=True, trust="oak-trust")
        token = await csrf(http, "/dev/sign-in")
        # The first form post spends the one write (and fails at the unreachable service).
        await http.post("/settings/rota", data={"csrf_token": token, "step_minutes": "x"})
        refused = await http.post("/settings/rota", data={"csrf_token": token})

    assert refused.status_code == 429
    assert "Too many changes at once" in refused.text


async def test_a_form_post_over_the_body_bound_is_refused(monkeypatch):
    async with web(monkeypatch, HARBOUR_WEB_MAX_BODY_BYTES="65536") as http:
        too_big = await http.post("/dev/sign-in", data={"user_id": "x" * 70_000})

    assert too_big.status_code == 413


async def test_hsts_behind_tls(monkeypatch):
    async with web(monkeypatch, HARBOUR_BEHIND_TLS="true") as http:
        page = await http.get("/dev/sign-in")
    async with web(monkeypatch, HARBOUR_BEHIND_TLS="false") as http:
        plain = await http.get("/dev/sign-in")

    assert page.headers["strict-transport-security"].startswith("max-age=31536000")
    assert "strict-transport-security" not in plain.headers


async def test_backend_calls_carry_the_browsers_address():
    seen: list[str | None] = []

    def backend(request: httpx.Request) -> httpx.Response:
        seen.append(request.headers.get("x-forwarded-for"))
        return httpx.Response(200, json={})

    async with httpx.AsyncClient(transport=httpx.MockTransport(backend)) as http:
        client = ServiceClient(http, "http://intake")
        await client.call("GET", "/v1/schools", "t")
        marker = BROWSER_ADDRESS.set("203.0.113.7")
        try:
            await client.call("GET", "/v1/schools", "t")
        finally:
            BROWSER_ADDRESS.reset(marker)

    assert seen == [None, "203.0.113.7"]
