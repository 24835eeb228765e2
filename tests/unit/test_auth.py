"""Tokens: signature, audience, issuer, expiry and the claims that scope a user."""

import base64
import hashlib
import hmac
import json
import time

import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from services.common.auth import AuthError, MfaPolicy, MfaRequired, TokenVerifier
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


# -- what an attacker might send -----------------------------------------------------------


def _claims(**overrides) -> dict:
    now = int(time.time())
    claims = {
        "sub": "u1",
        "roles": ["dsl"],
        "school_id": "oak",
        "aud": "harbour",
        "iss": "harbour-dev",
        "iat": now,
        "exp": now + 60,
        "amr": ["pwd", "mfa"],
    }
    claims.update(overrides)
    return {k: v for k, v in claims.items() if v is not None}


def _unsigned(claims: dict) -> str:
    """`alg: none`: a header and claims with an empty signature."""

    def part(value: dict) -> str:
        return base64.urlsafe_b64encode(json.dumps(value).encode()).rstrip(b"=").decode()

    return f"{part({'alg': 'none', 'typ': 'JWT'})}.{part(claims)}."


def _hs256_with_the_public_key(claims: dict) -> str:
    """The classic confusion attack: HMAC "signed" with the RS256 public key as the secret
    (built by hand: PyJWT itself refuses to use a PEM key as an HMAC secret)."""
    header = base64.urlsafe_b64encode(b'{"alg":"HS256","typ":"JWT"}').rstrip(b"=")
    body = base64.urlsafe_b64encode(json.dumps(claims).encode()).rstrip(b"=")
    signed = header + b"." + body
    mac = hmac.new(PUBLIC.encode(), signed, hashlib.sha256).digest()
    return (signed + b"." + base64.urlsafe_b64encode(mac).rstrip(b"=")).decode()


OTHER_KEY = rsa.generate_private_key(public_exponent=65537, key_size=2048)
LATER = int(time.time()) + 3600

ATTACKS = {
    "bad signature": lambda: jwt.encode(_claims(), OTHER_KEY, algorithm="RS256"),
    "alg none": lambda: _unsigned(_claims()),
    "HS256 with the public key": lambda: _hs256_with_the_public_key(_claims()),
    "expired": lambda: jwt.encode(_claims(exp=int(time.time()) - 120), KEY, algorithm="RS256"),
    "not yet valid (nbf)": lambda: jwt.encode(_claims(nbf=LATER), KEY, algorithm="RS256"),
    "issued in the future (iat)": lambda: jwt.encode(_claims(iat=LATER), KEY, algorithm="RS256"),
    "no iat": lambda: jwt.encode(
        {k: v for k, v in _claims().items() if k != "iat"}, KEY, algorithm="RS256"
    ),
    "wrong audience": lambda: jwt.encode(_claims(aud="another-app"), KEY, algorithm="RS256"),
    "wrong issuer": lambda: jwt.encode(_claims(iss="evil"), KEY, algorithm="RS256"),
    "missing role": lambda: jwt.encode(_claims(roles=None), KEY, algorithm="RS256"),
    "empty roles": lambda: jwt.encode(_claims(roles=[]), KEY, algorithm="RS256"),
    "unknown role": lambda: jwt.encode(_claims(roles=["superuser"]), KEY, algorithm="RS256"),
    "roles not a list": lambda: jwt.encode(_claims(roles="dsl"), KEY, algorithm="RS256"),
    "garbage": lambda: "not.a.token",
}


@pytest.mark.parametrize("make", ATTACKS.values(), ids=ATTACKS.keys())
def test_a_forged_or_unusable_token_is_refused(make):
    with pytest.raises(AuthError):
        verifier().verify(make())


def test_the_clock_skew_leeway_accepts_a_token_issued_a_moment_ahead():
    skewed = jwt.encode(_claims(iat=int(time.time()) + 10), KEY, algorithm="RS256")
    lenient = TokenVerifier(
        audience="harbour", issuer="harbour-dev", public_key=PUBLIC, leeway_seconds=30
    )

    assert lenient.verify(skewed).user_id == "u1"


# -- MFA for safeguarding roles --------------------------------------------------------------

MFA = MfaPolicy(required=True, acr="urn:harbour:mfa")
SAFEGUARDING = ["dsl", "deputy_dsl", "headteacher", "chair_of_governors", "admin"]


def mfa_verifier(policy: MfaPolicy = MFA) -> TokenVerifier:
    return TokenVerifier(audience="harbour", issuer="harbour-dev", public_key=PUBLIC, mfa=policy)


@pytest.mark.parametrize("role", SAFEGUARDING)
def test_a_safeguarding_role_without_mfa_is_refused_saying_so(role):
    signed = jwt.encode(_claims(roles=[role], amr=["pwd"]), KEY, algorithm="RS256")

    with pytest.raises(MfaRequired, match="MFA is required"):
        mfa_verifier().verify(signed)


def test_a_trust_safeguarding_lead_without_mfa_is_refused():
    claims = _claims(roles=["trust_safeguarding_lead"], school_id=None, trust_id="t1", amr=None)

    with pytest.raises(MfaRequired, match="MFA is required"):
        mfa_verifier().verify(jwt.encode(claims, KEY, algorithm="RS256"))


@pytest.mark.parametrize("role", SAFEGUARDING)
def test_a_safeguarding_role_with_mfa_in_amr_is_accepted(role):
    signed = jwt.encode(_claims(roles=[role], amr=["pwd", "mfa"]), KEY, algorithm="RS256")

    assert mfa_verifier().verify(signed).roles == {role}


def test_the_configured_acr_counts_as_mfa_and_another_does_not():
    good = jwt.encode(_claims(amr=None, acr="urn:harbour:mfa"), KEY, algorithm="RS256")
    weak = jwt.encode(_claims(amr=None, acr="urn:harbour:password"), KEY, algorithm="RS256")

    assert mfa_verifier().verify(good).user_id == "u1"
    with pytest.raises(MfaRequired):
        mfa_verifier().verify(weak)


def test_staff_need_no_mfa_but_staff_who_are_also_dsl_do():
    staff = jwt.encode(_claims(roles=["staff"], amr=["pwd"]), KEY, algorithm="RS256")
    both = jwt.encode(_claims(roles=["staff", "dsl"], amr=["pwd"]), KEY, algorithm="RS256")

    assert mfa_verifier().verify(staff).roles == {"staff"}
    with pytest.raises(MfaRequired):
        mfa_verifier().verify(both)


def test_with_mfa_not_required_a_password_sign_in_is_enough():
    signed = jwt.encode(_claims(amr=["pwd"]), KEY, algorithm="RS256")

    assert mfa_verifier(MfaPolicy(required=False)).verify(signed).user_id == "u1"
