"""What records' use cases work with, built once in main.py."""

from __future__ import annotations

from dataclasses import dataclass

from services.common.clock import Clock
from services.common.unit_of_work import DocumentWriter
from services.records.pdf import PdfRenderer
from services.records.store import RecordsStore


@dataclass(frozen=True)
class RecordsPorts:
    store: RecordsStore
    # The unit of work: document locks (a chain's head is appended to under its lock) and
    # the outbox relay (transfers carry their events).
    writer: DocumentWriter
    clock: Clock
    pdf: PdfRenderer
