"""Sending one delivery over its channel, with the privacy-safe texts for its notice."""

from __future__ import annotations

from services.notification.channels import DeliveryError
from services.notification.channels.email import EmailChannel, SmtpConfig
from services.notification.channels.gateway import GatewayChannel, GatewayConfig
from services.notification.domain.delivery import Channel
from services.notification.domain.messages import (
    LinkNotice,
    Notice,
    email_body,
    email_subject,
    gateway_personalisation,
    link_email_body,
    link_email_subject,
)


def enabled_channels(smtp: SmtpConfig | None, gateway: GatewayConfig | None) -> frozenset[Channel]:
    """The channels this service is configured for: e-mail with SMTP, SMS and push with
    the gateway."""
    channels: set[Channel] = set()
    if smtp is not None:
        channels.add("email")
    if gateway is not None:
        channels |= {"sms", "push"}
    return frozenset(channels)


class Dispatcher:
    def __init__(self, email: EmailChannel | None, gateway: GatewayChannel | None) -> None:
        self._email = email
        self._gateway = gateway

    async def send(
        self, channel: Channel, address: str, notice: Notice | LinkNotice, reference: str
    ) -> str | None:
        """Returns the provider's id for the message, if it gave one."""
        if isinstance(notice, LinkNotice):
            if channel != "email" or self._email is None:
                raise DeliveryError(transient=False, reason="e-mail channel not configured")
            await self._email.send(address, link_email_subject(notice), link_email_body(notice))
            return None
        if channel == "email" and self._email is not None:
            await self._email.send(address, email_subject(notice), email_body(notice))
            return None
        if channel == "sms" and self._gateway is not None:
            return await self._gateway.send_sms(address, gateway_personalisation(notice), reference)
        if channel == "push" and self._gateway is not None:
            return await self._gateway.send_push(
                address, gateway_personalisation(notice), reference
            )
        # Configuration changed since the delivery was planned.
        raise DeliveryError(transient=False, reason=f"{channel} channel not configured")
