"""The local keys (the token key pair, the key that seals stored secrets) and the token
minting used by `harbour dev-keys` and `harbour dev-token` (never in production)."""

from __future__ import annotations

import fcntl
import time
from pathlib import Path

import jwt
from cryptography.fernet import Fernet
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ed25519, rsa

from services.common.field_cipher import DATA_KEYS_NAME, new_kek

PRIVATE_NAME = "jwt-private.pem"
PUBLIC_NAME = "jwt-public.pem"
SECRETS_KEY_NAME = "secrets.key"
TRANSFER_SIGNING_KEY_NAME = "transfer-signing.pem"


def ensure_key_pair(keys_dir: Path) -> tuple[Path, Path]:
    """Create the RS256 key pair on first use; later calls reuse it."""
    private_path, public_path = keys_dir / PRIVATE_NAME, keys_dir / PUBLIC_NAME
    keys_dir.mkdir(parents=True, exist_ok=True)
    # A lock, because `make up` and a first `harbour dev-token` may race to create the pair.
    with (keys_dir / ".lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not (private_path.is_file() and public_path.is_file()):
            _write_pair(private_path, public_path)
    return private_path, public_path


def ensure_secrets_key(keys_dir: Path) -> Path:
    """Create the local key that seals stored secrets (a Fernet key) on first use."""
    path = keys_dir / SECRETS_KEY_NAME
    keys_dir.mkdir(parents=True, exist_ok=True)
    with (keys_dir / ".lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not path.is_file():
            path.touch(mode=0o600)
            path.write_bytes(Fernet.generate_key() + b"\n")
    return path


def ensure_transfer_signing_key(keys_dir: Path) -> Path:
    """Create the local Ed25519 key that signs transfer bundles (PEM) on first use."""
    path = keys_dir / TRANSFER_SIGNING_KEY_NAME
    keys_dir.mkdir(parents=True, exist_ok=True)
    with (keys_dir / ".lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not path.is_file():
            key = ed25519.Ed25519PrivateKey.generate()
            path.touch(mode=0o600)
            path.write_bytes(
                key.private_bytes(
                    serialization.Encoding.PEM,
                    serialization.PrivateFormat.PKCS8,
                    serialization.NoEncryption(),
                )
            )
    return path


def ensure_data_keys(keys_dir: Path) -> Path:
    """Create the local key-encryption key for data at rest (HARBOUR_DATA_KEYS) on first use."""
    path = keys_dir / DATA_KEYS_NAME
    keys_dir.mkdir(parents=True, exist_ok=True)
    with (keys_dir / ".lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not path.is_file():
            path.touch(mode=0o600)
            path.write_text(new_kek() + "\n", encoding="ascii")
    return path


def _write_pair(private_path: Path, public_path: Path) -> None:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    private_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    private_path.chmod(0o600)
    public_path.write_bytes(
        key.public_key().public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
        )
    )


def mint_token(
    private_key_pem: bytes,
    *,
    user: str,
    roles: list[str],
    school_id: str | None,
    trust_id: str | None,
    audience: str,
    issuer: str,
    ttl_seconds: int,
    now: float | None = None,
    amr: list[str] | None = None,
) -> str:
    """`amr`: how the user signed in, as an identity provider says it (["pwd", "mfa"])."""
    issued = int(now if now is not None else time.time())
    claims: dict[str, object] = {
        "sub": user,
        "roles": roles,
        "aud": audience,
        "iss": issuer,
        "iat": issued,
        "exp": issued + ttl_seconds,
    }
    if school_id:
        claims["school_id"] = school_id
    if trust_id:
        claims["trust_id"] = trust_id
    if amr:
        claims["amr"] = amr
    return jwt.encode(claims, private_key_pem, algorithm="RS256")
