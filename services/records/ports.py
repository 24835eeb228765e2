"""What records' use cases work with, built once in main.py."""

from __future__ import annotations

from dataclasses import dataclass

from services.common.clock import Clock
from services.records.store import RecordsStore


@dataclass(frozen=True)
class RecordsPorts:
    store: RecordsStore
    clock: Clock
