"""`harbour dev-keys` and `harbour dev-token`: local identity for development and tests."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from contracts.vocabulary import Role
from services.common.auth import TRUST_ROLES
from services.common.dev_keys import (
    ensure_data_keys,
    ensure_key_pair,
    ensure_secrets_key,
    ensure_transfer_signing_key,
    mint_token,
)
from services.common.settings import CommonSettings


def register(commands: Any) -> None:
    keys = commands.add_parser(
        "dev-keys",
        help="create the local JWT key pair, secrets key, transfer signing key and data "
        "key-encryption key if missing",
    )
    keys.set_defaults(run=run_dev_keys)

    token = commands.add_parser("dev-token", help="print a signed token for the local services")
    token.add_argument("--user", required=True)
    token.add_argument("--school", help="school id (school roles)")
    token.add_argument("--trust", help="trust id (trust-wide roles and admins)")
    token.add_argument(
        "--role",
        action="append",
        required=True,
        choices=[r.value for r in Role],
        help="repeat for several roles",
    )
    token.add_argument("--ttl", type=int, default=8 * 3600, help="seconds (default 8 h)")
    token.add_argument(
        "--mfa",
        action="store_true",
        help='say the user signed in with MFA (amr: ["pwd", "mfa"]); safeguarding roles need '
        "it where HARBOUR_REQUIRE_MFA is on (make up turns it off)",
    )
    token.set_defaults(run=run_dev_token)


def run_dev_keys(_: argparse.Namespace) -> int:
    keys_dir = CommonSettings().data_dir / "keys"
    _private, public = ensure_key_pair(keys_dir)
    ensure_secrets_key(keys_dir)
    ensure_transfer_signing_key(keys_dir)
    ensure_data_keys(keys_dir)
    print(public)
    return 0


def run_dev_token(args: argparse.Namespace) -> int:
    roles = sorted(set(args.role))
    if not args.school and not args.trust:
        return _fail("give --school for school roles or --trust for trust-wide roles")
    if not args.school and not set(roles) <= TRUST_ROLES:
        return _fail("school roles need --school")
    settings = CommonSettings()
    private, _ = ensure_key_pair(settings.data_dir / "keys")
    print(
        mint_token(
            private.read_bytes(),
            user=args.user,
            roles=roles,
            school_id=args.school,
            trust_id=args.trust,
            audience=settings.jwt_audience,
            issuer=settings.jwt_issuer,
            ttl_seconds=args.ttl,
            amr=["pwd", "mfa"] if args.mfa else ["pwd"],
        )
    )
    return 0


def _fail(message: str) -> int:
    print(f"harbour dev-token: {message}", file=sys.stderr)
    return 2
