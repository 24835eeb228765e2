"""The decoder every subscriber uses: its handler gets the message itself.

The broker injects nothing (make_broker: apply_types=False), so a handler's one argument is
what the decoder returns. Each handler decodes the body itself, so that a poison message is
rejected instead of failing in FastStream's JSON decoder, unacknowledged.
"""

from __future__ import annotations

from typing import Any

from faststream.message import StreamMessage


async def whole_message(message: StreamMessage[Any]) -> StreamMessage[Any]:
    return message
