"""What guards every endpoint of the four APIs, present and future (the routes are read from
each app): a token that is forged or unusable answers 401, a safeguarding role without MFA
401 saying so, spent write budgets 429 with Retry-After, a JSON body nested too deep 422,
and every answer carries the security headers."""

from __future__ import annotations

import base64
import json
import time

import httpx
import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa

from services.common.security_headers import HSTS
from tests.support.api import bearer, token
from tests.unit.service_apps import API_SERVICES, Operation, build, operations, request_args

SECURITY_HEADERS = {
    "x-content-type-options": "nosniff",
    "referrer-policy": "no-referrer",
    "cache-control": "no-store",
    "x-frame-options": "DENY",
}


def client(app) -> httpx.AsyncClient:
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://test")


def _forged() -> dict[str, str]:
    """A token for an admin of school "oak", each one refused for its own reason."""
    now = int(time.time())
    claims = {"sub": "u1", "roles": ["admin"], "school_id": "oak", "aud": "harbour"}
    claims |= {"iss": "harbour-dev", "iat": now, "exp": now + 600, "amr": ["mfa"]}
    header = base64.urlsafe_b64encode(b'{"alg":"none","typ":"JWT"}').rstrip(b"=").decode()
    body = base64.urlsafe_b64encode(json.dumps(claims).encode()).rstrip(b"=").decode()
    stranger = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    return {
        "no token": "",
        "alg none": f"{header}.{body}.",
        "another key": jwt.encode(claims, stranger, algorithm="RS256"),
        "expired": token("u1", "admin", school="oak", now=now - 7200, ttl=60),
    }


@pytest.mark.parametrize("service", API_SERVICES)
async def test_every_endpoint_refuses_a_forged_or_missing_token(service, monkeypatch):
    app = build(service, monkeypatch)
    refused: list[str] = []
    checked = 0
    async with client(app) as http:
        for op in operations(service, app):
            if not op.takes_bearer:
                continue
            for why, forged in _forged().items():
                headers = bearer(forged) if forged else {}
                answer = await http.request(op.method, op.path, headers=headers, **request_args(op))
                checked += 1
                if answer.status_code != 401 or "Bearer" not in answer.headers["www-authenticate"]:
                    refused.append(f"{op} with {why}: {answer.status_code}")
    assert checked >= 4 and refused == []


@pytest.mark.parametrize("service", API_SERVICES)
@pytest.mark.parametrize(
    "role",
    ["dsl", "deputy_dsl", "headteacher", "chair_of_governors", "trust_safeguarding_lead", "admin"],
)
async def test_every_endpoint_refuses_a_safeguarding_role_without_mfa(service, role, monkeypatch):
    app = build(service, monkeypatch)
    school = None if role == "trust_safeguarding_lead" else "oak"
    weak = bearer(token("u1", role, school=school, trust="oak-trust", mfa=False))
    wrong: list[str] = []
    async with client(app) as http:
        for op in operations(service, app):
            if op.takes_bearer:
                answer = await http.request(op.method, op.path, headers=weak, **request_args(op))
                if answer.status_code != 401 or "MFA is required" not in answer.text:
                    wrong.append(f"{op}: {answer.status_code}")
                elif "insufficient_user_authentication" not in answer.headers["www-authenticate"]:
                    wrong.append(f"{op}: no step-up challenge")
    assert wrong == []


async def test_every_write_endpoint_answers_429_once_the_address_has_spent_its_writes(
    monkeypatch,
):
    wrong: list[str] = []
    counted = 0
    for service in API_SERVICES:
        app = build(
            service,
            monkeypatch,
            HARBOUR_RATE_LIMIT_ADDRESS_BURST="1",
            HARBOUR_RATE_LIMIT_ADDRESS_PER_MINUTE="1",
        )
        async with client(app) as http:
            spent = await http.post("/v1/anything", json={})  # the address's one write
            for op in (op for op in operations(service, app) if op.writes):
                answer = await http.request(op.method, op.path, json={})
                counted += 1
                if answer.status_code != 429 or int(answer.headers["retry-after"]) < 1:
                    wrong.append(f"{op}: {answer.status_code}")
            read = await http.get("/healthz")
        assert spent.status_code == 404 and read.status_code == 200  # reads are not counted
    assert counted >= 10 and wrong == []


async def test_every_write_endpoint_answers_429_once_the_user_has_spent_their_writes(
    monkeypatch,
):
    admin = bearer(token("admin-1", "admin", school="oak", trust="oak-trust"))
    other = bearer(token("admin-2", "admin", school="oak", trust="oak-trust"))
    wrong: list[str] = []
    counted = 0
    for service in API_SERVICES:
        app = build(
            service,
            monkeypatch,
            HARBOUR_RATE_LIMIT_USER_BURST="1",
            HARBOUR_RATE_LIMIT_USER_PER_MINUTE="1",
        )
        app.state.write_limits.users.take("user:oak-trust/oak/admin-1")  # the one write, spent
        writes = [op for op in operations(service, app) if op.writes and op.takes_bearer]
        async with client(app) as http:
            for op in writes:
                answer = await http.request(op.method, op.path, headers=admin, json={})
                counted += 1
                if answer.status_code != 429 or "from this account" not in answer.text:
                    wrong.append(f"{op}: {answer.status_code}")
            # Someone else's writes are their own: refused only for the empty body.
            with_body = [op for op in writes if "requestBody" in op.spec]
            for op in with_body[:1]:
                answer = await http.request(op.method, op.path, headers=other, json={"x": 1})
                if answer.status_code != 422:
                    wrong.append(f"{op} as someone else: {answer.status_code}")
    assert counted >= 10 and wrong == []


def test_the_only_writes_without_a_bearer_token_are_the_signed_police_endpoints(monkeypatch):
    """A new write endpoint without the principal dependency would escape the per-user
    limit and authentication: it must be added here on purpose, with its reason. Besides
    the police's signed endpoints, the one-time transfer link's calls: a receiving DSL
    outside Harbour has no account; the link's token and a separately told access code
    (five wrong tries lock it) stand in for one, and the per-address limit still counts."""
    unauthenticated = set()
    for service in API_SERVICES:
        app = build(service, monkeypatch)
        for op in operations(service, app):
            if op.writes and not op.takes_bearer:
                unauthenticated.add((op.method, op.template))
    assert unauthenticated == {
        ("POST", "/v1/encompass/notifications"),
        ("POST", "/v1/encompass/batches"),
        ("POST", "/v1/transfer-links/{token}/open"),
        ("POST", "/v1/transfer-links/{token}/bundle"),
        ("POST", "/v1/transfer-links/{token}/receipt"),
    }


async def test_a_json_body_nested_too_deeply_is_refused_naming_the_body(monkeypatch):
    json_body = {"Content-Type": "application/json"}
    deep = "[" * 40 + "]" * 40
    answers: dict[str, httpx.Response] = {}
    for service in API_SERVICES:
        app = build(service, monkeypatch)
        async with client(app) as http:
            for op in (op for op in operations(service, app) if op.writes):
                answers[str(op)] = await http.request(
                    op.method, op.path, content=deep, headers=json_body
                )
            shallow = await http.post("/v1/anything", content="[[[]]]", headers=json_body)
        assert shallow.status_code == 404  # passed on: 32 levels is plenty for real bodies
    wrong = [f"{op}: {a.status_code}" for op, a in answers.items() if a.status_code != 422]
    assert len(answers) >= 10 and wrong == []
    body = next(iter(answers.values())).json()
    assert body["detail"][0]["field"] == "body"
    assert "nested deeper than 32 levels" in body["message"]


@pytest.mark.parametrize("service", API_SERVICES)
async def test_every_answer_carries_the_security_headers(service, monkeypatch):
    app = build(service, monkeypatch, HARBOUR_MAX_BODY_BYTES="1024")
    answers: dict[str, httpx.Response] = {}
    async with client(app) as http:
        for op in operations(service, app):
            if op.template != "/readyz":  # would wait for the store
                answers[str(op)] = await http.request(op.method, op.path, **request_args(op))
        answers["unknown path"] = await http.get("/no-such-page")
        answers["too large"] = await http.post("/v1/anything", content=b"x" * 2048)
    missing = [
        f"{what}: {name}"
        for what, answer in answers.items()
        for name, value in SECURITY_HEADERS.items()
        if answer.headers.get(name) != value
    ]
    assert missing == []
    assert all("strict-transport-security" not in a.headers for a in answers.values())
    assert (
        answers["unknown path"].headers["content-security-policy"].startswith("default-src 'none'")
    )


async def test_hsts_when_the_request_came_over_tls_or_the_deployment_says_so(monkeypatch):
    plain = build("case", monkeypatch)
    told = build("case", monkeypatch, HARBOUR_BEHIND_TLS="true")
    async with client(plain) as http:
        over_http = await http.get("/healthz")
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=plain), base_url="https://test"
    ) as http:
        over_https = await http.get("/healthz")
    async with client(told) as http:
        behind_tls = await http.get("/healthz")
    assert "strict-transport-security" not in over_http.headers
    assert over_https.headers["strict-transport-security"] == HSTS
    assert behind_tls.headers["strict-transport-security"] == HSTS


async def test_docs_can_be_turned_off_and_the_document_is_still_built_in_process(monkeypatch):
    app = build("records", monkeypatch, HARBOUR_API_DOCS="false")
    async with client(app) as http:
        pages = [await http.get(path) for path in ("/docs", "/redoc", "/openapi.json")]
    assert [p.status_code for p in pages] == [404, 404, 404]
    assert "/v1/admin-audit" in app.openapi()["paths"]


def test_operations_are_read_from_the_apps(monkeypatch):
    found = {str(op) for op in operations("records", build("records", monkeypatch))}
    assert "records GET /v1/admin-audit" in found
    assert isinstance(next(iter(operations("case", build("case", monkeypatch)))), Operation)
