"""SMS and push alerts through a GOV.UK Notify-style HTTP gateway."""

from collections.abc import Mapping
from typing import Any

import httpx
from pydantic import BaseModel, ConfigDict, Field, HttpUrl, SecretStr

from services.notification.channels import DeliveryError

_MAX_REASON = 160
# Rate limiting and request timeouts clear up by themselves; other 4xx will not.
_RETRYABLE_CLIENT_ERRORS = frozenset({408, 429})


class GatewayConfig(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    base_url: HttpUrl
    api_key: SecretStr
    sms_template_id: str = Field(min_length=1)
    push_template_id: str = Field(min_length=1)
    timeout_seconds: float = Field(default=10.0, gt=0)
    connect_timeout_seconds: float = Field(default=5.0, gt=0)


class GatewayChannel:
    """Sends through a caller-owned ``httpx.AsyncClient`` (pooling and lifecycle are theirs)."""

    def __init__(self, client: httpx.AsyncClient, config: GatewayConfig) -> None:
        self._client = client
        self._config = config
        self._base = str(config.base_url).rstrip("/")
        # Explicit per request, so a client built without timeouts cannot hang a delivery.
        self._timeout = httpx.Timeout(
            config.timeout_seconds, connect=config.connect_timeout_seconds
        )

    async def send_sms(
        self, phone_number: str, personalisation: Mapping[str, str], reference: str
    ) -> str | None:
        """Returns the gateway's notification id, if it gave one."""
        payload = {
            "phone_number": phone_number,
            "template_id": self._config.sms_template_id,
            "personalisation": dict(personalisation),
            "reference": reference,
        }
        return await self._post("/v2/notifications/sms", payload)

    async def send_push(
        self, push_endpoint: str, personalisation: Mapping[str, str], reference: str
    ) -> str | None:
        """Returns the gateway's notification id, if it gave one."""
        payload = {
            "push_endpoint": push_endpoint,
            "template_id": self._config.push_template_id,
            "personalisation": dict(personalisation),
            "reference": reference,
        }
        return await self._post("/v2/notifications/push", payload)

    async def _post(self, path: str, payload: dict[str, Any]) -> str | None:
        headers = {"Authorization": f"ApiKey-v1 {self._config.api_key.get_secret_value()}"}
        try:
            response = await self._client.post(
                f"{self._base}{path}", json=payload, headers=headers, timeout=self._timeout
            )
        except httpx.TimeoutException as exc:
            raise DeliveryError(
                transient=True, reason=f"gateway timeout ({type(exc).__name__})"
            ) from exc
        except httpx.TransportError as exc:
            raise DeliveryError(
                transient=True, reason=f"gateway unreachable ({type(exc).__name__})"
            ) from exc
        if response.is_success:
            return _notification_id(response)
        raise _failure(response)


def _failure(response: httpx.Response) -> DeliveryError:
    status = response.status_code
    transient = status >= 500 or status in _RETRYABLE_CLIENT_ERRORS
    detail = _error_summary(response)
    reason = f"gateway {status}" + (f": {detail}" if detail else "")
    return DeliveryError(transient=transient, reason=reason[:_MAX_REASON])


def _notification_id(response: httpx.Response) -> str | None:
    body = _json(response)
    notification_id = body.get("id") if isinstance(body, dict) else None
    return notification_id if isinstance(notification_id, str) else None


def _error_summary(response: httpx.Response) -> str:
    """Notify-style ``{"errors": [{"error": ..., "message": ...}]}``, flattened."""
    body = _json(response)
    errors = body.get("errors") if isinstance(body, dict) else None
    if not isinstance(errors, list):
        return ""
    parts = [
        f"{item.get('error', '')} {item.get('message', '')}".strip()
        for item in errors
        if isinstance(item, dict)
    ]
    return " ".join("; ".join(parts).split())


def _json(response: httpx.Response) -> object:
    try:
        return response.json()
    except ValueError:
        return None
