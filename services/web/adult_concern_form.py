"""The Report a concern about an adult form: what was typed (kept on every round trip),
its checks, and the body for POST /v1/adult-concerns. Pure: no I/O."""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from starlette.datastructures import FormData

from contracts.adult_cases import AdultRole
from services.common.ids import USER_ID_PATTERN
from services.web.form_fields import form_text, past_moment

MAX_CHILDREN = 30
ROLE_LABELS = {
    AdultRole.STAFF: "A member of staff",
    AdultRole.SUPPLY: "Supply staff",
    AdultRole.VOLUNTEER: "A volunteer",
    AdultRole.CONTRACTOR: "A contractor",
    AdultRole.GOVERNOR: "A governor",
    AdultRole.HEADTEACHER: "The headteacher",
}


@dataclass
class Child:
    pupil_id: str
    label: str


@dataclass
class AdultConcernDraft:
    """Everything on the form, as strings, exactly as typed."""

    idempotency_key: str = field(default_factory=lambda: str(uuid.uuid4()))
    subject_name: str = ""
    subject_role: str = ""
    staff_user_id: str = ""
    day: str = ""
    month: str = ""
    year: str = ""
    time: str = ""
    description: str = ""
    whistleblowing: str = ""
    pupil_name: str = ""
    children: list[Child] = field(default_factory=list)

    @classmethod
    def from_form(cls, form: FormData) -> AdultConcernDraft:
        def text(name: str) -> str:
            return form_text(form, name)

        key = text("idempotency_key")
        try:
            key = str(uuid.UUID(key))
        except ValueError:
            key = str(uuid.uuid4())
        # A chosen child's checkbox carries "<pupil_id>|<label>", so the choice stays
        # readable on later round trips without another search.
        chosen = [v.partition("|") for v in form.getlist("child") if isinstance(v, str)]
        children = [Child(pid.strip(), label[:200]) for pid, _, label in chosen if pid.strip()]
        unique = list({c.pupil_id: c for c in children}.values())[: MAX_CHILDREN + 1]
        return cls(
            idempotency_key=key,
            subject_name=text("subject_name"),
            subject_role=text("subject_role"),
            staff_user_id=text("staff_user_id"),
            day=text("occurred_day"),
            month=text("occurred_month"),
            year=text("occurred_year"),
            time=text("occurred_time"),
            description=text("description"),
            whistleblowing=text("whistleblowing"),
            pupil_name=text("pupil_name"),
            children=unique,
        )

    def chosen(self, pupil_id: str) -> bool:
        return any(c.pupil_id == pupil_id for c in self.children)

    def occurred_at(self) -> tuple[datetime | None, str | None]:
        return past_moment(self.day, self.month, self.year, self.time)

    def check(self) -> tuple[dict[str, Any] | None, dict[str, str]]:
        """The API body, or the errors to show (field id → message), in page order."""
        errors: dict[str, str] = {}
        if not self.subject_name:
            errors["subject_name"] = "Enter the adult's name"
        elif len(self.subject_name) > 200:
            errors["subject_name"] = "Use 200 characters or fewer"
        if self.subject_role not in ROLE_LABELS:
            errors["subject_role"] = "Select who the adult is"
        if self.staff_user_id and not re.fullmatch(USER_ID_PATTERN, self.staff_user_id):
            errors["staff_user_id"] = "Enter their sign-in ID as it is, or leave it empty"
        moment, problem = self.occurred_at()
        if problem:
            errors["occurred_day"] = problem
        if not self.description:
            errors["description"] = "Enter what happened"
        elif len(self.description) > 10_000:
            errors["description"] = "Use 10,000 characters or fewer"
        if len(self.children) > MAX_CHILDREN:
            errors["pupil_name"] = f"Name up to {MAX_CHILDREN} children"
        if errors:
            return None, errors
        assert moment is not None
        return {
            "subject": {
                "name": self.subject_name,
                "role": self.subject_role,
                "staff_user_id": self.staff_user_id or None,
            },
            "occurred_at": moment.isoformat(),
            "description": self.description,
            "children_involved": [c.pupil_id for c in self.children],
            "whistleblowing": self.whistleblowing == "yes",
        }, {}


# The service names fields of its body; the form names its inputs.
API_FIELD_TO_INPUT = {
    "subject.name": "subject_name",
    "subject.role": "subject_role",
    "subject.staff_user_id": "staff_user_id",
    "occurred_at": "occurred_day",
    "description": "description",
    "school_id": "subject_name",
}


def errors_from_service(fields: dict[str, str]) -> dict[str, str]:
    errors: dict[str, str] = {}
    for name, message in fields.items():
        target = "pupil_name" if name.startswith("children_involved") else None
        errors.setdefault(target or API_FIELD_TO_INPUT.get(name, "description"), message)
    return errors
