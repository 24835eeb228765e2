"""JSON answers for long lists, written with `json.dumps`: FastAPI's encoder walks every
value first and took about three times as long on a few hundred documents."""

from __future__ import annotations

import json
from datetime import date, datetime
from typing import Any

from fastapi.responses import Response


def json_response(view: Any) -> Response:
    """`view` as JSON, times as FastAPI writes them (ISO 8601)."""
    return Response(json.dumps(view, default=_iso), media_type="application/json")


def _iso(value: Any) -> str:
    if isinstance(value, datetime | date):
        return value.isoformat()
    raise TypeError(f"{type(value).__name__} is not JSON")
