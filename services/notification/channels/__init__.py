"""Outbound alert channels. Adapters take their config in the constructor and raise
``DeliveryError`` on failure; retrying is the caller's job."""


class DeliveryError(Exception):
    """A delivery failed. ``transient`` says whether retrying may help.

    ``reason`` is for logs and the delivery record: it names the failure (status code,
    error class) and never carries message content.
    """

    def __init__(self, *, transient: bool, reason: str) -> None:
        super().__init__(reason)
        self.transient = transient
        self.reason = reason

    def __repr__(self) -> str:
        return f"DeliveryError(transient={self.transient!r}, reason={self.reason!r})"
