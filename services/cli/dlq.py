"""`harbour dlq list|replay SERVICE`: inspect and replay dead-lettered events."""

from __future__ import annotations

from typing import Any


def register(commands: Any) -> None:
    dlq = commands.add_parser("dlq", help="list or replay a service's dead-lettered events")
    dlq.set_defaults(run=lambda _: 0)
