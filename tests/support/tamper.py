"""Changing a stored entry of a child's file behind records' back, as an attacker with
access to the store would (entries are stored as JSON text in pages)."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any


async def tamper(pages: Any, page_id: str, index: int, change: Callable[[dict], None]) -> None:
    page = await pages.find_one({"_id": page_id})
    entry = json.loads(page["entries"][index])
    change(entry)
    page["entries"][index] = json.dumps(entry)
    await pages.replace_one({"_id": page_id}, page)
