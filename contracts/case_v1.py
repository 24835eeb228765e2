"""Events published by case, major version 1."""

from __future__ import annotations

from pydantic import BaseModel

SCHEMA_VERSION = "1.0"

EVENTS: dict[str, type[BaseModel]] = {}
