"""The pattern-watch thresholds as a form: the inputs filled from a school's rules, the
body PUT /v1/schools/{school_id}/pattern-rules takes from what was typed, and the
service's 422 ("repeated_concerns.window_days") shown on the input it names. Pure."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from starlette.datastructures import FormData

RULES = ("repeated_concerns", "missing_education", "police_notifications", "concern_after_closure")
COUNTED = ("repeated_concerns", "missing_education", "police_notifications")


def values_from_rules(rules: Mapping[str, Any]) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for name in RULES:
        rule = rules[name]
        values[f"{name}-enabled"] = "yes" if rule["enabled"] else ""
        values[f"{name}-window_days"] = str(rule["window_days"])
        if name in COUNTED:
            values[f"{name}-count"] = str(rule["count"])
    values["missing_education-categories"] = list(rules["missing_education"]["categories"])
    return values


def values_from_form(form: FormData) -> dict[str, Any]:
    values: dict[str, Any] = {
        name: value.strip()
        for name, value in form.items()
        if isinstance(value, str) and name != "csrf_token"
    }
    values["missing_education-categories"] = [
        c for c in form.getlist("missing_education-categories") if isinstance(c, str)
    ]
    return values


def body_from_values(values: Mapping[str, Any]) -> tuple[dict[str, Any] | None, dict[str, str]]:
    body: dict[str, Any] = {}
    errors: dict[str, str] = {}
    for name in RULES:
        rule: dict[str, Any] = {"enabled": values.get(f"{name}-enabled") == "yes"}
        numbers = ("count", "window_days") if name in COUNTED else ("window_days",)
        for number in numbers:
            text = str(values.get(f"{name}-{number}", ""))
            if not text.isdigit():
                errors[f"{name}-{number}"] = "Enter a whole number"
            else:
                rule[number] = int(text)
        body[name] = rule
    body["missing_education"]["categories"] = list(values.get("missing_education-categories", []))
    return (None, errors) if errors else (body, {})


def errors_from_service(fields: Mapping[str, str]) -> dict[str, str]:
    errors: dict[str, str] = {}
    for name, message in fields.items():
        rule, _, part = name.partition(".")
        target = f"{rule}-{part.split('.')[0]}" if rule in RULES and part else "form"
        errors.setdefault(target, message[:1].upper() + message[1:])
    return errors
