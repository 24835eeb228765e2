"""A case form as typed, and the body case's API takes from it: every input kept on each
round trip, with its Idempotency-Key, so sending it twice (a double click, a retry after a
dropped connection) is one step; errors by input, in page order; and the service's 422
(its body's field names) shown on the inputs they name. Pure: no I/O."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from starlette.datastructures import FormData

from services.web.case_forms import LONDON, CaseForm, Field


@dataclass
class Filled:
    """A form as typed: every input by name, and its Idempotency-Key."""

    form: CaseForm
    values: dict[str, Any] = field(default_factory=dict)
    idempotency_key: str = field(default_factory=lambda: str(uuid.uuid4()))

    @classmethod
    def blank(cls, form: CaseForm, **values: Any) -> Filled:
        filled = cls(form, dict(values))
        now = datetime.now(LONDON)
        for f in form.fields:
            if f.kind in ("datetime", "parents"):
                name = f.name if f.kind == "datetime" else "parents_informed-at"
                filled.values.setdefault(f"{name}-day", str(now.day))
                filled.values.setdefault(f"{name}-month", str(now.month))
                filled.values.setdefault(f"{name}-year", str(now.year))
                filled.values.setdefault(f"{name}-time", now.strftime("%H:%M"))
        return filled

    @classmethod
    def from_form(cls, form: CaseForm, posted: FormData) -> Filled:
        values: dict[str, Any] = {}
        for name, value in posted.multi_items():
            if isinstance(value, str) and name not in ("csrf_token", "idempotency_key"):
                values.setdefault(name, []).append(value.strip())
        flat = {k: v if k.endswith("[]") or _many(form, k) else v[0] for k, v in values.items()}
        key = str(posted.get("idempotency_key") or "")
        try:
            key = str(uuid.UUID(key))
        except ValueError:
            key = str(uuid.uuid4())
        return cls(form, flat, key)

    def value(self, name: str) -> Any:
        return self.values.get(name, [] if _many(self.form, name) else "")

    def body(self, now: datetime | None = None) -> tuple[dict[str, Any] | None, dict[str, str]]:
        """The API body, or the errors to show (input id → message), in page order."""
        now = now or datetime.now(LONDON)
        body: dict[str, Any] = {}
        errors: dict[str, str] = {}
        for f in self.form.fields:
            value, problem = _read(self, f, now)
            if problem:
                errors[_input_of(f)] = problem
            elif value is not None:
                body[f.name] = value
        return (None, errors) if errors else (body, {})


def errors_from_service(form: CaseForm, fields: Mapping[str, str]) -> dict[str, str]:
    """The service's 422 (its body's field names) as errors on this form's inputs."""
    errors: dict[str, str] = {}
    by_name = {f.name: f for f in form.fields}
    for name, message in fields.items():
        top = name.split(".")[0]
        target = by_name.get(top)
        input_id = _input_of(target, name) if target else "form"
        errors.setdefault(input_id, message[:1].upper() + message[1:])
    return errors


def _many(form: CaseForm, name: str) -> bool:
    return any(f.name == name and f.kind == "checkboxes" for f in form.fields)


def _input_of(f: Field, api_name: str = "") -> str:
    """The id of the input an error is shown on (a date's first box)."""
    if f.kind in ("date", "datetime"):
        return f"{f.name}-day"
    if f.kind == "parents":
        return "parents_informed-reason" if api_name.endswith(".reason") else "parents_informed"
    return f.name


def _read(filled: Filled, f: Field, now: datetime) -> tuple[Any, str | None]:
    raw = filled.value(f.name)
    if f.kind in ("text", "textarea"):
        if not raw:
            return None, (
                f"Enter {f.label[0].lower()}{f.label[1:].rstrip('?')}" if f.required else None
            )
        if len(raw) > f.max_length:
            return None, f"Use {f.max_length:,} characters or fewer"
        return raw, None
    if f.kind == "radios":
        if raw not in f.options:
            return (
                None,
                f"Select {f.label[0].lower()}{f.label[1:].rstrip('?')}" if f.required else None,
            )
        return raw, None
    if f.kind == "checkboxes":
        return list(dict.fromkeys(raw)), None
    if f.kind == "lines":
        lines = [line.strip() for line in str(raw).splitlines() if line.strip()]
        if any(len(line) > 200 for line in lines) or len(lines) > 30:
            return None, "Up to 30 lines of 200 characters"
        return lines, None
    if f.kind == "date":
        blank = not any(filled.value(f"{f.name}-{p}") for p in ("day", "month", "year"))
        if blank and not f.required:
            return None, None
        return _date(filled, f.name)
    if f.kind == "datetime":
        return _moment(filled, f.name, now, past_only=f.past_only)
    return _parents_told(filled, now)


def _date(filled: Filled, name: str) -> tuple[str | None, str | None]:
    day, month, year = (filled.value(f"{name}-{p}") for p in ("day", "month", "year"))
    if not (day or month or year):
        return None, "Enter the date"
    try:
        return date(int(year), int(month), int(day)).isoformat(), None
    except ValueError:
        return None, "Enter a real date, for example 27 3 2026"


def _moment(
    filled: Filled, name: str, now: datetime, *, past_only: bool
) -> tuple[str | None, str | None]:
    day, problem = _date(filled, name)
    if problem or day is None:
        return None, problem
    text = str(filled.value(f"{name}-time")).replace(".", ":")
    try:
        hours, _, minutes = text.partition(":")
        moment = datetime.combine(
            date.fromisoformat(day), datetime.min.time(), tzinfo=LONDON
        ).replace(hour=int(hours), minute=int(minutes or 0))
    except ValueError:
        return None, "Enter a time like 09:15"
    if past_only and moment > now:
        return None, "Enter a time that has passed"
    return moment.isoformat(), None


def _parents_told(filled: Filled, now: datetime) -> tuple[dict[str, Any] | None, str | None]:
    told = filled.value("parents_informed")
    if told == "yes":
        moment, problem = _moment(filled, "parents_informed-at", now, past_only=True)
        if problem:
            return None, f"When were they told? {problem}"
        return {"informed": True, "at": moment}, None
    if told == "no":
        reason = str(filled.value("parents_informed-reason"))
        if not reason:
            return None, "Say why the parents were not told"
        return {"informed": False, "reason": reason[:5_000]}, None
    return None, "Select whether the parents were told"
