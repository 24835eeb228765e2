"""The four clients over one shared httpx.AsyncClient (one connection pool per process)."""

from __future__ import annotations

from dataclasses import dataclass

import httpx

from services.web.clients.case import CaseClient
from services.web.clients.intake import IntakeClient
from services.web.clients.notification import NotificationClient
from services.web.clients.records import RecordsClient
from services.web.settings import WebSettings


@dataclass(frozen=True)
class Services:
    http: httpx.AsyncClient
    intake: IntakeClient
    case: CaseClient
    notification: NotificationClient
    records: RecordsClient

    @classmethod
    def connect(cls, settings: WebSettings) -> Services:
        http = httpx.AsyncClient(
            timeout=settings.backend_timeout_seconds,
            limits=httpx.Limits(max_connections=100, max_keepalive_connections=20),
        )
        return cls(
            http=http,
            intake=IntakeClient(http, settings.intake_url),
            case=CaseClient(http, settings.case_url),
            notification=NotificationClient(http, settings.notification_url),
            records=RecordsClient(http, settings.records_url),
        )

    async def aclose(self) -> None:
        await self.http.aclose()
