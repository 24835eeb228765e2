"""Sign in (OpenID Connect, or the local dev form), sign out, and the front door."""

from __future__ import annotations

import logging
import re

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from contracts.vocabulary import Role
from services.common.auth import AuthError, MfaRequired, principal_from_claims
from services.web.dev_login import DevLogin
from services.web.identity import User, remember
from services.web.oidc import OidcClient, SignInFailed
from services.web.security import checked_form
from services.web.session import session_of
from services.web.settings import WebSettings
from services.web.templating import Pages

log = logging.getLogger("harbour.web")
ID_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9_.:@-]{0,63}$"


def safe_next(value: str | None) -> str:
    """Only a path on this site: never an open redirect."""
    if value and value.startswith("/") and not value.startswith(("//", "/\\")):
        return value
    return "/"


def router(
    pages: Pages, settings: WebSettings, dev_login: DevLogin | None, oidc: OidcClient | None
) -> APIRouter:
    api = APIRouter()

    def callback_url(request: Request) -> str:
        base = settings.public_url.rstrip("/") or str(request.base_url).rstrip("/")
        return f"{base}/auth/callback"

    @api.get("/")
    async def home(request: Request) -> Response:
        session = session_of(request)
        if not session.signed_in:
            return RedirectResponse("/sign-in", status_code=303)
        return RedirectResponse(User(session).home(), status_code=303)

    @api.get("/sign-in")
    async def sign_in(request: Request, next: str | None = None) -> Response:
        target = safe_next(next)
        if oidc is None:
            return RedirectResponse(f"/dev/sign-in?next={target}", status_code=303)
        try:
            url, pending = await oidc.start(callback_url(request))
        except SignInFailed as exc:
            return pages.render(request, "sign_in_failed.html", status_code=502, reason=str(exc))
        session_of(request).sign_in = {**pending, "next": target}
        return RedirectResponse(url, status_code=303)

    @api.get("/auth/callback")
    async def callback(request: Request) -> Response:
        session = session_of(request)
        pending = session.sign_in
        if oidc is None or pending is None:
            return RedirectResponse("/sign-in", status_code=303)
        params = {k: v for k, v in request.query_params.items()}
        try:
            signed_in = await oidc.finish(params, pending, callback_url(request))
        except SignInFailed as exc:
            session.sign_in = None
            log.info("sign-in refused: %s", type(exc).__name__)
            return pages.render(request, "sign_in_failed.html", status_code=403, reason=str(exc))
        remember(session, signed_in.token, signed_in.principal, signed_in.expires_at)
        return RedirectResponse(safe_next(pending.get("next")), status_code=303)

    @api.get("/dev/sign-in")
    async def dev_form(request: Request, next: str | None = None) -> Response:
        if dev_login is None:
            return pages.render(request, "not_found.html", status_code=404)
        return pages.render(
            request,
            "dev_sign_in.html",
            next=safe_next(next),
            roles=list(Role),
            errors={},
            values={},
            mfa_required=settings.require_mfa,
        )

    @api.post("/dev/sign-in")
    async def dev_sign_in(request: Request) -> Response:
        if dev_login is None:
            return pages.render(request, "not_found.html", status_code=404)
        form = await checked_form(request)
        values = {k: str(form.get(k) or "").strip() for k in ("user_id", "school_id", "trust_id")}
        role = str(form.get("role") or "")
        mfa = form.get("mfa") == "yes"
        errors = _dev_errors(values, role)
        token = None
        if not errors:
            try:
                token, expires_at = dev_login.sign_in(
                    user=values["user_id"],
                    roles=[role],
                    school_id=values["school_id"] or None,
                    trust_id=values["trust_id"] or None,
                    mfa=mfa,
                )
            except MfaRequired:
                errors["mfa"] = "This role needs multi-factor authentication: tick the box"
            except AuthError as exc:
                errors["school_id"] = _claims_problem(str(exc))
        if token is None:
            return pages.render(
                request,
                "dev_sign_in.html",
                status_code=400,
                next=safe_next(str(form.get("next") or "")),
                roles=list(Role),
                errors=errors,
                values={**values, "role": role, "mfa": "yes" if mfa else ""},
                mfa_required=settings.require_mfa,
            )
        session = session_of(request)
        principal = principal_from_claims(
            {
                "sub": values["user_id"],
                "roles": [role],
                "school_id": values["school_id"] or None,
                "trust_id": values["trust_id"] or None,
            }
        )
        remember(session, token, principal, expires_at)
        target = safe_next(str(form.get("next") or ""))
        return RedirectResponse(target if target != "/" else User(session).home(), 303)

    @api.get("/sign-out")
    async def sign_out(request: Request) -> Response:
        session_of(request).sign_out()
        return pages.render(request, "signed_out.html")

    return api


def _dev_errors(values: dict[str, str], role: str) -> dict[str, str]:
    errors: dict[str, str] = {}
    if not re.match(ID_PATTERN, values["user_id"]):
        errors["user_id"] = "Enter a user ID (letters, digits, . _ : @ -)"
    for name in ("school_id", "trust_id"):
        if values[name] and not re.match(ID_PATTERN, values[name]):
            errors[name] = "Use letters, digits, . _ : @ - only"
    if role not in {r.value for r in Role}:
        errors["role"] = "Select a role"
    return errors


def _claims_problem(message: str) -> str:
    if "school roles need" in message:
        return "Enter a school ID: this role belongs to a school"
    return "Enter a school ID or a trust ID"
