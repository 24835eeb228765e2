"""What intake's use cases work with, built once in main.py: the store, the unit of work
(document locks and the outbox relay), the clock, and the box that seals the Encompass
senders' secrets."""

from __future__ import annotations

from dataclasses import dataclass

from services.common.clock import Clock
from services.common.unit_of_work import DocumentWriter
from services.intake.secret_box import SecretBox
from services.intake.store import IntakeStore


@dataclass(frozen=True)
class IntakePorts:
    store: IntakeStore
    writer: DocumentWriter
    clock: Clock
    secret_box: SecretBox
