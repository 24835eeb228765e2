from pydantic import Field

from services.common.settings import CommonSettings


class CaseSettings(CommonSettings):
    host: str = Field(default="127.0.0.1", validation_alias="HARBOUR_CASE_HOST")
    port: int = Field(default=8002, validation_alias="HARBOUR_CASE_PORT")
    scheduler_interval_seconds: float = Field(default=2.0, gt=0, le=60)
