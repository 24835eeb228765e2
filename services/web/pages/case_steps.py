"""The GOV.UK forms a DSL works a child's case with, one per step: triage (or its
revision), an action and its completion, a note, the review date, closing and reopening, a
referral, its feedback and escalations; and the FGM report to the police, which the
teacher who found it records (the only step staff take on a case) or a DSL on their behalf.
Each form posts to case's API once (its Idempotency-Key) and returns to the child's file."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse, Response

from services.common.auth import DSL_ROLES, SCHOOL_ROLES
from services.web.case_form_input import Filled, errors_from_service
from services.web.case_forms import FORMS, CaseForm
from services.web.case_labels import LABELS
from services.web.clients.base import Conflict, NotFound, Unprocessable
from services.web.clients.services import Services
from services.web.identity import NotAllowed, User, current_user, require
from services.web.pages.case import Id, case_section, the_case
from services.web.security import checked_form
from services.web.templating import Pages

CurrentUser = Annotated[User, Depends(current_user)]
PUPIL_FORMS = ("action", "note", "review", "close", "reopen", "referral")


@dataclass
class Target:
    """Where a form's step goes (case's API) and where the DSL returns after it."""

    form: CaseForm
    method: str
    path: str
    back: str
    extra: dict[str, Any] = field(default_factory=dict)
    context: dict[str, Any] = field(default_factory=dict)


def router(pages: Pages, services: Services) -> APIRouter:
    api = APIRouter()

    def writer_at(user: User, school_id: str) -> None:
        if user.school_id != school_id or not user.has(DSL_ROLES):
            raise NotAllowed

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
            case_labels=LABELS,
            status_code=status,
        )

    async def submit(request: Request, user: User, target: Target) -> Response:
        filled = Filled.from_form(target.form, await checked_form(request))
        body, errors = filled.body()
        if body is None:
            return render_form(request, user, target, filled, errors, 400)
        try:
            await services.case.step(
                user.token,
                target.method,
                target.path,
                {**body, **target.extra},
                filled.idempotency_key,
            )
        except Unprocessable as exc:
            errors = errors_from_service(target.form, exc.field_errors())
            return render_form(request, user, target, filled, errors, 400)
        except Conflict as exc:
            detail = exc.detail.get("detail") if isinstance(exc.detail, dict) else None
            message = str(detail or "Someone else changed this meanwhile: check and try again")
            fresh = Filled(target.form, filled.values)  # a new key: this one was not used
            return render_form(
                request, user, target, fresh, {"form": message[:1].upper() + message[1:]}, 409
            )
        return RedirectResponse(target.back, status_code=303)

    def back_to_file(school_id: str, pupil_id: str) -> str:
        return f"/children/{school_id}/{pupil_id}#case"

    # -- a DSL's steps on the case ---------------------------------------------------------

    async def pupil_target(user: User, school_id: str, pupil_id: str, key: str) -> Target:
        writer_at(user, school_id)
        form = FORMS.get(key)
        if key not in PUPIL_FORMS or form is None:
            raise NotAllowed
        path = f"/v1/children/{pupil_id}"
        where = {
            "action": ("POST", f"{path}/actions"),
            "note": ("POST", f"{path}/notes"),
            "review": ("PUT", f"{path}/case/review"),
            "close": ("POST", f"{path}/case/close"),
            "reopen": ("POST", f"{path}/case/reopen"),
            "referral": ("POST", f"{path}/referrals"),
        }[key]
        context: dict[str, Any] = {"pupil_id": pupil_id}
        if key in ("referral", "close", "reopen", "review"):
            context.update(await case_section(services, user, school_id, pupil_id))
        return Target(form, *where, back=back_to_file(school_id, pupil_id), context=context)

    @api.get("/children/{school_id}/{pupil_id}/case/{key}")
    async def pupil_form(
        request: Request, school_id: Id, pupil_id: Id, key: str, user: CurrentUser
    ) -> Response:
        target = await pupil_target(user, school_id, pupil_id, key)
        return render_form(request, user, target, Filled.blank(target.form), {}, 200)

    @api.post("/children/{school_id}/{pupil_id}/case/{key}")
    async def pupil_step(
        request: Request, school_id: Id, pupil_id: Id, key: str, user: CurrentUser
    ) -> Response:
        return await submit(request, user, await pupil_target(user, school_id, pupil_id, key))

    async def triage_target(user: User, school_id: str, pupil_id: str, concern_id: str) -> Target:
        writer_at(user, school_id)
        section = await the_case(services, user, school_id, pupil_id)
        if concern_id not in section["case"]["concern_ids"]:
            raise NotAllowed
        try:
            decided = await services.case.triage(user.token, None, concern_id)
        except NotFound:
            decided = {"current": None, "history": []}
        current = decided["current"]
        extra = {"pupil_id": pupil_id}
        if current:
            extra["supersedes"] = current["decision_id"]
        return Target(
            FORMS["triage"],
            "POST",
            f"/v1/concerns/{concern_id}/triage",
            back_to_file(school_id, pupil_id),
            extra=extra,
            context={"pupil_id": pupil_id, "concern_id": concern_id, "decided": decided},
        )

    @api.get("/children/{school_id}/{pupil_id}/case/triage/{concern_id}")
    async def triage_form(
        request: Request, school_id: Id, pupil_id: Id, concern_id: Id, user: CurrentUser
    ) -> Response:
        target = await triage_target(user, school_id, pupil_id, concern_id)
        return render_form(request, user, target, Filled.blank(target.form), {}, 200)

    @api.post("/children/{school_id}/{pupil_id}/case/triage/{concern_id}")
    async def triage_step(
        request: Request, school_id: Id, pupil_id: Id, concern_id: Id, user: CurrentUser
    ) -> Response:
        target = await triage_target(user, school_id, pupil_id, concern_id)
        return await submit(request, user, target)

    async def part_target(
        user: User, school_id: str, pupil_id: str, kind: str, part_id: str, key: str
    ) -> Target:
        writer_at(user, school_id)
        case = (await the_case(services, user, school_id, pupil_id))["case"]
        back = back_to_file(school_id, pupil_id)
        if kind == "actions" and key == "complete":
            action = next((a for a in case["actions"]["open"] if a["action_id"] == part_id), None)
            if action is None:
                raise NotAllowed
            path = f"/v1/actions/{part_id}/complete"
            return Target(FORMS["complete"], "POST", path, back, context={"action": action})
        referral = next((r for r in case["referrals"] if r["referral_id"] == part_id), None)
        if kind != "referrals" or referral is None or key not in ("feedback", "escalation"):
            raise NotAllowed
        api_path = "feedback" if key == "feedback" else "escalations"
        path = f"/v1/referrals/{part_id}/{api_path}"
        return Target(FORMS[key], "POST", path, back, context={"referral": referral})

    @api.get("/children/{school_id}/{pupil_id}/case/{kind}/{part_id}/{key}")
    async def part_form(
        request: Request,
        school_id: Id,
        pupil_id: Id,
        kind: str,
        part_id: Id,
        key: str,
        user: CurrentUser,
    ) -> Response:
        target = await part_target(user, school_id, pupil_id, kind, part_id, key)
        return render_form(request, user, target, Filled.blank(target.form), {}, 200)

    @api.post("/children/{school_id}/{pupil_id}/case/{kind}/{part_id}/{key}")
    async def part_step(
        request: Request,
        school_id: Id,
        pupil_id: Id,
        kind: str,
        part_id: Id,
        key: str,
        user: CurrentUser,
    ) -> Response:
        target = await part_target(user, school_id, pupil_id, kind, part_id, key)
        return await submit(request, user, target)

    # -- the FGM report: the teacher's own duty, or a DSL on their behalf -------------------------

    async def fgm_target(user: User, concern_id: str) -> Target:
        require(user, SCHOOL_ROLES, at_school=True)
        duties = await services.case.fgm_duties(user.token)
        duty = next((d for d in duties if d["concern_id"] == concern_id), None)
        if duty is None:
            raise NotAllowed
        back = (
            back_to_file(duty["school_id"], duty["pupil_id"])
            if user.has(DSL_ROLES)
            else "/concerns/mine"
        )
        path = f"/v1/concerns/{concern_id}/fgm-report"
        return Target(FORMS["fgm"], "POST", path, back, context={"duty": duty})

    @api.get("/concerns/{concern_id}/fgm-report")
    async def fgm_form(request: Request, concern_id: Id, user: CurrentUser) -> Response:
        target = await fgm_target(user, concern_id)
        return render_form(request, user, target, Filled.blank(target.form), {}, 200)

    @api.post("/concerns/{concern_id}/fgm-report")
    async def fgm_step(request: Request, concern_id: Id, user: CurrentUser) -> Response:
        return await submit(request, user, await fgm_target(user, concern_id))

    return api
