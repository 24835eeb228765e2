"""Settings shared by every service; each service subclasses it in its own settings.py.

Built once in the service's composition root (main.py) and passed in; never read at import.
"""

from __future__ import annotations

from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class CommonSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="HARBOUR_", extra="ignore")

    rabbit_url: str = "amqp://guest:guest@127.0.0.1:5672/"
    mongo_url: str = "mongodb://127.0.0.1:27017/"
    db_prefix: str = Field(default="harbour_", pattern=r"^[A-Za-z0-9_-]{1,40}$")
    data_dir: Path = Path(".data")

    # Production: the schools' OIDC provider (JWKS). Locally: the key pair `harbour dev-token` uses.
    jwt_jwks_url: str | None = None
    jwt_public_key_file: Path | None = None
    jwt_audience: str = "harbour"
    jwt_issuer: str = "harbour-dev"

    delivery_limit: int = Field(default=5, ge=1, le=50)
    prefetch: int = Field(default=32, ge=1, le=1000)
    publish_timeout_seconds: float = Field(default=5.0, gt=0)
    relay_poll_seconds: float = Field(default=0.5, gt=0)
    # Finds events no relay published (a process that died between write and publish);
    # it scans on FerretDB, so not too often.
    relay_sweep_seconds: float = Field(default=60.0, gt=0)
    handler_retry_seconds: float = Field(default=20.0, ge=0)
    max_body_bytes: int = Field(default=64 * 1024, ge=1024)
    log_level: str = "INFO"

    def public_key_path(self) -> Path:
        return self.jwt_public_key_file or self.data_dir / "keys" / "jwt-public.pem"

    def database_name(self, service: str) -> str:
        return f"{self.db_prefix}{service}"
