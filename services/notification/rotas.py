"""Reading a school's current rota. Escalation takes the rota as it is at each step."""

from __future__ import annotations

from services.notification.domain.rota import Rota
from services.notification.store import NotificationStore


class RotaBook:
    def __init__(self, store: NotificationStore) -> None:
        self._store = store

    async def current(self, school_id: str) -> Rota | None:
        stored = await self._store.rotas.find_one({"_id": school_id})
        return Rota.model_validate(stored["rota"]) if stored else None

    async def is_member(self, school_id: str, user_id: str) -> bool:
        found = await self._store.rotas.find_one({"_id": school_id, "member_ids": user_id})
        return found is not None
