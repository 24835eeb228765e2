"""The transfer bundle: how a child's file leaves this deployment, and how one from
another is checked before anything is created from it.

A ZIP of three members:

- `file.json`: the file as JSON (RFC 8785 bytes): the child, where it came from, and every
  chain it holds, entry by entry, with the school's own chain's head;
- `file.pdf`: the same file for people to read;
- `signature.json`: a detached Ed25519 signature by the sending deployment's key over a
  statement of the other two members' SHA-256 digests (`statement`, RFC 8785 bytes), and
  the public key it verifies with (also served at /.well-known/harbour-transfer-key).

Checking a bundle names what failed: a member missing or altered, a signature that does
not verify (or by a key other than the one the receiver trusts), a chain that does not
verify. One altered byte anywhere is caught by one of them. Pure code (no I/O).
"""

from __future__ import annotations

import base64
import hashlib
import io
import json
import zipfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from services.records.domain.chain import Entry, Head, canonical, sha256_hex
from services.records.domain.child_file import LOCAL, FileVerdict, verify_file

FORMAT = "harbour.child-protection-file/1"
MEMBERS = ("file.json", "file.pdf", "signature.json")
MAX_BUNDLE_BYTES = 200 * 1024 * 1024


class TransferKeys:
    """This deployment's signing key, and the secret the one-time links derive from."""

    def __init__(self, private_key: Ed25519PrivateKey) -> None:
        self.private_key = private_key
        raw = private_key.private_bytes(
            serialization.Encoding.Raw,
            serialization.PrivateFormat.Raw,
            serialization.NoEncryption(),
        )
        self.link_secret = hashlib.sha256(b"harbour transfer links\x00" + raw).digest()

    @classmethod
    def from_pem(cls, pem: bytes) -> TransferKeys:
        key = serialization.load_pem_private_key(pem, password=None)
        if not isinstance(key, Ed25519PrivateKey):
            raise ValueError("the transfer signing key must be an Ed25519 key")
        return cls(key)

    @property
    def public_raw(self) -> bytes:
        return self.private_key.public_key().public_bytes(
            serialization.Encoding.Raw, serialization.PublicFormat.Raw
        )

    @property
    def key_id(self) -> str:
        return key_id(self.public_raw)

    def public_view(self) -> dict[str, str]:
        pem = self.private_key.public_key().public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
        )
        return {
            "alg": "Ed25519",
            "key_id": self.key_id,
            "public_key": base64.b64encode(self.public_raw).decode("ascii"),
            "pem": pem.decode("ascii"),
        }


def key_id(public_raw: bytes) -> str:
    """A short fingerprint people can read to each other: SHA-256 of the raw key."""
    return hashlib.sha256(public_raw).hexdigest()[:16]


def public_key_from(text: str) -> bytes:
    """A public key given as PEM or as base64 of the 32 raw bytes."""
    text = text.strip()
    if text.startswith("-----BEGIN"):
        key = serialization.load_pem_public_key(text.encode("ascii"))
        if not isinstance(key, Ed25519PublicKey):
            raise ValueError("not an Ed25519 public key")
        return key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    raw = base64.b64decode(text, validate=True)
    if len(raw) != 32:
        raise ValueError("an Ed25519 public key is 32 bytes")
    return raw


def file_document(
    *,
    transfer_id: str,
    exported_at: str,
    origin: Mapping[str, Any],
    child: Mapping[str, Any],
    chains: Mapping[str, Sequence[Entry]],
    head: Head,
) -> bytes:
    """`file.json`: everything needed to rebuild and re-verify the file elsewhere."""
    return canonical(
        {
            "format": FORMAT,
            "transfer_id": transfer_id,
            "exported_at": exported_at,
            "from": dict(origin),
            "child": dict(child),
            "head": {"seq": head.seq, "hash": head.hash},
            "chains": {name: list(entries) for name, entries in chains.items()},
        }
    )


def statement(file_json: bytes, file_pdf: bytes, signer: str) -> dict[str, Any]:
    return {
        "format": FORMAT,
        "signer": signer,
        "members": {"file.json": sha256_hex(file_json), "file.pdf": sha256_hex(file_pdf)},
    }


def build_bundle(file_json: bytes, file_pdf: bytes, keys: TransferKeys) -> bytes:
    said = statement(file_json, file_pdf, keys.key_id)
    signature = {
        "alg": "Ed25519",
        "statement": said,
        "signature": base64.b64encode(keys.private_key.sign(canonical(said))).decode("ascii"),
        "public_key": base64.b64encode(keys.public_raw).decode("ascii"),
    }
    signature_json = json.dumps(signature, indent=2, sort_keys=True).encode()
    return pack({"file.json": file_json, "file.pdf": file_pdf, "signature.json": signature_json})


def pack(members: Mapping[str, bytes]) -> bytes:
    """The one way the members are packed: stored (not compressed), in a fixed order, with
    fixed times and attributes. So the container itself is checked too: a bundle must be
    byte for byte the packing of its members, and a byte changed in a header is caught."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_STORED) as bundle:
        for name in MEMBERS:
            info = zipfile.ZipInfo(name, date_time=(2000, 1, 1, 0, 0, 0))
            info.create_system = 3
            info.external_attr = 0o644 << 16
            bundle.writestr(info, members[name])
    return out.getvalue()


@dataclass(frozen=True)
class BundleCheck:
    problems: list[str]
    file: dict[str, Any] = field(default_factory=dict)
    signer: str | None = None
    verdict: FileVerdict | None = None

    @property
    def ok(self) -> bool:
        return not self.problems


def check_bundle(data: bytes, trusted_key: bytes | None = None) -> BundleCheck:
    """Everything about a bundle that must hold before a file is created from it; the
    problems name what failed. Without a trusted key the bundle's own key is used, which
    proves the bundle is intact but not who sent it (compare `signer` with the sender's)."""
    if len(data) > MAX_BUNDLE_BYTES:
        return BundleCheck([f"the bundle is larger than {MAX_BUNDLE_BYTES} bytes"])
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as bundle:
            names = set(bundle.namelist())
            missing = [name for name in MEMBERS if name not in names]
            if missing:
                return BundleCheck([f"the bundle has no {', '.join(missing)}"])
            members = {name: bundle.read(name) for name in MEMBERS}
    except Exception as exc:  # a damaged archive fails in many ways (EOF, CRC, headers)
        if isinstance(exc, zipfile.BadZipFile) and "CRC" in str(exc):
            return BundleCheck([f"the bundle was altered: {exc}"])  # names the member
        return BundleCheck([f"the bundle is not a readable ZIP file ({type(exc).__name__})"])
    problems, signer = _signature_problems(members, trusted_key)
    if problems:
        return BundleCheck(problems, signer=signer)
    if pack(members) != data:
        return BundleCheck(
            ["the ZIP container was altered (its members are intact)"], signer=signer
        )
    try:
        document = json.loads(members["file.json"])
        chains = {name: list(entries) for name, entries in document["chains"].items()}
        head = Head(int(document["head"]["seq"]), str(document["head"]["hash"]))
    except (ValueError, KeyError, TypeError, AttributeError):
        return BundleCheck(["file.json is not a child protection file"], signer=signer)
    if document.get("format") != FORMAT or LOCAL not in chains:
        return BundleCheck([f"file.json is not in the format {FORMAT}"], signer=signer)
    verdict = verify_file(chains, head)
    if not verdict.valid:
        problem = (
            f"the file's chain {verdict.chain} does not verify at entry "
            f"{verdict.first_bad_seq}: {verdict.problem}"
        )
        return BundleCheck([problem], document, signer, verdict)
    return BundleCheck([], document, signer, verdict)


def _signature_problems(
    members: Mapping[str, bytes], trusted_key: bytes | None
) -> tuple[list[str], str | None]:
    try:
        signature = json.loads(members["signature.json"])
        said = signature["statement"]
        signed = base64.b64decode(signature["signature"], validate=True)
        public_raw = base64.b64decode(signature["public_key"], validate=True)
    except (ValueError, KeyError, TypeError):
        return ["signature.json is not a signature this format knows"], None
    signer = key_id(public_raw)
    problems = []
    if trusted_key is not None and public_raw != trusted_key:
        problems.append(f"the bundle is signed by key {signer}, not by the key you trust")
    try:
        Ed25519PublicKey.from_public_bytes(public_raw).verify(signed, canonical(said))
    except (InvalidSignature, ValueError, TypeError):
        problems.append("the signature does not verify: signature.json was altered or forged")
    members_said = said.get("members", {}) if isinstance(said, dict) else {}
    for name in ("file.json", "file.pdf"):
        if members_said.get(name) != sha256_hex(members[name]):
            problems.append(f"{name} is not the one that was signed (it was altered)")
    return problems, signer
