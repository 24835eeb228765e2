"""The risk assessment forms (Annex A) as typed, and the bodies case's API takes from them:
recording an assessment (POST /v1/children/{pupil_id}/risk-assessments) and reviewing
one (POST /v1/risk-assessments/{id}/reviews). Each measure kind has its own box: what is
typed in it is that measure. The service's 422 is shown on the inputs it names. Pure."""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

from starlette.datastructures import FormData

from services.web.child_labels import MEASURES, PARTS

MAX_LINES = 30


def values_from_form(form: FormData) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for name, value in form.multi_items():
        if not isinstance(value, str) or name == "csrf_token":
            continue
        if name == "other_pupil_ids":
            values.setdefault(name, []).append(value)
        else:
            values[name] = value.strip()
    return values


def blank(measures: Sequence[Mapping[str, str]] = ()) -> dict[str, Any]:
    """A new form (a review starts from the measures in place)."""
    values: dict[str, Any] = {"key": str(uuid.uuid4())}
    for measure in measures:
        values[f"measure-{measure['kind']}"] = measure["detail"]
    return values


def key_of(values: Mapping[str, Any]) -> str:
    try:
        return str(uuid.UUID(str(values.get("key", ""))))
    except ValueError:
        return str(uuid.uuid4())


def assessment_body(values: Mapping[str, Any]) -> tuple[dict[str, Any] | None, dict[str, str]]:
    errors: dict[str, str] = {}
    for name, what in (("incident", "the incident"), ("risks", "the risks")):
        if not values.get(name):
            errors[name] = f"Describe {what}"
    if values.get("part") not in PARTS:
        errors["part"] = "Select the child's part"
    measures = _measures(values)
    if not measures:
        errors["measure-separate_classes"] = "Say what is in place: at least one measure"
    consulted = _lines(values.get("consulted", ""))
    if not consulted:
        errors["consulted"] = "Say who was consulted, one on each line"
    review_on, problem = _date(values, "review_on")
    if problem:
        errors["review_on-day"] = problem
    if errors:
        return None, errors
    return {
        "incident": values["incident"],
        "concern_id": values.get("concern_id") or None,
        "part": values["part"],
        "other_pupil_ids": list(values.get("other_pupil_ids", [])),
        "risks": values["risks"],
        "measures": measures,
        "victim_wishes": values.get("victim_wishes") or None,
        "consulted": consulted,
        "review_on": review_on,
    }, {}


def review_body(values: Mapping[str, Any]) -> tuple[dict[str, Any] | None, dict[str, str]]:
    errors: dict[str, str] = {}
    if not values.get("summary"):
        errors["summary"] = "Say what the review found"
    next_on = None
    if values.get("ends") != "yes":
        next_on, problem = _date(values, "next_review_on")
        if problem:
            errors["next_review_on-day"] = f"{problem}, or tick that the assessment ends"
    if errors:
        return None, errors
    return {
        "summary": values["summary"],
        "measures": _measures(values),
        "next_review_on": next_on,
    }, {}


_BY_FIELD = {
    "review_on": "review_on-day",
    "next_review_on": "next_review_on-day",
    "measures": "measure-separate_classes",
    "other_pupil_ids": "other_pupil_ids",
}


def errors_from_service(fields: Mapping[str, str]) -> dict[str, str]:
    errors: dict[str, str] = {}
    for name, message in fields.items():
        top = name.split(".")[0]
        errors.setdefault(_BY_FIELD.get(top, top), message[:1].upper() + message[1:])
    return errors


def _measures(values: Mapping[str, Any]) -> list[dict[str, str]]:
    return [
        {"kind": kind.value, "detail": str(values[f"measure-{kind.value}"])[:2_000]}
        for kind in MEASURES
        if values.get(f"measure-{kind.value}")
    ]


def _lines(text: str) -> list[str]:
    return [line.strip()[:200] for line in text.splitlines() if line.strip()][:MAX_LINES]


def _date(values: Mapping[str, Any], name: str) -> tuple[str | None, str | None]:
    day, month, year = (str(values.get(f"{name}-{p}", "")) for p in ("day", "month", "year"))
    if not (day or month or year):
        return None, "Enter the review date"
    try:
        return date(int(year), int(month), int(day)).isoformat(), None
    except ValueError:
        return None, "Enter a real date, for example 27 3 2026"
