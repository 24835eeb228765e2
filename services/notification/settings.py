from pydantic import Field

from services.common.settings import CommonSettings


class NotificationSettings(CommonSettings):
    host: str = Field(default="127.0.0.1", validation_alias="HARBOUR_NOTIFICATION_HOST")
    port: int = Field(default=8003, validation_alias="HARBOUR_NOTIFICATION_PORT")
