"""Assembling a service's FastAPI app and serving it."""

from __future__ import annotations

import asyncio
import contextlib
import gc
import logging
import os
import threading
from collections.abc import Awaitable, Callable
from types import FrameType
from typing import Any

import uvicorn
from fastapi import APIRouter, FastAPI

from services.common.auth import MfaPolicy, Principal, TokenVerifier
from services.common.json_depth import JsonDepthLimit
from services.common.metrics import ServiceMetrics, metrics_router
from services.common.openapi_answers import declare_answers
from services.common.rate_limits import AddressRateLimit, WriteLimits
from services.common.request_observer import RequestObserver
from services.common.runtime import ServiceRuntime, health_router
from services.common.security_headers import ApiSecurityHeaders
from services.common.settings import CommonSettings
from services.common.web import BodySizeLimit, install_error_handlers, make_principal_dependency

log = logging.getLogger("harbour.app")


def mfa_policy(settings: CommonSettings) -> MfaPolicy:
    return MfaPolicy(required=settings.require_mfa, acr=settings.mfa_acr)


def token_verifier(settings: CommonSettings) -> TokenVerifier:
    if settings.jwt_jwks_url:
        return TokenVerifier(
            audience=settings.jwt_audience,
            issuer=settings.jwt_issuer,
            jwks_url=settings.jwt_jwks_url,
            mfa=mfa_policy(settings),
            leeway_seconds=settings.jwt_leeway_seconds,
        )
    return TokenVerifier.from_key_file(
        settings.public_key_path(),
        audience=settings.jwt_audience,
        issuer=settings.jwt_issuer,
        mfa=mfa_policy(settings),
        leeway_seconds=settings.jwt_leeway_seconds,
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
    settings = runtime.settings
    docs = settings.api_docs
    app = FastAPI(
        title=title,
        lifespan=runtime.lifespan,
        version="1",
        # Off in production if wanted; app.openapi() still builds the document in-process.
        openapi_url="/openapi.json" if docs else None,
        docs_url="/docs" if docs else None,
        redoc_url="/redoc" if docs else None,
    )
    install_error_handlers(app)
    app.include_router(health_router(runtime))
    app.include_router(metrics_router(runtime.metrics))
    for router in routers:
        app.include_router(router)
    declare_answers(app)
    guard_requests(app, settings, body_limits=body_limits)
    observe_requests(app, runtime.metrics)
    # SIGTERM stops the consumers at once (see serve).
    app.state.on_exit_signal = runtime.stop_consuming
    return app


def guard_requests(
    app: FastAPI, settings: CommonSettings, *, body_limits: dict[str, int] | None = None
) -> None:
    """What every API request passes through, outermost first: security headers on every
    answer, the client address's write budget (before a byte of body is read), the body's
    size, then its JSON depth. The per-user budget is spent by the principal dependency,
    once the caller is known (services.common.web), from `app.state.write_limits`."""
    limits = WriteLimits.from_settings(settings)
    app.state.write_limits = limits
    app.state.trusted_proxies = settings.trusted_proxies
    app.add_middleware(JsonDepthLimit, limit=settings.max_json_depth)
    app.add_middleware(BodySizeLimit, limit=settings.max_body_bytes, limits=body_limits or {})
    app.add_middleware(AddressRateLimit, limits=limits)
    app.add_middleware(ApiSecurityHeaders, behind_tls=settings.behind_tls)


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
    # X-Forwarded-For/-Proto are believed from these peers only (client address for the
    # rate limits, https for HSTS).
    config.setdefault("forwarded_allow_ips", getattr(app.state, "trusted_proxies", None))
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
    # What start-up built (modules, templates, the app) lives as long as the process: kept
    # out of the collector's full passes, which otherwise walk it on a request's time.
    gc.collect()
    gc.freeze()
    asyncio.run(_Server(uvicorn_config, on_exit, settings.shutdown_seconds).serve())
