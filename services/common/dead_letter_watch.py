"""How deep a service's dead-letter queue is, and whether it is growing.

Sampled every few seconds with a passive queue declaration (one broker round trip, no
message read), for the metrics and for readiness: a growing DLQ makes `/readyz` fail
until it has stopped growing for a window; a DLQ that holds old dead letters only asks
for attention (`harbour dlq list`)."""

from __future__ import annotations

import asyncio
import logging
import time
from collections import deque
from collections.abc import Awaitable, Callable, Sequence

from prometheus_client import Gauge

log = logging.getLogger("harbour.dead_letters")

Sample = tuple[float, int]  # (monotonic seconds, messages in the DLQ)


def grew_within(samples: Sequence[Sample], window_seconds: float, now: float) -> bool:
    """Whether the latest depth is above the lowest depth the queue had at any moment of
    the last `window_seconds` (a depth that went up and stays up counts as growth until the
    window has passed). Samples are in time order; the last one taken before the window
    is the depth the window started with."""
    if window_seconds <= 0 or not samples:
        return False
    start = now - window_seconds
    during = [
        depth
        for i, (at, depth) in enumerate(samples)
        if at >= start or (i + 1 < len(samples) and samples[i + 1][0] > start)
    ]
    return bool(during) and samples[-1][1] > min(during)


class DeadLetterWatch:
    def __init__(
        self,
        count: Callable[[], Awaitable[int]],
        gauge: Gauge,
        *,
        every_seconds: float,
        window_seconds: float,
    ) -> None:
        self._count = count
        self._gauge = gauge
        self._every = every_seconds
        self._window = window_seconds
        # The oldest sample kept is the last one from before the window (the baseline).
        self._samples: deque[Sample] = deque()

    async def run(self) -> None:
        while True:
            try:
                await self.sample()
            except Exception as exc:  # the broker is away: readiness says so already
                log.debug("dead-letter queue not sampled: %s", type(exc).__name__)
            await asyncio.sleep(self._every)

    async def sample(self) -> int:
        depth = await self._count()
        now = time.monotonic()
        self._samples.append((now, depth))
        while len(self._samples) > 1 and self._samples[1][0] < now - self._window:
            self._samples.popleft()
        self._gauge.set(depth)
        return depth

    def growing(self) -> bool:
        return grew_within(list(self._samples), self._window, time.monotonic())
