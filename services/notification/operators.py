"""The operators' alert loop: finds alerts about dead letters whose e-mails are due and
sends them (usecases/notify_operators.py)."""

from __future__ import annotations

from services.notification.channels.email import EmailChannel, SmtpConfig
from services.notification.polling import poll
from services.notification.ports import NotificationPorts
from services.notification.usecases.notify_operators import notify_operators


class OperatorsLoop:
    def __init__(
        self, ports: NotificationPorts, smtp: SmtpConfig | None, poll_seconds: float
    ) -> None:
        self._ports = ports
        self._email = EmailChannel(smtp) if smtp is not None else None
        self._poll = poll_seconds

    async def run(self) -> None:
        await poll("operators", self._ports.signals.operations, self._poll, self.one_pass)

    async def one_pass(self) -> int:
        """Returns how many alerts were sent (or tried)."""
        if self._email is None:
            return 0
        ports = self._ports
        due = await ports.store.operations.due(ports.clock.now(), 20)
        return sum([await notify_operators(ports, self._email.send, a) for a in due])
