from pathlib import Path

from pydantic import Field, SecretStr

from services.common.settings import CommonSettings


class RecordsSettings(CommonSettings):
    host: str = Field(default="127.0.0.1", validation_alias="HARBOUR_RECORDS_HOST")
    port: int = Field(default=8004, validation_alias="HARBOUR_RECORDS_PORT")
    # Signs transfer bundles (Ed25519, PEM PKCS#8). Production: the deployment's key, kept
    # like any secret; its public half is served at /.well-known/harbour-transfer-key.
    # Locally: the file `harbour dev-keys` writes.
    transfer_signing_key: SecretStr | None = Field(
        default=None, validation_alias="HARBOUR_TRANSFER_SIGNING_KEY"
    )
    transfer_signing_key_file: Path | None = Field(
        default=None, validation_alias="HARBOUR_TRANSFER_SIGNING_KEY_FILE"
    )
    # How long a one-time link to a file sent outside this deployment stays open.
    transfer_link_days: int = Field(
        default=7, ge=1, le=30, validation_alias="HARBOUR_TRANSFER_LINK_DAYS"
    )
    # Wrong access codes before a link locks (the sending DSL then offers it again).
    transfer_code_attempts: int = Field(default=5, ge=1, le=20)
    # A closed file is due for review this many years after the child's birth (25th birthday).
    retention_years: int = Field(
        default=25, ge=1, le=120, validation_alias="HARBOUR_RETENTION_YEARS"
    )

    def signing_key_pem(self) -> bytes:
        if self.transfer_signing_key is not None:
            return self.transfer_signing_key.get_secret_value().encode("ascii")
        path = self.transfer_signing_key_file or self.data_dir / "keys" / "transfer-signing.pem"
        if not path.is_file():
            raise RuntimeError(
                f"transfer signing key {path} not found: run `harbour dev-keys` or set "
                "HARBOUR_TRANSFER_SIGNING_KEY"
            )
        return path.read_bytes()
