"""web: composition root and process entry (pages over the four services' APIs)."""

from __future__ import annotations

import contextlib
import logging
from collections.abc import AsyncIterator
from typing import Any

from fastapi import FastAPI, HTTPException, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles

from services.common.app import observe_requests, serve
from services.common.logs import configure_logging
from services.common.metrics import ServiceMetrics, metrics_router
from services.common.rate_limits import AddressRateLimit, WriteLimits
from services.common.web import BodySizeLimit
from services.web import pages
from services.web.clients.base import BrowserAddress, SignedOut, TooManyRequests, Unavailable
from services.web.clients.services import Services
from services.web.dev_login import DevLogin
from services.web.identity import NotAllowed, SignInRequired
from services.web.oidc import OidcClient
from services.web.pages.school_settings import MAX_ROSTER_BYTES
from services.web.security import SecurityHeaders
from services.web.session import SessionMiddleware, session_of
from services.web.settings import HERE, WebSettings
from services.web.templating import Pages

log = logging.getLogger("harbour.web")


def build_app(settings: WebSettings) -> FastAPI:
    if not (settings.assets_dir / "govuk-frontend.min.css").is_file():
        raise RuntimeError(
            f"GOV.UK Frontend assets not found in {settings.assets_dir}: run `npm ci` in "
            "services/web (make up does) or set HARBOUR_WEB_ASSETS_DIR"
        )
    dev_login = DevLogin.from_settings(settings) if settings.dev_login else None
    if dev_login is None and not settings.oidc_enabled():
        raise RuntimeError("no way to sign in: set HARBOUR_OIDC_* or HARBOUR_DEV_LOGIN=true")
    services = Services.connect(settings)
    oidc = OidcClient(settings, services.http) if settings.oidc_enabled() else None
    templates = Pages(
        dev_login=dev_login is not None,
        oidc=oidc is not None,
        refresh_seconds=settings.inbox_refresh_seconds,
    )

    @contextlib.asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        log.info("web started")
        try:
            yield
        finally:
            await services.aclose()

    app = FastAPI(title="Harbour web", lifespan=lifespan, docs_url=None, redoc_url=None)
    app.mount("/assets", StaticFiles(directory=settings.assets_dir / "assets"), name="assets")
    app.mount("/govuk", StaticFiles(directory=settings.assets_dir), name="govuk")
    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")
    metrics = ServiceMetrics("web")
    app.include_router(metrics_router(metrics))
    for router in pages.routers(templates, services, settings, dev_login, oidc):
        app.include_router(router)

    @app.get("/healthz", include_in_schema=False)
    async def healthz() -> dict[str, str]:
        return {"status": "alive"}

    @app.get("/readyz", include_in_schema=False)
    async def readyz() -> Any:
        # Web holds no store or broker; it is ready when the services answer.
        down = []
        for name, client in (
            ("intake", settings.intake_url),
            ("case", settings.case_url),
            ("notification", settings.notification_url),
            ("records", settings.records_url),
        ):
            try:
                response = await services.http.get(f"{client}/healthz", timeout=3)
                if response.status_code != 200:
                    down.append(name)
            except Exception:
                down.append(name)
        body = {"service": "web", "status": "ready" if not down else "not ready", "down": down}
        return JSONResponse(body, status_code=200 if not down else 503)

    @app.exception_handler(SignInRequired)
    async def sign_in_first(request: Request, exc: SignInRequired) -> Response:
        return RedirectResponse(f"/sign-in?next={exc.next_path}", status_code=303)

    @app.exception_handler(SignedOut)
    async def token_refused(request: Request, _: SignedOut) -> Response:
        session_of(request).sign_out()
        return RedirectResponse("/sign-in", status_code=303)

    @app.exception_handler(NotAllowed)
    async def not_allowed(request: Request, _: NotAllowed) -> Response:
        return templates.render(request, "not_found.html", status_code=404)

    @app.exception_handler(Unavailable)
    async def unavailable(request: Request, exc: Unavailable) -> Response:
        log.warning("a service answered %s", exc.status)
        return templates.render(request, "problem.html", status_code=503)

    @app.exception_handler(RequestValidationError)
    async def bad_address(request: Request, _: RequestValidationError) -> Response:
        # A malformed id in a path: the same page as for something that does not exist.
        return templates.render(request, "not_found.html", status_code=404)

    def too_many(request: Request, retry_after: str | None) -> Response:
        page = templates.render(
            request, "too_many_requests.html", status_code=429, retry_after=retry_after
        )
        page.headers["Retry-After"] = retry_after or "60"
        return page

    @app.exception_handler(TooManyRequests)
    async def service_throttled(request: Request, exc: TooManyRequests) -> Response:
        return too_many(request, exc.retry_after)

    @app.exception_handler(HTTPException)
    async def http_error(request: Request, exc: HTTPException) -> Response:
        if exc.status_code == 429:
            return too_many(request, (exc.headers or {}).get("Retry-After"))
        if exc.status_code == 403:
            return templates.render(request, "forbidden.html", status_code=403)
        if exc.status_code == 404:
            return templates.render(request, "not_found.html", status_code=404)
        return templates.render(request, "problem.html", status_code=exc.status_code)

    # Innermost first. Outermost: headers on every answer; the browser's address for the
    # backend calls; the session; the address's write budget (a page, so inside the
    # session); the body's size (a roll upload may be larger than a form).
    limits = WriteLimits.from_settings(settings)
    app.state.write_limits = limits
    app.state.trusted_proxies = settings.trusted_proxies
    app.add_middleware(
        BodySizeLimit,
        limit=settings.web_max_body_bytes,
        limits={"/settings/roster": MAX_ROSTER_BYTES + 64 * 1024},
    )
    app.add_middleware(
        AddressRateLimit,
        limits=limits,
        refusal=lambda scope, wait: too_many(Request(scope), wait),
    )
    keys = settings.session_keys()
    app.add_middleware(SessionMiddleware, keys=keys, idle_seconds=settings.session_idle_seconds)
    app.add_middleware(BrowserAddress)
    app.add_middleware(SecurityHeaders, behind_tls=settings.behind_tls)
    observe_requests(app, metrics)
    return app


def main() -> None:
    settings = WebSettings()
    configure_logging(settings.log_level, "web")
    # One line per backend call would drown the log; failures are logged where handled.
    logging.getLogger("httpx").setLevel(logging.WARNING)
    serve(build_app(settings), settings.host, settings.port, settings, proxy_headers=True)


if __name__ == "__main__":
    main()
