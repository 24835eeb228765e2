"""Encryption at rest of free text about children and adults (a stolen disk or backup of
the store reveals none of it).

- Each trust has one random 256-bit *data key* per service, kept in the service's own
  `data_keys` collection (`_id` = the trust's id) only *wrapped*: AES-256-GCM under a
  deployment *key-encryption key* (KEK) from `HARBOUR_DATA_KEYS` (comma-separated,
  newest first), which never enters the store.
- A value is sealed with AES-256-GCM under its trust's data key, with the trust's id and
  the key's id as associated data (a value copied into another trust's document does not
  open), and stored as `{"sealed": "v1", "key": <data key id>, "ct": <base64>}`. A plain
  string where a sealed value is expected is a value stored before encryption: it reads
  as it is (no migration needed), and is sealed the next time its document is written.
- Rotation: put a new KEK first in `HARBOUR_DATA_KEYS`; a data key wrapped by an older
  KEK is re-wrapped under the newest when first loaded (or all at once with `harbour
  data-keys rewrap`); the old KEK can go once nothing is wrapped by it.

Stores seal and open the fields of each document type in one place, through the ports:
`box = await cipher.for_trust(doc["trust_id"])`, then `box.seal_fields(doc, FIELDS)` and
`box.open_fields(doc, FIELDS)`. The outbox seals its event bodies the same way.
"""

from __future__ import annotations

import base64
import hashlib
import os
import uuid
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from pymongo.asynchronous.collection import AsyncCollection
from pymongo.errors import DuplicateKeyError

from contracts.envelope import utc_now

DATA_KEYS_NAME = "data.keys"  # the local KEK file `harbour dev-keys` writes
SEALED = "sealed"
VERSION = "v1"
NO_TRUST = "-"  # the key for documents that belong to no trust
_NONCE = 12


class Unreadable(Exception):
    """Sealed under a key this deployment no longer has, or altered."""


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text.encode("ascii"))


def kek_id(key: bytes) -> str:
    """A key-encryption key's id: stored with what it wraps, never the key itself."""
    return "kek-" + hashlib.sha256(b"harbour-kek-id:" + key).hexdigest()[:12]


def new_kek() -> str:
    """A fresh key-encryption key, as HARBOUR_DATA_KEYS holds it (base64url of 32 bytes)."""
    return _b64(AESGCM.generate_key(bit_length=256))


class KeyEncryptionKeys:
    """The deployment's KEKs, newest first."""

    def __init__(self, keys: Sequence[bytes]) -> None:
        if not keys:
            raise ValueError("at least one data key-encryption key is needed")
        if any(len(key) != 32 for key in keys):
            raise ValueError("a HARBOUR_DATA_KEYS key is 32 bytes, base64url-encoded")
        self._keys = [(kek_id(key), AESGCM(key)) for key in keys]

    @classmethod
    def parse(cls, text: str) -> KeyEncryptionKeys:
        try:
            keys = [_unb64(part.strip()) for part in text.split(",") if part.strip()]
        except ValueError as exc:
            raise ValueError("HARBOUR_DATA_KEYS: keys are base64url, comma-separated") from exc
        return cls(keys)

    @property
    def newest(self) -> str:
        return self._keys[0][0]

    def wrap(self, data_key: bytes, aad: bytes) -> dict[str, str]:
        kek, aead = self._keys[0]
        nonce = os.urandom(_NONCE)
        return {"kek": kek, "wrapped": _b64(nonce + aead.encrypt(nonce, data_key, aad))}

    def unwrap(self, wrapping: Mapping[str, str], aad: bytes) -> bytes:
        aead = next((a for kid, a in self._keys if kid == wrapping.get("kek")), None)
        if aead is None:
            raise Unreadable(f"data key wrapped by {wrapping.get('kek')}, not configured")
        raw = _unb64(wrapping["wrapped"])
        try:
            return aead.decrypt(raw[:_NONCE], raw[_NONCE:], aad)
        except InvalidTag:
            raise Unreadable("a wrapped data key did not open (altered?)") from None


@dataclass(frozen=True)
class TrustCipher:
    """One trust's data key: seals and opens values (synchronously)."""

    trust: str
    key_id: str
    _aead: AESGCM

    def _aad(self, key_id: str) -> bytes:
        return f"harbour/{VERSION}/{self.trust}/{key_id}".encode()

    def seal(self, value: Any) -> Any:
        """A string sealed; None stays None; a list seals each string in it."""
        if isinstance(value, list):
            return [self.seal(item) for item in value]
        if not isinstance(value, str):
            return value  # None, or already sealed: only text is sealed
        nonce = os.urandom(_NONCE)
        sealed = self._aead.encrypt(nonce, value.encode("utf-8"), self._aad(self.key_id))
        return {SEALED: VERSION, "key": self.key_id, "ct": _b64(nonce + sealed)}

    def open(self, value: Any) -> Any:
        """The text of a sealed value; anything else (stored before encryption) as it is."""
        if isinstance(value, list):
            return [self.open(item) for item in value]
        if not is_sealed(value):
            return value
        if value["key"] != self.key_id:
            raise Unreadable(f"sealed under data key {value['key']}, not this trust's")
        raw = _unb64(value["ct"])
        try:
            plain = self._aead.decrypt(raw[:_NONCE], raw[_NONCE:], self._aad(value["key"]))
        except InvalidTag:
            raise Unreadable("a sealed value did not open (altered, or another trust's)") from None
        return plain.decode("utf-8")

    def seal_fields(self, document: Mapping[str, Any], fields: Iterable[str]) -> dict[str, Any]:
        """The document with each named field sealed (dotted names reach into nested
        documents: "parents_informed.reason"; a list of documents: "tiers.members.name")."""
        return _each_field(dict(document), fields, self.seal)

    def open_fields(self, document: Mapping[str, Any], fields: Iterable[str]) -> dict[str, Any]:
        return _each_field(dict(document), fields, self.open)


def sealed_change(box: TrustCipher, fields: Sequence[str], key: str, value: Any) -> Any:
    """`value` as stored when a write sets (or appends to) the field `key`: the sealed
    fields at or under it sealed. For an append, `value` is one element of the array."""
    if key in fields:
        return box.seal(value)
    under = [field[len(key) + 1 :] for field in fields if field.startswith(key + ".")]
    if not under:
        return value
    if isinstance(value, dict):
        return box.seal_fields(value, under)
    if isinstance(value, list):
        return [box.seal_fields(v, under) if isinstance(v, dict) else v for v in value]
    return value


async def seal_document(
    cipher: FieldCipher | None, document: Mapping[str, Any], fields: Sequence[str]
) -> dict[str, Any]:
    """A document to store, its free-text fields sealed under its trust's key."""
    if cipher is None:
        return dict(document)
    return (await cipher.for_trust(document.get("trust_id"))).seal_fields(document, fields)


async def open_document(
    cipher: FieldCipher | None, document: Mapping[str, Any] | None, fields: Sequence[str]
) -> dict[str, Any] | None:
    """A stored document as its readers see it: its sealed fields opened."""
    if cipher is None or document is None:
        return dict(document) if document is not None else None
    return (await cipher.for_trust(document.get("trust_id"))).open_fields(document, fields)


def is_sealed(value: Any) -> bool:
    return isinstance(value, dict) and value.get(SEALED) == VERSION and "ct" in value


def _each_field(document: dict[str, Any], fields: Iterable[str], change: Any) -> dict[str, Any]:
    for name in fields:
        _apply(document, name.split("."), change)
    return document


def _apply(node: Any, path: list[str], change: Any) -> None:
    if isinstance(node, list):
        for index, item in enumerate(node):
            if isinstance(item, dict):
                node[index] = dict(item)
                _apply(node[index], path, change)
        return
    if not isinstance(node, dict) or path[0] not in node:
        return
    if len(path) == 1:
        node[path[0]] = change(node[path[0]])
        return
    child = node[path[0]]
    if isinstance(child, dict):
        child = dict(child)
    elif isinstance(child, list):
        child = list(child)
    else:
        return
    node[path[0]] = child
    _apply(child, path[1:], change)


class FieldCipher:
    """The data keys of one service's trusts, loaded (and made) on first use and kept in
    memory; the port every store seals and opens through."""

    def __init__(self, keks: KeyEncryptionKeys, data_keys: AsyncCollection[Any]) -> None:
        self._keks = keks
        self._collection = data_keys
        self._loaded: dict[str, TrustCipher] = {}

    async def for_trust(self, trust_id: str | None) -> TrustCipher:
        trust = trust_id or NO_TRUST
        cached = self._loaded.get(trust)
        if cached is not None:
            return cached
        document = await self._collection.find_one({"_id": trust})
        if document is None:
            document = await self._create(trust)
        key = self._keks.unwrap(document, _wrap_aad(trust, document["key_id"]))
        if document["kek"] != self._keks.newest:
            await self._rewrap(trust, document, key)
        cipher = TrustCipher(trust, document["key_id"], AESGCM(key))
        self._loaded[trust] = cipher
        return cipher

    async def load(self, trust_ids: Iterable[str | None]) -> None:
        """Have these trusts' keys in memory, for `sealer` (the outbox seals synchronously)."""
        for trust_id in set(trust_ids):
            await self.for_trust(trust_id)

    def loaded(self, trust_id: str | None) -> TrustCipher:
        """A trust's cipher already loaded (`load` first)."""
        return self._loaded[trust_id or NO_TRUST]

    async def rewrap_all(self) -> int:
        """Re-wrap every data key wrapped by an older KEK under the newest; how many."""
        count = 0
        async for document in self._collection.find({"kek": {"$ne": self._keks.newest}}):
            trust = document["_id"]
            key = self._keks.unwrap(document, _wrap_aad(trust, document["key_id"]))
            await self._rewrap(trust, document, key)
            count += 1
        return count

    async def _create(self, trust: str) -> dict[str, Any]:
        key_id = "dk-" + uuid.uuid4().hex[:12]
        key = AESGCM.generate_key(bit_length=256)
        document = {
            "_id": trust,
            "key_id": key_id,
            **self._keks.wrap(key, _wrap_aad(trust, key_id)),
            "created_at": utc_now(),
        }
        try:
            await self._collection.insert_one(document)
        except DuplicateKeyError:  # another process made it first: use theirs
            found = await self._collection.find_one({"_id": trust})
            assert found is not None
            return found
        return document

    async def _rewrap(self, trust: str, document: Mapping[str, Any], key: bytes) -> None:
        wrapping = self._keks.wrap(key, _wrap_aad(trust, document["key_id"]))
        await self._collection.update_one(
            {"_id": trust},  # two processes re-wrapping at once both write the same key
            {"$set": {**wrapping, "rewrapped_at": utc_now()}},
        )


def opened_data_key(keks: KeyEncryptionKeys, document: Mapping[str, Any]) -> TrustCipher:
    """A trust's cipher from its stored data-key document (`_id` = the trust)."""
    trust = document["_id"]
    key = keks.unwrap(document, _wrap_aad(trust, document["key_id"]))
    return TrustCipher(trust, document["key_id"], AESGCM(key))


def _wrap_aad(trust: str, key_id: str) -> bytes:
    return f"harbour/{VERSION}/data-key/{trust}/{key_id}".encode()
