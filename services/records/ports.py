"""What records' use cases work with, built once in main.py."""

from __future__ import annotations

from dataclasses import dataclass, field

from services.common.clock import Clock
from services.common.unit_of_work import DocumentWriter
from services.records.domain.bundle import TransferKeys
from services.records.pdf import PdfRenderer
from services.records.store import RecordsStore


@dataclass(frozen=True)
class RecordsPolicy:
    link_days: int = 7  # a one-time link stays open this long
    code_attempts: int = 5  # wrong access codes before a link locks
    retention_years: int = 25  # a closed file is reviewed at this birthday


@dataclass(frozen=True)
class RecordsPorts:
    store: RecordsStore
    # The unit of work: document locks (a chain's head is appended to under its lock) and
    # the outbox relay (transfers carry their events).
    writer: DocumentWriter
    clock: Clock
    pdf: PdfRenderer
    # Signs transfer bundles; the one-time links derive from it.
    keys: TransferKeys
    policy: RecordsPolicy = field(default_factory=RecordsPolicy)
