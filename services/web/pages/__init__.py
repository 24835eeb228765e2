"""The page routers, one small module per page or group of pages."""

from __future__ import annotations

from fastapi import APIRouter

from services.web.clients.services import Services
from services.web.dev_login import DevLogin
from services.web.oidc import OidcClient
from services.web.pages import (
    alerts,
    child_file,
    concerns,
    deadlines,
    encompass,
    school_settings,
    service_health,
    sign_in,
    trust,
)
from services.web.settings import WebSettings
from services.web.templating import Pages


def routers(
    pages: Pages,
    services: Services,
    settings: WebSettings,
    dev_login: DevLogin | None,
    oidc: OidcClient | None,
) -> list[APIRouter]:
    return [
        sign_in.router(pages, settings, dev_login, oidc),
        concerns.router(pages, services),
        alerts.router(pages, services),
        child_file.router(pages, services),
        deadlines.router(pages, services),
        encompass.router(pages, services),
        school_settings.router(pages, services),
        trust.router(pages, services),
        service_health.router(pages, services, settings),
    ]
