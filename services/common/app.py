"""Assembling a service's FastAPI app and serving it."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any

import uvicorn
from fastapi import APIRouter, FastAPI

from services.common.auth import MfaPolicy, Principal, TokenVerifier
from services.common.json_depth import JsonDepthLimit
from services.common.openapi_answers import declare_answers
from services.common.rate_limits import AddressRateLimit, WriteLimits
from services.common.runtime import ServiceRuntime, health_router
from services.common.security_headers import ApiSecurityHeaders
from services.common.settings import CommonSettings
from services.common.web import BodySizeLimit, install_error_handlers, make_principal_dependency


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
    for router in routers:
        app.include_router(router)
    declare_answers(app)
    guard_requests(app, settings, body_limits=body_limits)
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


def serve(app: FastAPI, host: str, port: int, **config: Any) -> None:
    # X-Forwarded-For/-Proto are believed from these peers only (client address for the
    # rate limits, https for HSTS).
    config.setdefault("forwarded_allow_ips", getattr(app.state, "trusted_proxies", None))
    server = uvicorn.Server(
        uvicorn.Config(app, host=host, port=port, log_config=None, access_log=False, **config)
    )
    asyncio.run(server.serve())
