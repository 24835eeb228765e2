"""The Record a concern form: what was typed (kept on every round trip), its checks, and
the body for POST /v1/concerns. Pure: no I/O."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from starlette.datastructures import FormData

from contracts.vocabulary import Category, MarkKind
from services.web import body_map
from services.web.concern_others import Other, others_body, others_from_form
from services.web.form_fields import form_text, past_moment

MAX_MARKS = 30
TEXT_FIELDS = ("description", "child_words", "actions_taken")


@dataclass
class Mark:
    view: str
    x: str
    y: str
    area: str
    kind: str
    note: str


@dataclass
class ConcernDraft:
    """Everything on the form, as strings, exactly as typed."""

    idempotency_key: str = field(default_factory=lambda: str(uuid.uuid4()))
    pupil_name: str = ""
    pupil_id: str = ""
    pupil_label: str = ""
    day: str = ""
    month: str = ""
    year: str = ""
    time: str = ""
    categories: list[str] = field(default_factory=list)
    description: str = ""
    child_words: str = ""
    actions_taken: str = ""
    immediate_danger: str = ""
    fgm_discovered: str = ""
    marks: list[Mark] = field(default_factory=list)
    other_name: str = ""
    others: list[Other] = field(default_factory=list)

    @classmethod
    def from_form(cls, form: FormData) -> ConcernDraft:
        def text(name: str) -> str:
            return form_text(form, name)

        lists = {
            name: [v if isinstance(v, str) else "" for v in form.getlist(f"mark_{name}")]
            for name in ("view", "x", "y", "area", "kind", "note")
        }
        count = min(len(lists["view"]), MAX_MARKS + 1)
        marks = [
            Mark(*(lists[n][i] if i < len(lists[n]) else "" for n in lists)) for i in range(count)
        ]
        key = text("idempotency_key")
        try:
            key = str(uuid.UUID(key))
        except ValueError:
            key = str(uuid.uuid4())
        # The chosen pupil's radio carries "<pupil_id>|<label>", so the choice stays
        # readable on later round trips without another search.
        pupil_id, _, pupil_label = text("pupil").partition("|")
        return cls(
            idempotency_key=key,
            pupil_name=text("pupil_name"),
            pupil_id=pupil_id,
            pupil_label=pupil_label[:200],
            day=text("occurred_day"),
            month=text("occurred_month"),
            year=text("occurred_year"),
            time=text("occurred_time"),
            categories=[c for c in form.getlist("categories") if isinstance(c, str)],
            description=text("description"),
            child_words=text("child_words"),
            actions_taken=text("actions_taken"),
            immediate_danger=text("immediate_danger"),
            fgm_discovered=text("fgm_discovered"),
            marks=marks,
            other_name=text("other_name"),
            others=others_from_form(form),
        )

    def add_mark_from_list(self, choice: str, kind: str, note: str) -> str | None:
        """The keyboard alternative: a mark in the middle of the chosen area."""
        view, _, area = choice.partition(":")
        spot = body_map.place(view, area)
        if spot is None:
            return "Choose where the mark is"
        if kind not in MarkKind.__members__.values():
            return "Choose the type of mark"
        if len(self.marks) >= MAX_MARKS:
            return f"You can add up to {MAX_MARKS} marks"
        self.marks.append(Mark(view, f"{spot[0]:.3f}", f"{spot[1]:.3f}", area, kind, note))
        return None

    def occurred_at(self) -> tuple[datetime | None, str | None]:
        return past_moment(self.day, self.month, self.year, self.time)

    def check(self) -> tuple[dict[str, Any] | None, dict[str, str]]:
        """The API body, or the errors to show (field id → message), in page order."""
        errors: dict[str, str] = {}
        if not self.pupil_id:
            errors["pupil_name"] = "Find and choose the pupil"
        moment, problem = self.occurred_at()
        if problem:
            errors["occurred_day"] = problem
        valid = {c.value for c in Category}
        if not self.categories or any(c not in valid for c in self.categories):
            errors["categories"] = "Select at least one category"
        if not self.description:
            errors["description"] = "Enter what happened"
        for name in TEXT_FIELDS:
            if len(getattr(self, name)) > 10_000:
                errors[name] = "Use 10,000 characters or fewer"
        for name, message in (
            ("immediate_danger", "Select yes if the child is in immediate danger"),
            ("fgm_discovered", "Select yes if female genital mutilation was discovered"),
        ):
            if getattr(self, name) not in ("yes", "no"):
                errors[name] = message
        marks, problem = self._marks()
        if problem:
            errors["body_map"] = problem
        if errors:
            return None, errors
        assert moment is not None
        return {
            "pupil_id": self.pupil_id,
            "occurred_at": moment.isoformat(),
            "categories": list(dict.fromkeys(self.categories)),
            "description": self.description,
            "child_words": self.child_words,
            "actions_taken": self.actions_taken,
            "immediate_danger": self.immediate_danger == "yes",
            "fgm_discovered": self.fgm_discovered == "yes",
            "body_map": marks,
            "other_pupils_involved": others_body(self.others),
        }, {}

    def _marks(self) -> tuple[list[dict[str, Any]], str | None]:
        if len(self.marks) > MAX_MARKS:
            return [], f"You can add up to {MAX_MARKS} marks"
        result = []
        for number, mark in enumerate(self.marks, start=1):
            try:
                x, y = float(mark.x), float(mark.y)
            except ValueError:
                return [], f"Mark {number}: place it on the body map again"
            if mark.kind not in MarkKind.__members__.values():
                return [], f"Mark {number}: choose the type of mark"
            if len(mark.note) > 500:
                return [], f"Mark {number}: use 500 characters or fewer for the note"
            area = mark.area or body_map.area_at(mark.view, x, y) or ""
            result.append(
                {
                    "view": mark.view,
                    "x": x,
                    "y": y,
                    "area": area,
                    "kind": mark.kind,
                    "note": mark.note,
                }
            )
        return result, None


# The service names fields of its body; the form names its inputs.
API_FIELD_TO_INPUT = {
    "pupil_id": "pupil_name",
    "school_id": "pupil_name",
    "occurred_at": "occurred_day",
    "categories": "categories",
    "description": "description",
    "child_words": "child_words",
    "actions_taken": "actions_taken",
    "immediate_danger": "immediate_danger",
    "fgm_discovered": "fgm_discovered",
}


def errors_from_service(fields: dict[str, str]) -> dict[str, str]:
    errors: dict[str, str] = {}
    for name, message in fields.items():
        if name.startswith("other_pupils_involved"):
            errors.setdefault("other_name", message)
        elif name.startswith("body_map"):
            parts = name.split(".")
            number = int(parts[1]) + 1 if len(parts) > 1 and parts[1].isdigit() else None
            label = f"Mark {number}: " if number else ""
            errors.setdefault("body_map", f"{label}{message}")
        else:
            errors.setdefault(API_FIELD_TO_INPUT.get(name, "description"), message)
    return errors
