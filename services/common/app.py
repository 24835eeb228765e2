"""Assembling a service's FastAPI app and serving it."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import threading
from collections.abc import Awaitable, Callable
from types import FrameType
from typing import Any

import uvicorn
from fastapi import APIRouter, FastAPI

from services.common.auth import Principal, TokenVerifier
from services.common.metrics import ServiceMetrics, metrics_router
from services.common.request_observer import RequestObserver
from services.common.runtime import ServiceRuntime, health_router
from services.common.settings import CommonSettings
from services.common.web import BodySizeLimit, install_error_handlers, make_principal_dependency

log = logging.getLogger("harbour.app")


def token_verifier(settings: CommonSettings) -> TokenVerifier:
    if settings.jwt_jwks_url:
        return TokenVerifier(
            audience=settings.jwt_audience,
            issuer=settings.jwt_issuer,
            jwks_url=settings.jwt_jwks_url,
        )
    return TokenVerifier.from_key_file(
        settings.public_key_path(), audience=settings.jwt_audience, issuer=settings.jwt_issuer
    )


def principal_dependency(settings: CommonSettings) -> Callable[..., Awaitable[Principal]]:
    return make_principal_dependency(token_verifier(settings))


def service_app(
    title: str,
    runtime: ServiceRuntime,
    routers: list[APIRouter],
    *,
    body_limits: dict[str, int] | None = None,
) -> FastAPI:
    app = FastAPI(title=title, lifespan=runtime.lifespan, version="1")
    install_error_handlers(app)
    app.include_router(health_router(runtime))
    app.include_router(metrics_router(runtime.metrics))
    for router in routers:
        app.include_router(router)
    app.add_middleware(
        BodySizeLimit, limit=runtime.settings.max_body_bytes, limits=body_limits or {}
    )
    observe_requests(app, runtime.metrics)
    # SIGTERM stops the consumers at once (see serve).
    app.state.on_exit_signal = runtime.stop_consuming
    return app


def observe_requests(app: FastAPI, metrics: ServiceMetrics) -> None:
    """Request ids, request log lines and HTTP metrics (added last: outermost, so it also
    times and counts what the other middleware answers itself, such as 413)."""
    app.add_middleware(RequestObserver, metrics=metrics)


class _Server(uvicorn.Server):
    """uvicorn, plus what a SIGTERM must also do: stop the consumers while HTTP requests
    drain, and end the process `shutdown_seconds` after the signal whatever still runs."""

    def __init__(
        self, config: uvicorn.Config, on_exit: Callable[[], None] | None, deadline: float
    ) -> None:
        super().__init__(config)
        self._on_exit = on_exit
        self._deadline = deadline
        self._watchdog: threading.Timer | None = None

    def handle_exit(self, sig: int, frame: FrameType | None) -> None:
        if self._watchdog is None:
            self._watchdog = threading.Timer(self._deadline, _exit_now, args=(self._deadline,))
            self._watchdog.daemon = True
            self._watchdog.start()
            if self._on_exit is not None:
                with contextlib.suppress(RuntimeError):  # no loop yet: nothing consumes
                    asyncio.get_running_loop().call_soon_threadsafe(self._on_exit)
        super().handle_exit(sig, frame)


def _exit_now(after: float) -> None:
    # Like a crash: unacked messages are redelivered, unpublished events swept at start.
    log.error("still stopping %s s after the signal; exiting now", after)
    logging.shutdown()
    os._exit(1)


def serve(app: FastAPI, host: str, port: int, settings: CommonSettings, **config: Any) -> None:
    uvicorn_config = uvicorn.Config(
        app,
        host=host,
        port=port,
        log_config=None,
        access_log=False,
        timeout_graceful_shutdown=settings.http_drain_seconds,
        **config,
    )
    on_exit = getattr(app.state, "on_exit_signal", None)
    asyncio.run(_Server(uvicorn_config, on_exit, settings.shutdown_seconds).serve())
