"""Reading an event body the way the relay does, for tests that look inside an outbox:
bodies are sealed at rest under the trust's data key (services.common.field_cipher)."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from services.common.field_cipher import (
    NO_TRUST,
    KeyEncryptionKeys,
    TrustCipher,
    opened_data_key,
)
from tests.support.stack import ROOT

KEYS_FILE = ROOT / ".data" / "keys" / "data.keys"


def event_of(entry: Mapping[str, Any], data_keys: Mapping[str, Any] | None) -> dict[str, Any]:
    """An outbox entry's event as JSON. `data_keys`: the entry's trust's document in the
    same service's `data_keys` collection (`_id` = entry["trust_id"])."""
    body = entry["body"]
    if isinstance(body, str):  # stored before encryption at rest
        return dict(json.loads(body))
    assert data_keys is not None, f"no data key for trust {entry.get('trust_id') or NO_TRUST}"
    return dict(json.loads(opened_data_key(_keks(), data_keys).open(body)))


def trust_box(data_keys: Mapping[str, Any]) -> TrustCipher:
    """A trust's cipher, from its document in a service's `data_keys` collection."""
    return opened_data_key(_keks(), data_keys)


def _keks() -> KeyEncryptionKeys:
    return KeyEncryptionKeys.parse(KEYS_FILE.read_text(encoding="ascii"))
