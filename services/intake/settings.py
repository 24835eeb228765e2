from pydantic import Field

from services.common.settings import CommonSettings


class IntakeSettings(CommonSettings):
    host: str = Field(default="127.0.0.1", validation_alias="HARBOUR_INTAKE_HOST")
    port: int = Field(default=8001, validation_alias="HARBOUR_INTAKE_PORT")
    # How often to look for pupils whose leaving date has passed since their import.
    leaver_check_seconds: float = Field(
        default=3600, gt=0, validation_alias="HARBOUR_INTAKE_LEAVER_CHECK_SECONDS"
    )
