from pydantic import Field

from services.common.settings import CommonSettings


class CaseSettings(CommonSettings):
    host: str = Field(default="127.0.0.1", validation_alias="HARBOUR_CASE_HOST")
    port: int = Field(default=8002, validation_alias="HARBOUR_CASE_PORT")
    scheduler_interval_seconds: float = Field(default=2.0, gt=0, le=60)
    # How long before a deadline it counts as approaching, as a share of its window
    # (encompass-before-school is always 30 minutes before the school day starts).
    approaching_fraction: float = Field(default=0.25, gt=0, lt=1)
