"""Links between children, in the browser: a DSL finds the other child by name (a POST:
no name in any address), says how they are linked, and the link shows on both children's
files; a link is removed with a reason (on both). Links between schools are the trust
lead's, through the API."""

from __future__ import annotations

import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse, Response

from services.web.case_form_input import Filled, errors_from_service
from services.web.case_forms import CaseForm, Field
from services.web.case_labels import LABELS
from services.web.child_labels import LINK_KINDS
from services.web.clients.base import Conflict, NotFound, Unprocessable
from services.web.clients.services import Services
from services.web.identity import NotAllowed, User, current_user
from services.web.pages.case import Id, the_case
from services.web.pages.case_steps import Target
from services.web.pages.child_context import dsl_at, file_anchor
from services.web.security import checked_form
from services.web.templating import Pages

CurrentUser = Annotated[User, Depends(current_user)]
UNLINK = CaseForm(
    "unlink",
    "Remove a link",
    "Remove link",
    (Field("reason", "Why remove it?", "textarea", max_length=5_000),),
    lead="The link is removed from both children's files; the removal and its reason are kept.",
)
_FIELDS = {"other_pupil_id": "other", "kind": "kind", "note": "note"}


def router(pages: Pages, services: Services) -> APIRouter:
    api = APIRouter()

    def link_form(
        request: Request,
        user: User,
        school_id: str,
        pupil_id: str,
        values: dict[str, str],
        *,
        pupils: list[dict[str, Any]] | None = None,
        errors: dict[str, str] | None = None,
        status: int = 200,
    ) -> Response:
        return pages.render(
            request,
            "link_form.html",
            user=user,
            pupil_id=pupil_id,
            values=values,
            pupils=[p for p in pupils or [] if p["pupil_id"] != pupil_id],
            errors=errors or {},
            kinds=LINK_KINDS,
            back=file_anchor(school_id, pupil_id, "links"),
            status_code=status,
        )

    @api.get("/children/{school_id}/{pupil_id}/links/new")
    async def new_link(
        request: Request, school_id: Id, pupil_id: Id, user: CurrentUser
    ) -> Response:
        dsl_at(user, school_id)
        return link_form(request, user, school_id, pupil_id, {"key": str(uuid.uuid4())})

    @api.post("/children/{school_id}/{pupil_id}/links/new")
    async def post_link(
        request: Request, school_id: Id, pupil_id: Id, user: CurrentUser
    ) -> Response:
        dsl_at(user, school_id)
        form = await checked_form(request)
        values = {k: v.strip() for k, v in form.items() if isinstance(v, str)}
        if values.get("action") == "find":
            name = values.get("name", "")
            if len(name) < 2:
                errors = {"name": "Enter at least 2 letters of the other child's name"}
                return link_form(request, user, school_id, pupil_id, values, errors=errors)
            found = await services.intake.search_pupils(user.token, name)
            return link_form(request, user, school_id, pupil_id, values, pupils=found)
        body, errors = link_body(values)
        if body is None:
            return link_form(request, user, school_id, pupil_id, values, errors=errors, status=400)
        try:
            await services.case.step(
                user.token, "POST", f"/v1/children/{pupil_id}/links", body, _key(values)
            )
        except Unprocessable as exc:
            errors = {
                _FIELDS.get(k.split(".")[0], "other"): v for k, v in exc.field_errors().items()
            }
            return link_form(request, user, school_id, pupil_id, values, errors=errors, status=400)
        except NotFound:
            raise NotAllowed from None
        return RedirectResponse(file_anchor(school_id, pupil_id, "links"), status_code=303)

    async def unlink_target(user: User, school_id: str, pupil_id: str, link_id: str) -> Target:
        dsl_at(user, school_id)
        case = (await the_case(services, user, school_id, pupil_id))["case"]
        link = next((k for k in case["links"] if k["link_id"] == link_id), None)
        if link is None or link["status"] != "active":
            raise NotAllowed
        path = f"/v1/children/{pupil_id}/links/{link_id}/remove"
        back = file_anchor(school_id, pupil_id, "links")
        return Target(UNLINK, "POST", path, back, context={"pupil_id": pupil_id, "link": link})

    def unlink_form(
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

    @api.get("/children/{school_id}/{pupil_id}/links/{link_id}/remove")
    async def unlink_page(
        request: Request, school_id: Id, pupil_id: Id, link_id: Id, user: CurrentUser
    ) -> Response:
        target = await unlink_target(user, school_id, pupil_id, link_id)
        return unlink_form(request, user, target, Filled.blank(UNLINK), {}, 200)

    @api.post("/children/{school_id}/{pupil_id}/links/{link_id}/remove")
    async def unlink(
        request: Request, school_id: Id, pupil_id: Id, link_id: Id, user: CurrentUser
    ) -> Response:
        target = await unlink_target(user, school_id, pupil_id, link_id)
        filled = Filled.from_form(UNLINK, await checked_form(request))
        body, errors = filled.body()
        if body is None:
            return unlink_form(request, user, target, filled, errors, 400)
        try:
            await services.case.step(user.token, "POST", target.path, body, filled.idempotency_key)
        except (Unprocessable, Conflict) as exc:
            fields = exc.field_errors() if isinstance(exc, Unprocessable) else {"form": "Try again"}
            return unlink_form(
                request, user, target, filled, errors_from_service(UNLINK, fields), 400
            )
        return RedirectResponse(target.back, status_code=303)

    return api


def link_body(values: dict[str, str]) -> tuple[dict[str, Any] | None, dict[str, str]]:
    """The body of POST /v1/children/{pupil_id}/links, or the errors to show."""
    other = values.get("other", "").partition("|")[0]
    errors = {}
    if not other:
        errors["other"] = "Find the other child and choose them"
    if values.get("kind") not in LINK_KINDS:
        errors["kind"] = "Select how the children are linked"
    if errors:
        return None, errors
    return {"other_pupil_id": other, "kind": values["kind"], "note": values.get("note") or None}, {}


def _key(values: dict[str, str]) -> str:
    """The form's Idempotency-Key, kept on every round trip (a new one if it was mangled)."""
    try:
        return str(uuid.UUID(values.get("key", "")))
    except ValueError:
        return str(uuid.uuid4())
