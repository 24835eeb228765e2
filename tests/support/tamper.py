"""Changing a stored entry of a child's file behind records' back, as an attacker with
access to the store would (entries are stored as JSON text in pages)."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any


async def tamper(
    pages: Any, page_id: str, index: int, change: Callable[[dict], None], box: Any = None
) -> None:
    """Change one stored entry as someone with the store's files (and, for a sealed entry,
    the trust's data key: `box`) could."""
    page = await pages.find_one({"_id": page_id})
    stored = page["entries"][index]
    entry = json.loads(box.open(stored) if box is not None else stored)
    change(entry)
    text = json.dumps(entry)
    page["entries"][index] = box.seal(text) if box is not None else text
    await pages.replace_one({"_id": page_id}, page)
