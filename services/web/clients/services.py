"""The four clients over one shared httpx.AsyncClient (one connection pool per process)."""

from __future__ import annotations

from dataclasses import dataclass

import httpx

from services.common import log_context
from services.common.request_observer import REQUEST_ID_HEADER
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
            event_hooks={"request": [_pass_request_id]},
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


async def _pass_request_id(request: httpx.Request) -> None:
    """The page's request id goes with every call it makes, so the services' log lines for
    one click share it."""
    request_id = log_context.request_id()
    if request_id is not None:
        request.headers[REQUEST_ID_HEADER] = request_id
