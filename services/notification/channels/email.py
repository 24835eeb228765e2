"""E-mail alerts over SMTP."""

from email.message import EmailMessage
from email.utils import formataddr, formatdate, make_msgid
from typing import Self

import aiosmtplib
from pydantic import BaseModel, ConfigDict, EmailStr, Field, SecretStr, model_validator

from services.notification.channels import DeliveryError

_MAX_REASON = 160


class SmtpConfig(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    host: str = Field(min_length=1)
    port: int = Field(default=587, ge=1, le=65_535)
    starttls: bool = True
    username: str | None = None
    password: SecretStr | None = None
    from_address: EmailStr
    from_name: str = "Harbour"
    timeout_seconds: float = Field(default=10.0, gt=0)

    @model_validator(mode="after")
    def _credentials_in_pairs(self) -> Self:
        if (self.username is None) != (self.password is None):
            raise ValueError("username and password go together")
        return self


class EmailChannel:
    def __init__(self, config: SmtpConfig) -> None:
        self._config = config

    async def send(self, to: str, subject: str, body: str) -> None:
        """Hand one message to the SMTP server; raise ``DeliveryError`` if it is refused."""
        message = self._build(to, subject, body)
        config = self._config
        try:
            await aiosmtplib.send(
                message,
                sender=config.from_address,
                recipients=[to],
                hostname=config.host,
                port=config.port,
                start_tls=config.starttls,
                username=config.username,
                password=config.password.get_secret_value() if config.password else None,
                timeout=config.timeout_seconds,
            )
        except aiosmtplib.SMTPException as exc:
            raise _classify(exc) from exc
        except OSError as exc:
            raise DeliveryError(transient=True, reason=f"smtp {type(exc).__name__}") from exc

    def _build(self, to: str, subject: str, body: str) -> EmailMessage:
        config = self._config
        message = EmailMessage()
        try:
            message["From"] = formataddr((config.from_name, config.from_address))
            message["To"] = to
            message["Subject"] = subject
        except ValueError as exc:  # e.g. a line break in a header value
            raise DeliveryError(transient=False, reason="invalid e-mail header") from exc
        message["Date"] = formatdate(usegmt=True)
        # An explicit domain avoids a hostname lookup on every message.
        message["Message-ID"] = make_msgid(domain=config.from_address.rpartition("@")[2])
        # Stops out-of-office replies to an address nobody reads.
        message["Auto-Submitted"] = "auto-generated"
        message.set_content(body)
        return message


def _classify(exc: aiosmtplib.SMTPException) -> DeliveryError:
    if isinstance(exc, aiosmtplib.SMTPRecipientsRefused):
        codes = [refusal.code for refusal in exc.recipients]
        transient = all(_is_temporary(code) for code in codes)
        return DeliveryError(transient=transient, reason=f"smtp recipient refused {codes}")
    if isinstance(exc, aiosmtplib.SMTPResponseException):
        prefix = f"smtp {exc.code} {type(exc).__name__}"
        return DeliveryError(transient=_is_temporary(exc.code), reason=_reason(prefix, exc.message))
    if isinstance(
        exc,
        aiosmtplib.SMTPConnectError
        | aiosmtplib.SMTPTimeoutError
        | aiosmtplib.SMTPServerDisconnected,
    ):
        return DeliveryError(transient=True, reason=f"smtp {type(exc).__name__}")
    # What is left is the client refusing to go on, e.g. STARTTLS or AUTH configured but
    # not offered by the server: a configuration problem that retrying will not fix.
    return DeliveryError(transient=False, reason=_reason("smtp unsupported", exc.message))


def _is_temporary(code: int) -> bool:
    # Only 5xx is a definite no; 4xx and odd codes (e.g. a garbled reply) may pass.
    return not 500 <= code < 600


def _reason(prefix: str, server_text: str) -> str:
    text = " ".join(server_text.split())
    return f"{prefix}: {text}"[:_MAX_REASON]
