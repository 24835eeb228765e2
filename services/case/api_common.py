"""What case's routers share: the Idempotency-Key header that makes a retried POST one
step, and the path ids of a case's parts."""

from __future__ import annotations

from typing import Annotated

from fastapi import Header, Path

from services.common.ids import ID_PATTERN

IdempotencyKey = Annotated[
    str | None,
    Header(
        alias="Idempotency-Key",
        min_length=1,
        max_length=200,
        pattern=r"^[\x21-\x7e]+$",
        description="the same key and body again: the same step, stored once",
    ),
]
ConcernId = Annotated[str, Path(min_length=1, max_length=64)]
StepId = Annotated[str, Path(pattern=ID_PATTERN)]
