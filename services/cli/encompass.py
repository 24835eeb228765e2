"""`harbour encompass import FILE --sender ID`: sign and send a batch file that arrived by hand."""

from __future__ import annotations

from typing import Any


def register(commands: Any) -> None:
    return None
