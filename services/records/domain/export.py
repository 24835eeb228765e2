"""What an exported file says: the child, the context, every entry in the order things
happened (with the child's words, body maps, decisions, referrals and corrections as the
entries hold them), and on every page who exported it, when, why, and the chain head that
vouches for it. Pure: the PDF adapter (pdf.py) only lays it out."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from services.records.domain.child_file import FileVerdict
from services.records.domain.chronology import iso


@dataclass(frozen=True)
class ExportedFile:
    pupil_id: str
    school_id: str
    school_name: str | None
    child: Mapping[str, Any] | None
    send: str  # "not recorded" unless the file says
    entries: list[dict[str, Any]]  # domain/timeline.py items, earliest first
    verdict: FileVerdict
    exported_by: str
    exported_role: str
    exported_at: str
    purpose: str | None
    address_withheld: str | None = None  # why, when the child's address is withheld

    @property
    def footer(self) -> str:
        """The line at the foot of every page."""
        why = f" for {self.purpose}" if self.purpose else ""
        return (
            f"Exported by {self.exported_by} ({self.exported_role}) at {self.exported_at}{why}"
            f" · chain head {self.verdict.head}"
        )


def exported_at(moment: datetime) -> str:
    return iso(moment)
