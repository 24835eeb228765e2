"""records' HTTP API: a child's chronology for the school's DSLs (every read is in the
child's access log), its verification, and corrections."""

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Header, Query, status
from fastapi.responses import Response

from contracts.vocabulary import Role
from services.common.auth import DSL_ROLES, Principal
from services.common.ids import IdPath
from services.common.json_body import json_response
from services.common.openapi_answers import who_may
from services.common.store import Document
from services.records.domain.child_file import FileVerdict
from services.records.domain.chronology import occurred_at_of
from services.records.domain.corrections import CorrectionRequest
from services.records.ports import RecordsPorts
from services.records.usecases.correct_entry import correct_entry
from services.records.usecases.read_chronology import MAX_PAGE, read_chronology
from services.records.usecases.verify_file import verify_child_file

SchoolQuery = Annotated[str | None, Query(max_length=64)]
EntryPath = Annotated[str, IdPath]
IdempotencyKey = Annotated[str | None, Header(alias="Idempotency-Key", max_length=128)]


def router(ports: RecordsPorts, principal_dep: Any) -> APIRouter:
    api = APIRouter(prefix="/v1", tags=["chronology"])
    CurrentUser = Annotated[Principal, Depends(principal_dep)]

    @api.get(
        "/children/{pupil_id}/chronology",
        openapi_extra=who_may(*DSL_ROLES, trust_wide=[Role.TRUST_SAFEGUARDING_LEAD]),
    )
    async def chronology(
        pupil_id: IdPath,
        principal: CurrentUser,
        school_id: SchoolQuery = None,
        before: Annotated[str | None, Query(max_length=80)] = None,
        limit: Annotated[int, Query(ge=1, le=MAX_PAGE)] = MAX_PAGE,
    ) -> Response:
        """The child's newest `limit` entries in the order things happened; `earlier`, if
        not null, is the `before` of the page of older ones."""
        found = await read_chronology(
            ports, principal, pupil_id, school_id, before=before, limit=limit
        )
        view = {
            "pupil_id": found.pupil_id,
            "school_id": found.school_id,
            "child": child_view(found.child),
            "head": found.head,
            "entries": [entry_view(item) for item in found.entries],
            "entry_count": found.entry_count,
            "earlier": found.earlier,
            "address_withheld": found.address_withheld,
        }
        return json_response(view)

    @api.get(
        "/children/{pupil_id}/chronology/verify",
        openapi_extra=who_may(*DSL_ROLES, trust_wide=[Role.TRUST_SAFEGUARDING_LEAD]),
    )
    async def verify(
        pupil_id: IdPath, principal: CurrentUser, school_id: SchoolQuery = None
    ) -> dict[str, Any]:
        """Recompute every hash of the child's file: valid, or the first bad entry."""
        return verdict_view(await verify_child_file(ports, principal, pupil_id, school_id))

    @api.post(
        "/children/{pupil_id}/chronology/{entry_id}/corrections",
        status_code=status.HTTP_201_CREATED,
        openapi_extra=who_may(*DSL_ROLES, trust_wide=[Role.TRUST_SAFEGUARDING_LEAD]),
    )
    async def correct(
        pupil_id: IdPath,
        entry_id: EntryPath,
        request: CorrectionRequest,
        principal: CurrentUser,
        school_id: SchoolQuery = None,
        idempotency_key: IdempotencyKey = None,
    ) -> dict[str, Any]:
        """Append a correction of an entry (the original stays as it was)."""
        correction_id = await correct_entry(
            ports,
            principal,
            pupil_id,
            entry_id,
            request,
            school_id=school_id,
            idempotency_key=idempotency_key,
        )
        return {"entry_id": correction_id, "corrects": entry_id}

    return api


def child_view(child: Document | None) -> dict[str, Any] | None:
    if child is None:
        return None
    return {f: child.get(f) for f in ("forename", "surname", "date_of_birth", "upn")}


def entry_view(item: dict[str, Any]) -> dict[str, Any]:
    record = item["record"] or {}
    return {
        "entry_id": item["entry_id"],
        "chain": item["chain"],
        "seq": item["seq"],
        "hash": item["hash"],
        "kind": record.get("kind", "disposed"),
        "legacy": bool(record.get("legacy")),
        "school_id": record.get("school_id"),
        "source_id": record.get("source_id"),
        "event_type": record.get("event_type", ""),
        "event_id": record.get("event_id"),  # the event it records, for tracing
        "occurred_at": occurred_at_of(record) or None,
        "recorded_at": record.get("recorded_at"),
        "recorded_by": record.get("actor"),
        "content": record.get("content") or {},
        "corrections": [
            {
                "entry_id": c["entry_id"],
                "recorded_at": c["record"]["recorded_at"],
                "recorded_by": c["record"]["actor"],
                "reason": c["record"]["content"]["reason"],
                "fields": c["record"]["content"]["fields"],
            }
            for c in item["corrections"]
        ],
    }


def verdict_view(verdict: FileVerdict) -> dict[str, Any]:
    view: dict[str, Any] = {
        "entries": verdict.entries,
        "head": verdict.head,
        "valid": verdict.valid,
    }
    if not verdict.valid:
        view |= {
            "chain": verdict.chain,
            "first_bad_seq": verdict.first_bad_seq,
            "problem": verdict.problem,
        }
    return view
