"""records' public HTTP API for the one-time link (no sign-in: the token in the path and
the access code in the body are the credentials), and the deployment's public key that
transfer bundles are signed with."""

from typing import Annotated, Any

from fastapi import APIRouter, Path
from fastapi.responses import Response

from services.common.openapi_answers import CONFLICT
from services.records.ports import RecordsPorts
from services.records.usecases.transfer_link import (
    CodeEntry,
    LinkStatus,
    ReceiptConfirmation,
    confirm_receipt,
    download_bundle,
    link_status,
    open_link,
)

Token = Annotated[str, Path(min_length=16, max_length=64, pattern=r"^[A-Za-z0-9_-]+={0,2}$")]


def router(ports: RecordsPorts) -> APIRouter:
    api = APIRouter(tags=["transfer links"])

    @api.get("/.well-known/harbour-transfer-key")
    async def transfer_key() -> dict[str, str]:
        """The Ed25519 public key transfer bundles from this deployment are signed with."""
        return ports.keys.public_view()

    @api.get("/v1/transfer-links/{token}")
    async def status(token: Token) -> dict[str, Any]:
        """What the link's page may show before the code is given (nothing of the child)."""
        return status_view(await link_status(ports, token))

    @api.post("/v1/transfer-links/{token}/open", responses=CONFLICT)
    async def open_with_code(token: Token, entry: CodeEntry) -> dict[str, Any]:
        """Check the access code (each wrong one counts towards locking the link)."""
        return status_view(await open_link(ports, token, entry))

    @api.post(
        "/v1/transfer-links/{token}/bundle",
        response_class=Response,
        responses={200: {"content": {"application/zip": {}}}, **CONFLICT},
    )
    async def bundle(token: Token, entry: CodeEntry) -> Response:
        """The transfer bundle (ZIP); every download is in the child's access log."""
        data = await download_bundle(ports, token, entry)
        return Response(
            data,
            media_type="application/zip",
            headers={
                "Content-Disposition": 'attachment; filename="child-protection-file.zip"',
                "Cache-Control": "no-store",
            },
        )

    @api.post("/v1/transfer-links/{token}/receipt", responses=CONFLICT)
    async def receipt(token: Token, confirmation: ReceiptConfirmation) -> dict[str, str]:
        """Confirm the file was received: meets the sending school's deadline."""
        await confirm_receipt(ports, token, confirmation)
        return {"state": "received"}

    return api


def status_view(found: LinkStatus) -> dict[str, Any]:
    return {
        "state": found.state,
        "from_school": found.from_school,
        "expires_at": found.expires_at,
        "tries_left": found.tries_left,
        "downloads": found.downloads,
    }
