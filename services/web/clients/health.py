"""Each service's readiness report (`GET /readyz`, no token: it carries no one's data)."""

from __future__ import annotations

import asyncio
from typing import Any

import httpx


async def readiness(http: httpx.AsyncClient, urls: dict[str, str]) -> list[dict[str, Any]]:
    """One report per service, in the order given; a service that does not answer is
    reported as unreachable."""

    async def one(name: str, url: str) -> dict[str, Any]:
        try:
            response = await http.get(f"{url.rstrip('/')}/readyz", timeout=5)
            report = response.json()
        except (httpx.HTTPError, ValueError):
            return {"service": name, "status": "unreachable"}
        return {**report, "service": name} if isinstance(report, dict) else {"service": name}

    return list(await asyncio.gather(*(one(name, url) for name, url in urls.items())))
