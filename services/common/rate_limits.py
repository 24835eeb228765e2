"""Rate limits on writes (POST, PUT, PATCH, DELETE): per client address for every request
(middleware, before the body is read), and per user once the caller is known (the token's
user, a police sender, a web session). Token buckets kept in this process's memory: with N
replicas behind a load balancer a client may make up to N times the limit, which is
still a bound; the limits are settings (services.common.settings)."""

from __future__ import annotations

import math
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass

from fastapi import HTTPException, Request, status
from fastapi.responses import JSONResponse, Response
from starlette.types import ASGIApp, Receive, Scope, Send

from services.common.settings import CommonSettings

WRITE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
# Keys kept at most (least recently used dropped first): a flood from many addresses costs
# a bounded amount of memory (about 200 bytes a key), and a dropped key starts full again.
MAX_KEYS = 100_000


class TokenBuckets:
    """One bucket per key, holding up to `burst` tokens, refilled at `per_minute`."""

    def __init__(
        self,
        per_minute: int,
        burst: int,
        *,
        max_keys: int = MAX_KEYS,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._rate = per_minute / 60.0
        self._burst = float(burst)
        self._max_keys = max_keys
        self._clock = clock
        self._buckets: OrderedDict[str, tuple[float, float]] = OrderedDict()  # tokens, at

    def take(self, key: str) -> float | None:
        """Spend one token: None if there was one, else the seconds until there is."""
        now = self._clock()
        tokens, at = self._buckets.pop(key, (self._burst, now))
        tokens = min(self._burst, tokens + (now - at) * self._rate)
        allowed = tokens >= 1.0
        if allowed:
            tokens -= 1.0
        self._buckets[key] = (tokens, now)
        if len(self._buckets) > self._max_keys:
            self._buckets.popitem(last=False)
        return None if allowed else (1.0 - tokens) / self._rate


@dataclass(frozen=True)
class WriteLimits:
    """The two budgets of a process: per user (or sender) and per client address."""

    users: TokenBuckets
    addresses: TokenBuckets

    @classmethod
    def from_settings(cls, settings: CommonSettings) -> WriteLimits:
        return cls(
            users=TokenBuckets(settings.rate_limit_user_per_minute, settings.rate_limit_user_burst),
            addresses=TokenBuckets(
                settings.rate_limit_address_per_minute, settings.rate_limit_address_burst
            ),
        )


def user_key(trust_id: str | None, school_id: str | None, user_id: str | None) -> str:
    """A user's bucket: user ids are the identity provider's, unique within a tenant."""
    return f"user:{trust_id}/{school_id}/{user_id}"


def retry_after(seconds: float) -> str:
    return str(max(1, math.ceil(seconds)))


def limit_writes_of(request: Request, who: str) -> None:
    """Spend one of `who`'s writes (a no-op for reads); 429 with Retry-After when spent.
    The app's limits live on `app.state.write_limits` (services.common.app puts them there)."""
    limits: WriteLimits | None = getattr(request.app.state, "write_limits", None)
    if limits is None or request.method not in WRITE_METHODS:
        return
    wait = limits.users.take(who)
    if wait is not None:
        raise HTTPException(
            status.HTTP_429_TOO_MANY_REQUESTS,
            f"too many changes from this account; try again in {retry_after(wait)} s",
            headers={"Retry-After": retry_after(wait)},
        )


class AddressRateLimit:
    """429 for a client address that has spent its writes, before its body is read. The
    address is the peer's, or X-Forwarded-For's when the peer is a trusted proxy (uvicorn
    rewrites it: settings.trusted_proxies)."""

    def __init__(
        self,
        app: ASGIApp,
        limits: WriteLimits,
        refusal: Callable[[Scope, str], Response] | None = None,
    ) -> None:
        self.app = app
        self.buckets = limits.addresses
        # How to say no (web answers with a page); the APIs answer JSON.
        self.refusal = refusal or _json_refusal

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["method"] in WRITE_METHODS:
            client = scope.get("client")
            wait = self.buckets.take(f"address:{client[0] if client else 'unknown'}")
            if wait is not None:
                response = self.refusal(scope, retry_after(wait))
                response.status_code = status.HTTP_429_TOO_MANY_REQUESTS
                response.headers["Retry-After"] = retry_after(wait)
                await response(scope, receive, send)
                return
        await self.app(scope, receive, send)


def _json_refusal(_: Scope, seconds: str) -> Response:
    message = f"too many changes from this address; try again in {seconds} s"
    return JSONResponse(status_code=status.HTTP_429_TOO_MANY_REQUESTS, content={"detail": message})
