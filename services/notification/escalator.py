"""The escalation loop: finds alerts whose timer is due and takes their due steps
(usecases/escalate.py says how, and why each tier is notified exactly once)."""

from __future__ import annotations

from services.notification.polling import poll
from services.notification.ports import NotificationPorts
from services.notification.usecases.escalate import take_due_steps


class EscalationLoop:
    def __init__(self, ports: NotificationPorts, poll_seconds: float, batch: int = 100) -> None:
        self._ports = ports
        self._poll = poll_seconds
        self._batch = batch

    async def run(self) -> None:
        await poll("escalation", self._ports.signals.escalation, self._poll, self.one_pass)

    async def one_pass(self) -> int:
        """Returns how many alerts took steps."""
        ports = self._ports
        due = await ports.store.alert_timers.due(ports.clock.now(), self._batch)
        return sum([await take_due_steps(ports, alert_id) for alert_id in due])
