"""JSON views of transfers, shared by the routers."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from services.common.store import Document
from services.records.domain.transfers import state_of


def transfer_view(transfer: Document, now: datetime) -> dict[str, Any]:
    attempts = transfer.get("attempts", [])
    received = transfer.get("received")
    return {
        "transfer_id": transfer["_id"],
        "pupil_id": transfer["pupil_id"],
        "school_id": transfer["school_id"],
        "reason": transfer["reason"],
        "counts_from": transfer["counts_from"],
        "state": state_of(transfer, now),
        "created_at": transfer["created_at"],
        "destination_urn": transfer.get("destination_urn"),
        "attempts": [
            {
                "attempt_id": a["attempt_id"],
                "route": a["route"],
                "at": a["at"],
                "by": a["by"],
                "to_school_id": a["to_school_id"],
                "to_school_name": a["to_school_name"],
                "to_urn": a["to_urn"],
                "email": a["email"],
                "expires_at": a["expires_at"],
                "downloads": a["downloads"],
                "last_downloaded_at": a["last_downloaded_at"],
            }
            for a in attempts
        ],
        "received": (
            {k: received.get(k) for k in ("route", "by", "at", "into_school_id", "into_pupil_id")}
            if received
            else None
        ),
    }
