"""The rota as the settings page edits it: one line per member,
`tier, user id, name, e-mail, mobile, role`. Pure."""

from __future__ import annotations

import csv
import io
from typing import Any


def rota_to_text(rota: dict[str, Any] | None) -> str:
    if not rota:
        return ""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    for number, tier in enumerate(rota.get("tiers", []), start=1):
        for m in tier.get("members", []):
            writer.writerow(
                [number, m["user_id"], m["name"], m["email"], m["phone"], m.get("role") or ""]
            )
    return out.getvalue()


def text_to_rota(text: str, step_minutes: int) -> tuple[dict[str, Any] | None, str | None]:
    tiers: dict[int, list[dict[str, Any]]] = {}
    for line_number, row in enumerate(csv.reader(io.StringIO(text)), start=1):
        if not row or not any(cell.strip() for cell in row):
            continue
        cells = [cell.strip() for cell in row]
        if len(cells) not in (5, 6) or not cells[0].isdigit():
            return None, (
                f"Line {line_number}: write tier, user ID, name, e-mail, mobile and role "
                "(role may be empty)"
            )
        member: dict[str, Any] = dict(
            zip(("user_id", "name", "email", "phone"), cells[1:5], strict=True)
        )
        if len(cells) == 6 and cells[5]:
            member["role"] = cells[5]
        tiers.setdefault(int(cells[0]), []).append(member)
    if not tiers:
        return None, "Enter at least one member"
    ordered = [{"members": tiers[n]} for n in sorted(tiers)]
    return {"tiers": ordered, "escalation": {"normal_step_seconds": step_minutes * 60}}, None
