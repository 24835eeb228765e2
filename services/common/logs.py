"""Process logging: one JSON object per line, ids only.

Never log names, dates of birth or free text: pass ids through `extra=` and keep
messages generic."""

from __future__ import annotations

import json
import logging
import sys
from typing import Any

from services.common import log_context

_STANDARD = set(logging.LogRecord("", 0, "", 0, "", (), None).__dict__) | {"message", "asctime"}


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            # Milliseconds: one concern crosses four services within a few of them.
            "at": self.formatTime(record, "%Y-%m-%dT%H:%M:%S.{ms:03d}%z").format(
                ms=int(record.msecs)
            ),
            "level": record.levelname.lower(),
            "logger": record.name,
            "msg": record.getMessage(),
        }
        # The request's or the event's ids first; what the call passed in `extra` wins.
        entry.update(log_context.current())
        entry.update({k: v for k, v in record.__dict__.items() if k not in _STANDARD})
        if record.exc_info:
            entry["exc"] = self.formatException(record.exc_info)
        return json.dumps(entry, default=str)


def configure_logging(level: str, service: str) -> None:
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonFormatter())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level.upper())
    # uvicorn's access log prints query strings; ours carry ids only, but keep it quiet.
    logging.getLogger("uvicorn.access").setLevel(logging.WARNING)
    logging.getLogger("harbour").info("logging configured", extra={"service": service})
