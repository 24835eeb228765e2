"""Assembling a service's FastAPI app and serving it."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any

import uvicorn
from fastapi import APIRouter, FastAPI

from services.common.auth import Principal, TokenVerifier
from services.common.runtime import ServiceRuntime, health_router
from services.common.settings import CommonSettings
from services.common.web import BodySizeLimit, install_error_handlers, make_principal_dependency


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
    for router in routers:
        app.include_router(router)
    app.add_middleware(
        BodySizeLimit, limit=runtime.settings.max_body_bytes, limits=body_limits or {}
    )
    return app


def serve(app: FastAPI, host: str, port: int, **config: Any) -> None:
    server = uvicorn.Server(
        uvicorn.Config(app, host=host, port=port, log_config=None, access_log=False, **config)
    )
    asyncio.run(server.serve())
