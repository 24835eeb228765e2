"""A bundle from another deployment (or this one, by hand) becomes a child's file at a
school: signature and every chain are checked first, and nothing is created unless all
hold (`harbour records import`)."""

from __future__ import annotations

from dataclasses import dataclass

from services.common.errors import Invalid, NotFound
from services.common.ids import ID_RE
from services.records.domain.bundle import check_bundle
from services.records.domain.child_file import chain_id
from services.records.ports import RecordsPorts
from services.records.usecases.chain_append import ChainRef
from services.records.usecases.file_reading import load_file
from services.records.usecases.receive_file import receive_chains


@dataclass(frozen=True)
class Imported:
    school_id: str
    pupil_id: str
    entries: int
    head: str
    valid: bool
    from_school: str | None
    signer: str | None


async def import_bundle(
    ports: RecordsPorts,
    data: bytes,
    school_id: str,
    *,
    pupil_id: str | None = None,
    trusted_key: bytes | None = None,
) -> Imported:
    checked = check_bundle(data, trusted_key)
    if not checked.ok:
        raise Invalid("bundle", "; ".join(checked.problems))
    school = await ports.store.school(school_id)
    if school is None:
        raise NotFound("school", f"school {school_id} is not known to records")
    document = checked.file
    pupil = pupil_id or str(document["child"].get("pupil_id") or "")
    if not ID_RE.fullmatch(pupil):
        raise Invalid("pupil_id", "give the child's pupil id on this school's roll (--pupil)")
    into = ChainRef(chain_id(school_id, pupil), school["trust_id"], school_id, pupil)
    await receive_chains(
        ports,
        into,
        str(document["transfer_id"]),
        document["chains"],
        origin=document["from"],
        child=document["child"],
        actor={"kind": "system", "id": "import", "role": None},
    )
    created = await load_file(ports.store.files, school_id, pupil)
    assert created is not None
    verdict = created.verdict()
    return Imported(
        school_id,
        pupil,
        verdict.entries,
        verdict.head,
        verdict.valid,
        document["from"].get("school_name"),
        checked.signer,
    )
