"""The page routers, one small module per page or group of pages."""

from __future__ import annotations

from fastapi import APIRouter

from services.web.clients.services import Services
from services.web.dev_login import DevLogin
from services.web.oidc import OidcClient
from services.web.pages import (
    admin_audit,
    adult_concerns,
    alerts,
    allegation_steps,
    allegations,
    case,
    case_steps,
    child_context,
    child_file,
    child_links,
    concerns,
    deadlines,
    encompass,
    file_entries,
    file_transfer,
    pattern_rules,
    reviews,
    risk_assessments,
    school_settings,
    service_health,
    sign_in,
    transfer_link,
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
        case.router(pages, services),
        case_steps.router(pages, services),
        child_context.router(pages, services),
        child_links.router(pages, services),
        risk_assessments.router(pages, services),
        reviews.router(pages, services),
        pattern_rules.router(pages, services),
        file_transfer.router(pages, services),
        file_entries.router(pages, services),
        transfer_link.router(pages, services),
        deadlines.router(pages, services),
        encompass.router(pages, services),
        school_settings.router(pages, services),
        trust.router(pages, services),
        admin_audit.router(pages, services),
        adult_concerns.router(pages, services),
        # Before allegation_steps: /allegations/{case_id}/access-log is a page, not a form.
        allegations.router(pages, services),
        allegation_steps.router(pages, services),
        service_health.router(pages, services, settings),
    ]
