"""The web service's settings (HARBOUR_WEB_*, HARBOUR_OIDC_*, HARBOUR_DEV_LOGIN)."""

from __future__ import annotations

import fcntl
from pathlib import Path

from cryptography.fernet import Fernet
from pydantic import Field, SecretStr

from services.common.settings import CommonSettings

HERE = Path(__file__).resolve().parent


class WebSettings(CommonSettings):
    host: str = Field(default="127.0.0.1", validation_alias="HARBOUR_WEB_HOST")
    port: int = Field(default=8080, validation_alias="HARBOUR_WEB_PORT")
    # Where the browser reaches this service: the OIDC redirect URI is built from it, and
    # cookies are marked Secure unless it is http on a loopback host.
    public_url: str = Field(default="", validation_alias="HARBOUR_WEB_PUBLIC_URL")

    intake_url: str = Field(default="http://127.0.0.1:8001", validation_alias="HARBOUR_INTAKE_URL")
    case_url: str = Field(default="http://127.0.0.1:8002", validation_alias="HARBOUR_CASE_URL")
    notification_url: str = Field(
        default="http://127.0.0.1:8003", validation_alias="HARBOUR_NOTIFICATION_URL"
    )
    records_url: str = Field(
        default="http://127.0.0.1:8004", validation_alias="HARBOUR_RECORDS_URL"
    )
    backend_timeout_seconds: float = Field(
        default=10.0, gt=0, validation_alias="HARBOUR_WEB_BACKEND_TIMEOUT_SECONDS"
    )

    # The session cookie is sealed (encrypted and authenticated) with a Fernet key. Several
    # keys, comma-separated, newest first, allow rotation. Locally: a file under .data/keys.
    session_key: SecretStr | None = Field(default=None, validation_alias="HARBOUR_WEB_SESSION_KEY")
    session_key_file: Path | None = Field(
        default=None, validation_alias="HARBOUR_WEB_SESSION_KEY_FILE"
    )
    session_idle_seconds: int = Field(
        default=30 * 60, ge=60, le=12 * 3600, validation_alias="HARBOUR_WEB_SESSION_IDLE_SECONDS"
    )

    # Form posts: the concern form is the largest (three 10,000-character answers, which
    # URL-encoding can make 9 times longer); a roll upload has its own, larger bound.
    web_max_body_bytes: int = Field(
        default=1024 * 1024, ge=64 * 1024, validation_alias="HARBOUR_WEB_MAX_BODY_BYTES"
    )

    # Local development only: sign in as anyone with a token signed by the dev key pair.
    dev_login: bool = Field(default=False, validation_alias="HARBOUR_DEV_LOGIN")
    dev_token_ttl_seconds: int = Field(default=8 * 3600, validation_alias="HARBOUR_DEV_TOKEN_TTL")

    # Production: OpenID Connect (authorization code flow with PKCE).
    oidc_issuer: str | None = Field(default=None, validation_alias="HARBOUR_OIDC_ISSUER")
    oidc_client_id: str | None = Field(default=None, validation_alias="HARBOUR_OIDC_CLIENT_ID")
    oidc_client_secret: SecretStr | None = Field(
        default=None, validation_alias="HARBOUR_OIDC_CLIENT_SECRET"
    )
    oidc_scope: str = Field(default="openid profile email", validation_alias="HARBOUR_OIDC_SCOPE")
    # Which of the provider's tokens the services are given: its access token (configured
    # at the provider with audience HARBOUR_JWT_AUDIENCE and the roles / school_id /
    # trust_id claims), or the ID token where the provider puts those claims there.
    oidc_service_token: str = Field(
        default="access_token",
        pattern="^(access_token|id_token)$",
        validation_alias="HARBOUR_OIDC_SERVICE_TOKEN",
    )

    # GOV.UK Frontend's built files (npm ci in services/web installs them).
    assets_dir: Path = Field(
        default=HERE / "node_modules" / "govuk-frontend" / "dist" / "govuk",
        validation_alias="HARBOUR_WEB_ASSETS_DIR",
    )
    # How often the alerts inbox refreshes itself when JavaScript is on.
    inbox_refresh_seconds: int = Field(
        default=20, ge=2, le=600, validation_alias="HARBOUR_WEB_INBOX_REFRESH_SECONDS"
    )

    def session_keys(self) -> list[bytes]:
        if self.session_key is not None:
            raw = self.session_key.get_secret_value()
        else:
            path = self.session_key_file or self.data_dir / "keys" / "web-session.key"
            if not path.is_file() and self.dev_login and self.session_key_file is None:
                _write_dev_session_key(path)
            if not path.is_file():
                raise RuntimeError(
                    f"session key {path} not found: run `harbour dev-keys` or set "
                    "HARBOUR_WEB_SESSION_KEY"
                )
            raw = path.read_text(encoding="ascii")
        return [key.strip().encode("ascii") for key in raw.split(",") if key.strip()]

    def oidc_enabled(self) -> bool:
        return bool(self.oidc_issuer and self.oidc_client_id)


def _write_dev_session_key(path: Path) -> None:
    """Locally, the first start with dev sign-in makes the session key (like dev-keys)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with (path.parent / ".lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not path.is_file():
            path.touch(mode=0o600)
            path.write_bytes(Fernet.generate_key() + b"\n")
