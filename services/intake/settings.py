from pathlib import Path

from pydantic import Field, SecretStr

from services.common.settings import CommonSettings


class IntakeSettings(CommonSettings):
    host: str = Field(default="127.0.0.1", validation_alias="HARBOUR_INTAKE_HOST")
    port: int = Field(default=8001, validation_alias="HARBOUR_INTAKE_PORT")
    # How often to look for pupils whose leaving date has passed since their import.
    leaver_check_seconds: float = Field(
        default=3600, gt=0, validation_alias="HARBOUR_INTAKE_LEAVER_CHECK_SECONDS"
    )
    # Seals the Encompass senders' shared secrets at rest. Production: one or more Fernet
    # keys, comma-separated, newest first (older ones still open what they sealed).
    # Locally: the file `harbour dev-keys` writes.
    secrets_key: SecretStr | None = Field(default=None, validation_alias="HARBOUR_SECRETS_KEY")
    secrets_key_file: Path | None = Field(default=None, validation_alias="HARBOUR_SECRETS_KEY_FILE")

    def secrets_keys(self) -> list[bytes]:
        if self.secrets_key is not None:
            raw = self.secrets_key.get_secret_value()
        else:
            path = self.secrets_key_file or self.data_dir / "keys" / "secrets.key"
            if not path.is_file():
                raise RuntimeError(
                    f"secrets key {path} not found: run `harbour dev-keys` or set "
                    "HARBOUR_SECRETS_KEY"
                )
            raw = path.read_text(encoding="ascii")
        return [key.strip().encode("ascii") for key in raw.split(",") if key.strip()]
