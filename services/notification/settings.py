"""notification's settings: the common ones plus channels and escalation timings.

Env names are HARBOUR_<FIELD> (e.g. HARBOUR_SMTP_HOST). Secrets (SMTP password, gateway
API key) come from the environment only and are SecretStr, so they never reach a log.
A channel without its host/URL is disabled: its deliveries are recorded as such.
"""

from email_validator import EmailNotValidError, validate_email
from pydantic import Field, HttpUrl, SecretStr, field_validator

from services.common.settings import CommonSettings
from services.notification.channels.email import SmtpConfig
from services.notification.channels.gateway import GatewayConfig


class NotificationSettings(CommonSettings):
    host: str = Field(default="127.0.0.1", validation_alias="HARBOUR_NOTIFICATION_HOST")
    port: int = Field(default=8003, validation_alias="HARBOUR_NOTIFICATION_PORT")

    # Links in e-mails and texts: <public_base_url>/alerts/<alert_id>, nothing else.
    public_base_url: HttpUrl = HttpUrl("http://localhost:8080")

    smtp_host: str | None = None
    smtp_port: int = Field(default=587, ge=1, le=65_535)
    smtp_starttls: bool = True
    smtp_username: str | None = None
    smtp_password: SecretStr | None = None
    smtp_from_address: str = "alerts@harbour.example.org"
    smtp_from_name: str = "Harbour"
    smtp_timeout_seconds: float = Field(default=10.0, gt=0)

    gateway_url: HttpUrl | None = None
    gateway_api_key: SecretStr | None = None
    gateway_sms_template_id: str = "harbour-alert-sms"
    gateway_push_template_id: str = "harbour-alert-push"
    gateway_timeout_seconds: float = Field(default=10.0, gt=0)

    # How often the background loops look for due work (they are also woken on new work).
    escalation_poll_seconds: float = Field(default=1.0, gt=0)
    delivery_poll_seconds: float = Field(default=1.0, gt=0)
    # A delivery being sent is left alone by other replicas for this long (longer than a
    # channel's timeout); if its sender dies, it is sent again after it.
    delivery_lease_seconds: float = Field(default=60.0, gt=0)
    # Retries of a failed delivery: base * 2^(n-1), capped; then it has finally failed.
    delivery_retry_base_seconds: float = Field(default=2.0, gt=0)
    delivery_retry_cap_seconds: float = Field(default=300.0, gt=0)
    delivery_max_attempts: int = Field(default=5, ge=1, le=20)
    delivery_concurrency: int = Field(default=8, ge=1, le=100)

    # Who runs Harbour: e-mailed (content-free) when a message is dead-lettered in any
    # service. Comma-separated; empty: the alert is only stored, counted and logged.
    operations_email: str = ""
    operations_poll_seconds: float = Field(default=5.0, gt=0)

    @field_validator("operations_email")
    @classmethod
    def _addresses(cls, value: str) -> str:
        for address in filter(None, (a.strip() for a in value.split(","))):
            try:
                validate_email(address, check_deliverability=False)
            except EmailNotValidError:
                raise ValueError("operations_email: not an e-mail address") from None
        return value

    def operators(self) -> tuple[str, ...]:
        return tuple(filter(None, (a.strip() for a in self.operations_email.split(","))))

    def smtp_config(self) -> SmtpConfig | None:
        if not self.smtp_host:
            return None
        return SmtpConfig(
            host=self.smtp_host,
            port=self.smtp_port,
            starttls=self.smtp_starttls,
            username=self.smtp_username,
            password=self.smtp_password,
            from_address=self.smtp_from_address,
            from_name=self.smtp_from_name,
            timeout_seconds=self.smtp_timeout_seconds,
        )

    def gateway_config(self) -> GatewayConfig | None:
        if self.gateway_url is None or self.gateway_api_key is None:
            return None
        return GatewayConfig(
            base_url=self.gateway_url,
            api_key=self.gateway_api_key,
            sms_template_id=self.gateway_sms_template_id,
            push_template_id=self.gateway_push_template_id,
            timeout_seconds=self.gateway_timeout_seconds,
            connect_timeout_seconds=min(5.0, self.gateway_timeout_seconds),
        )
