"""Settings shared by every service; each service subclasses it in its own settings.py.

Built once in the service's composition root (main.py) and passed in; never read at import.
"""

from __future__ import annotations

from pathlib import Path

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

from services.common.field_cipher import DATA_KEYS_NAME, KeyEncryptionKeys


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

    # Store commands in flight per process. FerretDB serialises writes in SQLite, whose busy
    # handler sleeps and retries: with many writers waiting, throughput collapsed (150
    # concerns/s offered: 9/s accepted with pymongo's default of 100, 103/s with 8). Queueing
    # in the driver instead keeps the store busy. On MongoDB a larger pool may pay.
    mongo_max_pool_size: int = Field(default=8, ge=1, le=500)

    delivery_limit: int = Field(default=5, ge=1, le=50)
    prefetch: int = Field(default=32, ge=1, le=1000)
    publish_timeout_seconds: float = Field(default=5.0, gt=0)
    relay_poll_seconds: float = Field(default=0.5, gt=0)
    # Finds events no relay published: at start, and this often for a replica that died
    # and stayed down. On FerretDB it reads every document of every outbox collection
    # (4.8 s of store time for 50,000 pupils), so not often; on MongoDB it uses an index.
    relay_sweep_seconds: float = Field(default=300.0, gt=0)
    # Published events are marked in their documents together, this long after the first:
    # one store write for many documents instead of one each.
    relay_mark_seconds: float = Field(default=0.25, ge=0)
    handler_retry_seconds: float = Field(default=20.0, ge=0)
    # How long a process may use a school's calendar, rota, pattern rules or record without
    # reading it again, should it miss another replica's change (services.common.
    # school_changes tells it at once otherwise). 0: read them every time.
    school_cache_seconds: float = Field(default=60.0, ge=0)
    max_body_bytes: int = Field(default=64 * 1024, ge=1024)
    # Our deepest real body (a rota: tiers → members → member) is 5 levels; json.loads
    # recurses per level and fails with a RecursionError near 1,000.
    max_json_depth: int = Field(default=32, ge=4, le=500)
    log_level: str = "INFO"

    # Safeguarding roles must have signed in with MFA: `amr` containing "mfa", or `acr`
    # equal to `mfa_acr` (an IdP that names its MFA level that way). `make up` turns it off.
    require_mfa: bool = True
    mfa_acr: str | None = None
    # Seconds of clock skew allowed between the identity provider and this host (exp/nbf/iat).
    jwt_leeway_seconds: int = Field(default=30, ge=0, le=300)

    # Writes (POST, PUT, PATCH, DELETE) each user and each client address may make: a token
    # bucket refilled at `per_minute`, holding at most `burst`. Counted per process.
    rate_limit_user_per_minute: int = Field(default=120, ge=1)
    rate_limit_user_burst: int = Field(default=60, ge=1)
    rate_limit_address_per_minute: int = Field(default=600, ge=1)
    rate_limit_address_burst: int = Field(default=200, ge=1)
    # Peers whose X-Forwarded-For / X-Forwarded-Proto are believed (the load balancer, and
    # web in front of the four APIs): comma-separated addresses or networks, or "*".
    trusted_proxies: str = "127.0.0.1,::1"
    # Strict-Transport-Security on every answer: set when TLS ends in front of Harbour and
    # the proxy does not say so with X-Forwarded-Proto (a request that arrives as https,
    # directly or by a trusted proxy's word, gets it anyway).
    behind_tls: bool = False
    # /docs, /redoc and /openapi.json; production may turn them off (`harbour openapi
    # SERVICE` still prints the document, built in-process).
    api_docs: bool = True

    # The key-encryption keys that wrap each trust's data keys (encryption at rest of free
    # text, services.common.field_cipher): base64url of 32 random bytes, comma-separated,
    # newest first. Locally: the file `harbour dev-keys` writes.
    data_keys: SecretStr | None = None
    data_keys_file: Path | None = None

    def data_key_encryption_keys(self) -> KeyEncryptionKeys:
        if self.data_keys is not None:
            return KeyEncryptionKeys.parse(self.data_keys.get_secret_value())
        path = self.data_keys_file or self.data_dir / "keys" / DATA_KEYS_NAME
        if not path.is_file():
            raise RuntimeError(
                f"data keys {path} not found: run `harbour dev-keys` or set HARBOUR_DATA_KEYS"
            )
        return KeyEncryptionKeys.parse(path.read_text(encoding="ascii"))

    # Readiness (`/readyz` answers 503): an event stored but unpublished for longer than
    # this (the broker refuses or cannot be reached), or a dead-letter queue that grew
    # within the window (0: never fail for that; the DLQ is still reported).
    ready_outbox_age_seconds: float = Field(default=60.0, gt=0)
    ready_dead_letter_window_seconds: float = Field(default=300.0, ge=0)
    dead_letter_sample_seconds: float = Field(default=10.0, gt=0)
    # Gauges read from the timer collections (open deadlines, pending deliveries): this
    # often. On FerretDB a count scans: 0.6 s for 17,000 open deadlines, measured.
    metrics_sample_seconds: float = Field(default=60.0, gt=0)

    # SIGTERM: HTTP requests get `http_drain_seconds`, handlers already running get
    # `consumer_drain_seconds` (both start at once; later messages are left unacked and
    # redelivered), then connections close. The process exits by `shutdown_seconds` after
    # the signal whatever still runs (what it held is redelivered or swept, as after a crash).
    http_drain_seconds: int = Field(default=2, ge=0)
    consumer_drain_seconds: float = Field(default=4.0, ge=0)
    shutdown_seconds: float = Field(default=9.5, gt=0)

    def public_key_path(self) -> Path:
        return self.jwt_public_key_file or self.data_dir / "keys" / "jwt-public.pem"

    def database_name(self, service: str) -> str:
        return f"{self.db_prefix}{service}"
