"""What case's use cases work with, built once in main.py: the store, the unit of work
(document locks and the outbox relay), the locks themselves for what spans several
documents (a calendar while its deadlines are recomputed), the clock, and how early a
deadline counts as approaching."""

from __future__ import annotations

from dataclasses import dataclass, field

from services.case.metrics import CaseMetrics
from services.case.store import CaseStore
from services.common.clock import Clock
from services.common.locks import DocumentLocks
from services.common.unit_of_work import DocumentWriter


@dataclass(frozen=True)
class CasePorts:
    store: CaseStore
    writer: DocumentWriter
    locks: DocumentLocks
    clock: Clock
    # A share of each deadline's window (settings.approaching_fraction).
    approaching_fraction: float
    # Counted into the process's registry (main.py); tests get a registry of their own.
    metrics: CaseMetrics = field(default_factory=CaseMetrics)
