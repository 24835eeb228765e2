"""Every HTTP request: a request id (the caller's X-Request-ID if it is a plain id, else a
new one, echoed in the answer and put on every log line of the request), one log line
when it is answered, and its count and duration by route template.

The route label is the template the request matched (`/v1/alerts/{alert_id}`), never the
raw path: ids must not become label values, and the log line names the template too."""

from __future__ import annotations

import logging
import time

from starlette.datastructures import MutableHeaders
from starlette.routing import Mount
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from services.common import log_context
from services.common.metrics import ServiceMetrics

log = logging.getLogger("harbour.http")

REQUEST_ID_HEADER = "X-Request-ID"
# Probes and scrapes: counted, but logged only at debug level (they come every few seconds).
_QUIET_ROUTES = frozenset({"/healthz", "/readyz", "/metrics"})


def route_template(scope: Scope) -> str:
    route = scope.get("route")
    if isinstance(route, Mount):
        return f"{route.path}/{{path}}"
    path = getattr(route, "path", None)
    if isinstance(path, str):
        return path
    # FastAPI does not name a mount (static files) in the scope; the mount's prefix is what
    # it added to root_path.
    root, app_root = scope.get("root_path", ""), scope.get("app_root_path")
    if app_root is not None and root != app_root and root.startswith(app_root):
        return f"{root[len(app_root) :]}/{{path}}"
    return "unmatched"


class RequestObserver:
    def __init__(self, app: ASGIApp, metrics: ServiceMetrics) -> None:
        self.app = app
        self.metrics = metrics

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        header = dict(scope.get("headers", [])).get(REQUEST_ID_HEADER.lower().encode())
        request_id = log_context.request_id_from(header.decode("latin-1") if header else None)
        started = time.perf_counter()
        status = 500

        async def observed_send(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                MutableHeaders(scope=message)[REQUEST_ID_HEADER] = request_id
            await send(message)

        with log_context.bound(request_id=request_id):
            try:
                await self.app(scope, receive, observed_send)
            finally:
                self._record(scope, status, time.perf_counter() - started)

    def _record(self, scope: Scope, status: int, seconds: float) -> None:
        route, method = route_template(scope), scope["method"]
        self.metrics.http_requests.labels(route, method, str(status)).inc()
        self.metrics.http_seconds.labels(route, method).observe(seconds)
        level = logging.DEBUG if route in _QUIET_ROUTES else logging.INFO
        log.log(
            level,
            "request answered",
            extra={
                "method": method,
                "route": route,
                "status": status,
                "duration_ms": round(seconds * 1000, 1),
            },
        )
