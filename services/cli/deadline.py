"""`harbour deadline RULE --at WHEN --calendar FILE`: the statutory clock from the shell."""

from __future__ import annotations

from typing import Any


def register(commands: Any) -> None:
    return None
