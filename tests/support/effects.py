"""What a DSL sees after a concern: the alert, the chronology entry and the deadline."""

from __future__ import annotations

from typing import Any

import httpx

from tests.support.api import School, eventually


async def alerts_for(notification: httpx.AsyncClient, school: School, source_id: str) -> list[Any]:
    response = await notification.get("/v1/alerts", headers=school.dsl, params={"limit": 500})
    assert response.status_code == 200, response.text
    return [a for a in response.json()["alerts"] if a["source_id"] == source_id]


async def entries_for(
    records: httpx.AsyncClient, school: School, pupil_id: str, source_id: str
) -> list[Any]:
    response = await records.get(f"/v1/children/{pupil_id}/chronology", headers=school.dsl)
    if response.status_code == 404:
        return []
    assert response.status_code == 200, response.text
    return [e for e in response.json()["entries"] if e["source_id"] == source_id]


async def deadlines_for(
    case: httpx.AsyncClient, school: School, pupil_id: str, source_id: str
) -> list[Any]:
    response = await case.get("/v1/deadlines", headers=school.dsl, params={"pupil_id": pupil_id})
    assert response.status_code == 200, response.text
    return [d for d in response.json()["deadlines"] if d["source_id"] == source_id]


async def wait_for_fanout(
    clients: Any, school: School, pupil_id: str, source_id: str, timeout: float = 20
) -> tuple[list[Any], list[Any], list[Any]]:
    alerts = await eventually(
        lambda: alerts_for(clients.notification, school, source_id), bool, timeout=timeout
    )
    entries = await eventually(
        lambda: entries_for(clients.records, school, pupil_id, source_id), bool, timeout=timeout
    )
    deadlines = await eventually(
        lambda: deadlines_for(clients.case, school, pupil_id, source_id), bool, timeout=timeout
    )
    return alerts, entries, deadlines
