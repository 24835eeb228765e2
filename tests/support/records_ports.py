"""records' ports in memory, for its use-case tests."""

from __future__ import annotations

from typing import Any

from services.records.pdf import PdfRenderer
from services.records.ports import RecordsPorts
from services.records.store import RecordsStore
from tests.support.memory import FixedClock, memory_db, memory_writer


def memory_records(**settings: Any) -> RecordsPorts:
    db = memory_db()
    writer, _relay = memory_writer(db)
    return RecordsPorts(RecordsStore(db), writer, FixedClock(), PdfRenderer(), **settings)
