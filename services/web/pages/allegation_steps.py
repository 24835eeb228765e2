"""The GOV.UK forms a case manager works an adult case with: the harm-threshold decision,
the LADO referral (which a named DSL may record too), the suspension and its written
confirmation, the outcome, and the DSLs named on the case. Each posts to case's API once
(its Idempotency-Key) and returns to the case page."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse, Response

from services.web.allegation_forms import ADULT_FORMS, LABELS
from services.web.case_form_input import Filled, errors_from_service
from services.web.case_forms import CaseForm
from services.web.case_labels import LABELS as CASE_LABELS
from services.web.clients.base import Conflict, Forbidden, Unprocessable
from services.web.clients.services import Services
from services.web.identity import ALLEGATIONS_USERS, NotAllowed, User, current_user, require
from services.web.pages.allegations import CaseId, adult_case_or_none
from services.web.security import checked_form
from services.web.templating import Pages

CurrentUser = Annotated[User, Depends(current_user)]

# Each form's step: its method and path under the case, and who may take it.
STEPS: dict[str, tuple[str, str, bool]] = {
    "decision": ("POST", "decision", True),
    "lado": ("POST", "lado-referral", False),  # a named DSL may record it too
    "suspension": ("POST", "suspension", True),
    "confirmation": ("POST", "suspension/confirmation", True),
    "outcome": ("POST", "outcome", True),
    "dsls": ("PUT", "named-dsls", True),
}


@dataclass
class Target:
    """Where a form's step goes and where the case manager returns (case_form.html)."""

    form: CaseForm
    method: str
    path: str
    back: str
    extra: dict[str, Any] = field(default_factory=dict)
    context: dict[str, Any] = field(default_factory=dict)


def router(pages: Pages, services: Services) -> APIRouter:
    api = APIRouter()

    async def target(user: User, case_id: str, key: str) -> tuple[Target, dict[str, Any]]:
        require(user, ALLEGATIONS_USERS)
        if key not in STEPS:
            raise NotAllowed
        case = await adult_case_or_none(services, user, case_id)
        method, path, managers_only = STEPS[key]
        if managers_only and case["your_role"] != "manager":
            raise NotAllowed
        caption = f"Concern about an adult: {case['subject']['name']}"
        context = {"caption": caption, "adult_case": case}
        back = f"/allegations/{case_id}"
        return Target(
            ADULT_FORMS[key], method, f"/v1/adult-cases/{case_id}/{path}", back, context=context
        ), case

    def render_form(
        request: Request,
        user: User,
        target: Target,
        filled: Filled,
        errors: dict[str, str],
        status: int,
    ) -> Response:
        return pages.render(
            request,
            "case_form.html",
            user=user,
            target=target,
            filled=filled,
            errors=errors,
            case_labels=CASE_LABELS,
            labels=LABELS,
            status_code=status,
        )

    @api.get("/allegations/{case_id}/{key}")
    async def form(request: Request, case_id: CaseId, key: str, user: CurrentUser) -> Response:
        step, case = await target(user, case_id, key)
        values = {"user_ids": "\n".join(case["named_dsl_user_ids"])} if key == "dsls" else {}
        return render_form(request, user, step, Filled.blank(step.form, **values), {}, 200)

    @api.post("/allegations/{case_id}/{key}")
    async def submit(request: Request, case_id: CaseId, key: str, user: CurrentUser) -> Response:
        step, _ = await target(user, case_id, key)
        filled = Filled.from_form(step.form, await checked_form(request))
        body, errors = filled.body()
        if body is None:
            return render_form(request, user, step, filled, errors, 400)
        try:
            await services.case.step(
                user.token, step.method, step.path, body, filled.idempotency_key
            )
        except Unprocessable as exc:
            errors = errors_from_service(step.form, exc.field_errors())
            return render_form(request, user, step, filled, errors, 400)
        except (Conflict, Forbidden) as exc:
            detail = exc.detail.get("detail") if isinstance(exc.detail, dict) else None
            message = str(detail or "Someone else changed this meanwhile: check and try again")
            fresh = Filled(step.form, filled.values)  # a new key: this one was not used
            return render_form(
                request, user, step, fresh, {"form": message[:1].upper() + message[1:]}, 409
            )
        return RedirectResponse(step.back, status_code=303)

    return api
