"""Unit tests build the services' apps in-process, which read the local keys at start:
made here as `harbour dev-keys` makes them, so `make unit` needs no `make up` first."""

from __future__ import annotations

import pytest

from services.common.dev_keys import (
    ensure_data_keys,
    ensure_key_pair,
    ensure_secrets_key,
    ensure_transfer_signing_key,
)
from tests.support.stack import ROOT


@pytest.fixture(scope="session", autouse=True)
def _local_keys() -> None:
    keys = ROOT / ".data" / "keys"
    ensure_key_pair(keys)
    ensure_secrets_key(keys)
    ensure_transfer_signing_key(keys)
    ensure_data_keys(keys)
