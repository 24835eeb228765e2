"""The one-time link's page, for a DSL outside Harbour who was e-mailed a child's file: no
sign-in; it shows nothing of the child until the access code (given separately by the
sending school) is entered, then offers the download and the receipt. records counts
wrong codes and locks the link after a few (the rate limit that matters: each guess is one
of a handful)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Request
from fastapi.responses import Response

from services.web.clients.base import Conflict, NotFound, Unprocessable
from services.web.clients.services import Services
from services.web.security import checked_form
from services.web.templating import Pages

Token = Annotated[str, Path(min_length=16, max_length=64, pattern=r"^[A-Za-z0-9_-]+={0,2}$")]


def router(pages: Pages, services: Services) -> APIRouter:
    api = APIRouter()
    records = services.records

    async def link_page(
        request: Request,
        token: str,
        *,
        code: str = "",
        errors: dict[str, str] | None = None,
        done: bool = False,
        status_code: int = 200,
    ) -> Response:
        try:
            link = await records.link(token)
        except NotFound:
            return pages.render(request, "transfer_link_gone.html", status_code=404)
        key: dict[str, Any] = await records.transfer_key()
        return pages.render(
            request,
            "transfer_link.html",
            token=token,
            link=link,
            code=code,
            errors=errors or {},
            done=done,
            key=key,
            status_code=status_code,
        )

    @api.get("/file-transfer/{token}")
    async def open_link(request: Request, token: Token) -> Response:
        return await link_page(request, token)

    @api.post("/file-transfer/{token}")
    async def enter_code(request: Request, token: Token) -> Response:
        form = await checked_form(request)
        code = str(form.get("code") or "").strip()[:20]
        if not code:
            return await link_page(
                request, token, errors={"code": "Enter the access code"}, status_code=422
            )
        try:
            await records.link_open(token, code)
        except (Unprocessable, Conflict) as exc:
            return await link_page(
                request, token, errors={"code": _problem(exc)}, status_code=exc.status
            )
        except NotFound:
            return pages.render(request, "transfer_link_gone.html", status_code=404)
        return await link_page(request, token, code=code)

    @api.post("/file-transfer/{token}/bundle")
    async def bundle(request: Request, token: Token) -> Response:
        form = await checked_form(request)
        code = str(form.get("code") or "").strip()[:20]
        try:
            data = await records.link_bundle(token, code)
        except (Unprocessable, Conflict) as exc:
            return await link_page(
                request, token, errors={"code": _problem(exc)}, status_code=exc.status
            )
        except NotFound:
            return pages.render(request, "transfer_link_gone.html", status_code=404)
        return Response(
            data,
            media_type="application/zip",
            headers={"Content-Disposition": 'attachment; filename="child-protection-file.zip"'},
        )

    @api.post("/file-transfer/{token}/receipt")
    async def receipt(request: Request, token: Token) -> Response:
        form = await checked_form(request)
        code = str(form.get("code") or "").strip()[:20]
        name = str(form.get("name") or "").strip()[:120]
        if not name:
            return await link_page(
                request, token, code=code, errors={"name": "Enter your name"}, status_code=422
            )
        try:
            await records.link_receipt(token, code, name)
        except (Unprocessable, Conflict) as exc:
            return await link_page(
                request, token, errors={"code": _problem(exc)}, status_code=exc.status
            )
        except NotFound:
            return pages.render(request, "transfer_link_gone.html", status_code=404)
        return await link_page(request, token, done=True)

    @api.get("/.well-known/harbour-transfer-key")
    async def transfer_key() -> dict[str, Any]:
        """The public key this deployment signs transfer bundles with."""
        return await records.transfer_key()

    return api


def _problem(exc: Unprocessable | Conflict) -> str:
    if isinstance(exc, Unprocessable):
        return next(iter(exc.field_errors().values()), "The access code is not right")
    detail = exc.detail.get("detail") if isinstance(exc.detail, dict) else None
    return str(detail or "The link cannot be used now")
