"""Authentication against the running services: every kind of bad token is refused with 401
on each of the four APIs, and safeguarding roles need MFA while staff do not.

(tests/unit/test_request_guards.py proves the same for every operation in-process.)"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
from typing import Any

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa

from services.common.dev_keys import ensure_key_pair
from tests.support.api import ROOT, School, bearer, concern_body, token, unique

# One read per service that any safeguarding role may be asked about.
ENDPOINTS = {
    "intake": "/v1/schools",
    "case": "/v1/deadlines",
    "notification": "/v1/alerts",
    "records": "/v1/admin-audit",
}
PRIVATE = ensure_key_pair(ROOT / ".data" / "keys")[0].read_bytes()
PUBLIC = (ROOT / ".data" / "keys" / "jwt-public.pem").read_bytes()
STRANGER = rsa.generate_private_key(public_exponent=65537, key_size=2048)


def claims(**overrides: Any) -> dict[str, Any]:
    now = int(time.time())
    base = {
        "sub": "admin-1",
        "roles": ["admin"],
        "school_id": "oak",
        "trust_id": "oak-trust",
        "aud": "harbour",
        "iss": "harbour-dev",
        "iat": now,
        "exp": now + 600,
        "amr": ["pwd", "mfa"],
    }
    return {k: v for k, v in {**base, **overrides}.items() if v is not None}


def _b64(data: bytes) -> bytes:
    return base64.urlsafe_b64encode(data).rstrip(b"=")


def unsigned() -> str:
    return (
        _b64(b'{"alg":"none","typ":"JWT"}') + b"." + _b64(json.dumps(claims()).encode()) + b"."
    ).decode()


def hs256_with_public_key() -> str:
    signed = _b64(b'{"alg":"HS256","typ":"JWT"}') + b"." + _b64(json.dumps(claims()).encode())
    return (signed + b"." + _b64(hmac.new(PUBLIC, signed, hashlib.sha256).digest())).decode()


def signed(**overrides: Any) -> str:
    return jwt.encode(claims(**overrides), PRIVATE, algorithm="RS256")


LATER = int(time.time()) + 3600
BAD_TOKENS = {
    "bad signature": lambda: jwt.encode(claims(), STRANGER, algorithm="RS256"),
    "alg none": unsigned,
    "HS256 signed with the public key": hs256_with_public_key,
    "expired": lambda: signed(iat=int(time.time()) - 7200, exp=int(time.time()) - 3600),
    "not yet valid (nbf)": lambda: signed(nbf=LATER),
    "issued in the future (iat)": lambda: signed(iat=LATER, exp=LATER + 600),
    "wrong audience": lambda: signed(aud="another-service"),
    "wrong issuer": lambda: signed(iss="https://evil.example"),
    "missing role": lambda: signed(roles=None),
    "unknown role": lambda: signed(roles=["superuser"]),
}


@pytest.mark.parametrize("make", BAD_TOKENS.values(), ids=BAD_TOKENS.keys())
async def test_a_bad_token_is_refused_by_every_service(clients, make):
    forged = bearer(make())
    answers = {
        service: await getattr(clients, service).get(path, headers=forged)
        for service, path in ENDPOINTS.items()
    }

    assert {s: a.status_code for s, a in answers.items()} == dict.fromkeys(ENDPOINTS, 401)
    assert all(a.headers["www-authenticate"].startswith("Bearer") for a in answers.values())


def _role_token(role: str, school: School, *, mfa: bool) -> str:
    school_id = None if role == "trust_safeguarding_lead" else school.school_id
    return token("person-1", role, school=school_id, trust=school.trust_id, mfa=mfa)


SAFEGUARDING_ROLES = [
    "dsl",
    "deputy_dsl",
    "headteacher",
    "chair_of_governors",
    "trust_safeguarding_lead",
    "admin",
]


@pytest.mark.parametrize("role", SAFEGUARDING_ROLES)
async def test_a_safeguarding_role_without_mfa_is_told_mfa_is_required(clients, school, role):
    weak = bearer(_role_token(role, school, mfa=False))
    answers = {
        service: await getattr(clients, service).get(path, headers=weak)
        for service, path in ENDPOINTS.items()
    }

    assert {s: a.status_code for s, a in answers.items()} == dict.fromkeys(ENDPOINTS, 401)
    for answer in answers.values():
        assert answer.json()["detail"].startswith("MFA is required")
        assert "insufficient_user_authentication" in answer.headers["www-authenticate"]


@pytest.mark.parametrize("role", SAFEGUARDING_ROLES)
async def test_the_same_role_signed_in_with_mfa_is_let_in(clients, school, role):
    strong = bearer(_role_token(role, school, mfa=True))
    answers = {
        service: await getattr(clients, service).get(path, headers=strong)
        for service, path in ENDPOINTS.items()
    }

    assert all(a.status_code != 401 for a in answers.values()), {
        s: a.text for s, a in answers.items()
    }


async def test_staff_record_a_concern_without_mfa(clients, school):
    pupil = await school.add_pupil()
    staff = bearer(token("teacher-9", "staff", school=school.school_id, mfa=False))

    response = await clients.intake.post(
        "/v1/concerns",
        json=concern_body(school.school_id, pupil),
        headers={**staff, "Idempotency-Key": unique("key")},
    )

    assert response.status_code == 202, response.text
