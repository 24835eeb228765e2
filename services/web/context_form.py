"""The child's context as a form: every input by name (filled from the context as it
stands), the body PUT /v1/children/{pupil_id}/context takes from what was typed, and the
service's 422 (its dotted field names) shown on the inputs they name. Pure: no I/O.

A part left empty is "not recorded"; a section ticked (looked after, private fostering,
address withheld) sends what is typed in it for the service to check."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from starlette.datastructures import FormData

LONDON = ZoneInfo("Europe/London")
PEOPLE = 4  # rows for people with parental responsibility (blank rows are ignored)
TICKS = ("la", "pf", "young_carer", "withheld")
PERSON = ("name", "relationship", "phone", "email", "address", "has")


def values_from_context(context: Mapping[str, Any] | None) -> dict[str, str]:
    """The form's inputs, filled from a context as stored."""
    c = context or {}
    values: dict[str, str] = {}
    sw = c.get("social_worker") or {}
    values |= {
        "sw-name": sw.get("name") or "",
        "sw-phone": sw.get("phone") or "",
        "sw-email": sw.get("email") or "",
        "sw-la": sw.get("local_authority") or "",
    }
    plan = c.get("plan") or {}
    values |= {"plan": plan.get("kind") or "", "plan-category": plan.get("category") or ""}
    values |= _date_values("plan-start", plan.get("start_date"))
    la = c.get("looked_after")
    vsh = (la or {}).get("virtual_school_head") or {}
    values |= {
        "la": "yes" if la else "",
        "la-status": (la or {}).get("legal_status") or "",
        "la-authority": (la or {}).get("local_authority") or "",
        "vsh-name": vsh.get("name") or "",
        "vsh-phone": vsh.get("phone") or "",
        "vsh-email": vsh.get("email") or "",
        "la-consent": (la or {}).get("carers_may_consent_to") or "",
        "pla": (c.get("previously_looked_after") or {}).get("left_care_by") or "",
    }
    send = c.get("send")
    values["send"] = "" if not send else ("ehcp" if send.get("ehcp") else "support")
    values["send-needs"] = (send or {}).get("needs") or ""
    values |= _moment_values("send-senco", (send or {}).get("senco_informed_at"))
    pf = c.get("private_fostering")
    values["pf"] = "yes" if pf is not None else ""
    values |= _moment_values("pf-notified", (pf or {}).get("local_authority_notified_at"))
    values["young_carer"] = "yes" if c.get("young_carer") else ""
    for i, person in enumerate((c.get("parental_responsibility") or [])[:PEOPLE]):
        contact = person.get("contact") or {}
        values |= {
            f"pr-{i}-name": person.get("name") or "",
            f"pr-{i}-relationship": person.get("relationship") or "",
            f"pr-{i}-phone": contact.get("phone") or "",
            f"pr-{i}-email": contact.get("email") or "",
            f"pr-{i}-address": contact.get("address") or "",
            f"pr-{i}-has": "yes" if person.get("has_parental_responsibility") else "no",
        }
    withheld = c.get("address_withheld")
    values |= {
        "address": c.get("address") or "",
        "withheld": "yes" if withheld else "",
        "withheld-reason": (withheld or {}).get("reason") or "",
    }
    return values


def values_from_form(form: FormData) -> dict[str, str]:
    return {
        name: value.strip()
        for name, value in form.multi_items()
        if isinstance(value, str) and name not in ("csrf_token",)
    }


def body_from_values(values: Mapping[str, str]) -> tuple[dict[str, Any] | None, dict[str, str]]:
    """The API body, or the errors to show (input id → message)."""
    v = {k: str(x) for k, x in values.items()}
    errors: dict[str, str] = {}

    def text(name: str) -> str | None:
        return v.get(name) or None

    body: dict[str, Any] = {"young_carer": v.get("young_carer") == "yes"}
    if any(text(n) for n in ("sw-name", "sw-phone", "sw-email", "sw-la")):
        body["social_worker"] = {
            "name": v.get("sw-name", ""),
            "phone": text("sw-phone"),
            "email": text("sw-email"),
            "local_authority": v.get("sw-la", ""),
        }
    if v.get("plan"):
        plan: dict[str, Any] = {"kind": v["plan"]}
        if v["plan"] == "child_protection":
            plan["category"] = text("plan-category")
        if v["plan"] != "none":
            start, problem = _date(v, "plan-start", required=v["plan"] == "child_protection")
            if problem:
                errors["plan-start-day"] = problem
            plan["start_date"] = start
        body["plan"] = plan
    if v.get("la") == "yes":
        body["looked_after"] = {
            "legal_status": v.get("la-status", ""),
            "local_authority": v.get("la-authority", ""),
            "virtual_school_head": {
                "name": v.get("vsh-name", ""),
                "phone": text("vsh-phone"),
                "email": text("vsh-email"),
            },
            "carers_may_consent_to": text("la-consent"),
        }
    if v.get("pla"):
        body["previously_looked_after"] = {"left_care_by": v["pla"]}
    if v.get("send") in ("support", "ehcp"):
        informed, problem = _moment(v, "send-senco")
        if problem:
            errors["send-senco-day"] = problem
        body["send"] = {
            "ehcp": v["send"] == "ehcp",
            "senco_informed_at": informed,
            "needs": text("send-needs"),
        }
    if v.get("pf") == "yes":
        notified, problem = _moment(v, "pf-notified")
        if problem:
            errors["pf-notified-day"] = problem
        body["private_fostering"] = {"local_authority_notified_at": notified}
    people = []
    for i in range(PEOPLE):
        row = {f: v.get(f"pr-{i}-{f}", "") for f in PERSON}
        if not any(row[f] for f in PERSON if f != "has"):
            continue
        contact = {k: row[k] or None for k in ("phone", "email", "address")}
        people.append(
            {
                "name": row["name"],
                "relationship": row["relationship"],
                "contact": contact if any(contact.values()) else None,
                "has_parental_responsibility": row["has"] == "yes",
            }
        )
    body["parental_responsibility"] = people
    if text("address"):
        body["address"] = v["address"]
    if v.get("withheld") == "yes":
        if not text("withheld-reason"):
            errors["withheld-reason"] = "Say why the address is withheld"
        body["address_withheld"] = {"reason": v.get("withheld-reason", "")}
    return (None, errors) if errors else (body, {})


_INPUTS = {
    "social_worker": "sw-name",
    "social_worker.name": "sw-name",
    "social_worker.phone": "sw-phone",
    "social_worker.email": "sw-email",
    "social_worker.local_authority": "sw-la",
    "plan": "plan",
    "plan.kind": "plan",
    "plan.category": "plan-category",
    "plan.start_date": "plan-start-day",
    "looked_after": "la",
    "looked_after.legal_status": "la-status",
    "looked_after.local_authority": "la-authority",
    "looked_after.virtual_school_head": "vsh-name",
    "looked_after.virtual_school_head.name": "vsh-name",
    "looked_after.virtual_school_head.phone": "vsh-phone",
    "looked_after.virtual_school_head.email": "vsh-email",
    "looked_after.carers_may_consent_to": "la-consent",
    "previously_looked_after": "pla",
    "send": "send",
    "send.senco_informed_at": "send-senco-day",
    "send.needs": "send-needs",
    "private_fostering.local_authority_notified_at": "pf-notified-day",
    "address": "address",
    "address_withheld": "withheld-reason",
    "address_withheld.reason": "withheld-reason",
}


def errors_from_service(fields: Mapping[str, str]) -> dict[str, str]:
    """The service's 422 (dotted body field names) as errors on this form's inputs."""
    errors: dict[str, str] = {}
    for name, message in fields.items():
        errors.setdefault(_input_of(name), message[:1].upper() + message[1:])
    return errors


def _input_of(name: str) -> str:
    parts = name.split(".")
    if parts[0] == "parental_responsibility" and len(parts) > 2 and parts[1].isdigit():
        field = parts[-1] if parts[-1] in PERSON else "name"
        field = "has" if parts[-1] == "has_parental_responsibility" else field
        return f"pr-{parts[1]}-{field}"
    while parts:
        found = _INPUTS.get(".".join(parts))
        if found:
            return found
        parts.pop()
    return "form"


# -- dates ---------------------------------------------------------------------------------


def _date_values(name: str, iso: str | None) -> dict[str, str]:
    if not iso:
        return {f"{name}-day": "", f"{name}-month": "", f"{name}-year": ""}
    d = date.fromisoformat(iso)
    return {f"{name}-day": str(d.day), f"{name}-month": str(d.month), f"{name}-year": str(d.year)}


def _moment_values(name: str, iso: str | None) -> dict[str, str]:
    if not iso:
        return {**_date_values(name, None), f"{name}-time": ""}
    moment = datetime.fromisoformat(iso).astimezone(LONDON)
    return {**_date_values(name, moment.date().isoformat()), f"{name}-time": f"{moment:%H:%M}"}


def _date(v: Mapping[str, str], name: str, *, required: bool) -> tuple[str | None, str | None]:
    day, month, year = (v.get(f"{name}-{p}", "") for p in ("day", "month", "year"))
    if not (day or month or year):
        return None, ("Enter the date" if required else None)
    try:
        return date(int(year), int(month), int(day)).isoformat(), None
    except ValueError:
        return None, "Enter a real date, for example 27 3 2026"


def _moment(v: Mapping[str, str], name: str) -> tuple[str | None, str | None]:
    day, problem = _date(v, name, required=False)
    if problem or day is None:
        return None, problem
    text = (v.get(f"{name}-time") or "12:00").replace(".", ":")
    try:
        hours, _, minutes = text.partition(":")
        moment = datetime.combine(date.fromisoformat(day), datetime.min.time(), tzinfo=LONDON)
        moment = moment.replace(hour=int(hours), minute=int(minutes or 0))
    except ValueError:
        return None, "Enter a time like 09:15"
    return moment.isoformat(), None
