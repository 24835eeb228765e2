from pydantic import Field

from services.common.settings import CommonSettings


class RecordsSettings(CommonSettings):
    host: str = Field(default="127.0.0.1", validation_alias="HARBOUR_RECORDS_HOST")
    port: int = Field(default=8004, validation_alias="HARBOUR_RECORDS_PORT")
