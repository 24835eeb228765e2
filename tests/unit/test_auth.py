"""Tokens: signature, audience, issuer, expiry and the claims that scope a user."""

import time

import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from services.common.auth import AuthError, TokenVerifier
from services.common.dev_keys import mint_token

KEY = rsa.generate_private_key(public_exponent=65537, key_size=2048)
PRIVATE = KEY.private_bytes(
    serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
)
PUBLIC = (
    KEY.public_key()
    .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
    .decode()
)


def verifier() -> TokenVerifier:
    return TokenVerifier(audience="harbour", issuer="harbour-dev", public_key=PUBLIC)


def token(**overrides) -> str:
    args = dict(
        user="u1",
        roles=["dsl"],
        school_id="oak",
        trust_id=None,
        audience="harbour",
        issuer="harbour-dev",
        ttl_seconds=60,
    )
    args.update(overrides)
    return mint_token(PRIVATE, **args)


def test_a_valid_token_names_the_user_their_roles_and_school():
    principal = verifier().verify(token())

    assert (principal.user_id, principal.school_id, sorted(principal.roles)) == (
        "u1",
        "oak",
        ["dsl"],
    )


@pytest.mark.parametrize(
    "bad",
    [
        {"audience": "someone-else"},
        {"issuer": "evil"},
        {"ttl_seconds": -10},
        {"roles": ["superuser"]},
        {"roles": []},
        {"school_id": None},  # a school role without a school
    ],
    ids=["audience", "issuer", "expired", "unknown role", "no roles", "no school"],
)
def test_a_bad_token_is_refused(bad):
    with pytest.raises(AuthError):
        verifier().verify(token(**bad))


def test_a_trust_lead_has_a_trust_and_no_school():
    principal = verifier().verify(
        token(roles=["trust_safeguarding_lead"], school_id=None, trust_id="t1")
    )

    assert principal.trust_wide
    assert principal.tenant_filter() == {"trust_id": "t1"}
    assert principal.tenant_filter("s9") == {"trust_id": "t1", "school_id": "s9"}


def test_a_school_user_cannot_widen_their_scope():
    principal = verifier().verify(token())

    assert principal.tenant_filter() == {"school_id": "oak"}
    assert principal.tenant_filter("elm") is None


def test_a_cached_token_still_expires():
    check = verifier()
    short = mint_token(
        PRIVATE,
        user="u1",
        roles=["dsl"],
        school_id="oak",
        trust_id=None,
        audience="harbour",
        issuer="harbour-dev",
        ttl_seconds=2,  # `exp` is whole seconds: 1 could already have passed
    )

    assert check.verify(short).user_id == "u1"
    expires = jwt.decode(short, options={"verify_signature": False})["exp"]
    time.sleep(max(0.0, expires - time.time()) + 0.1)
    with pytest.raises(AuthError):
        check.verify(short)
