"""records' collections, their indexes, and every query on them.

- file_heads / file_pages / file_keys: each child's file, a hash chain (store_chains.py)
- access_heads / access_pages: each child's access log, a hash chain too
- chronology: entries stored before files were chained (`_id` = the event's id); read
  once, by the migration that chains them (usecases/migrate_legacy.py)
- children: the pupils intake has recorded, per school (`_id` = "<school>/<pupil>")
- schools: the schools intake has recorded (`_id` = school id); school_urns: URN → school
- audit: which statutory deadlines were met
- migrations: one document per one-off step done (`_id` = its name)
- closed_files: school id → the pupils whose file closed when they left (retention review)
- admin_audit, admin_log, admin_log_heads: administrative actions the other services
  reported, and each trust's and school's list of them (store_admin_log.py)
- adult cases' chronologies and access logs, children's pointers to them, and who may see
  each (store_adult_cases.py)
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Mapping, Sequence
from datetime import datetime
from typing import Any

from pymongo import ASCENDING
from pymongo.asynchronous.collection import AsyncCollection
from pymongo.asynchronous.database import AsyncDatabase

from services.common.field_cipher import FieldCipher
from services.common.store import (
    Document,
    insert_if_absent,
    upsert_if_newer,
    upsert_many_if_newer,
)
from services.records.store_admin_log import AdminLogQueries
from services.records.store_adult_cases import AdultCaseRecords
from services.records.store_chains import ChainStore
from services.records.store_transfers import TransferStore


class RecordsStore(TransferStore, AdminLogQueries, AdultCaseRecords):
    def __init__(self, db: AsyncDatabase[Document], cipher: FieldCipher | None = None) -> None:
        super().__init__(db)
        # A child's file and its access log are sealed at rest, entry by entry.
        self.files = ChainStore(db, "file", cipher)
        self.access = ChainStore(db, "access", cipher)
        self.chronology: AsyncCollection[Document] = db["chronology"]
        self.children: AsyncCollection[Document] = db["children"]
        self.schools: AsyncCollection[Document] = db["schools"]
        self.school_urns: AsyncCollection[Document] = db["school_urns"]
        self.audit: AsyncCollection[Document] = db["audit"]
        self.migrations: AsyncCollection[Document] = db["migrations"]
        self.closed_files: AsyncCollection[Document] = db["closed_files"]
        self.admin_audit: AsyncCollection[Document] = db["admin_audit"]
        self.admin_log: AsyncCollection[Document] = db["admin_log"]
        self.admin_log_heads: AsyncCollection[Document] = db["admin_log_heads"]
        self.adult_files = ChainStore(db, "adult", cipher)
        self.adult_access_log = ChainStore(db, "adult_access", cipher)
        self.pointers = ChainStore(db, "pointer", cipher)
        self.adult_case_access: AsyncCollection[Document] = db["adult_case_access"]

    async def ensure_indexes(self) -> None:
        await self.ensure_transfer_indexes()
        await self.children.create_index(
            [("school_id", ASCENDING), ("pupil_id", ASCENDING)], name="school_pupil", unique=True
        )
        await self.audit.create_index(
            [("school_id", ASCENDING), ("at", ASCENDING)], name="school_at"
        )

    # -- children and schools (read models of intake's) ------------------------------------

    async def child(self, school_id: str, pupil_id: str) -> Document | None:
        return await self.children.find_one({"_id": _child_id(school_id, pupil_id)})

    async def record_child(
        self, school_id: str, pupil_id: str, state: Mapping[str, Any], as_of: datetime
    ) -> bool:
        """Keep the newest of what intake said about a pupil; False if this was older."""
        return await upsert_if_newer(
            self.children, _child_id(school_id, pupil_id), dict(state), as_of
        )

    async def record_children(
        self, school_id: str, states: Sequence[Mapping[str, Any]], as_of: datetime
    ) -> None:
        """`record_child` for many pupils of one school at once (each with its `pupil_id`)."""
        await upsert_many_if_newer(
            self.children,
            [(_child_id(school_id, state["pupil_id"]), dict(state)) for state in states],
            as_of,
        )

    async def school(self, school_id: str) -> Document | None:
        return await self.schools.find_one({"_id": school_id})

    async def record_school(
        self, school_id: str, state: Mapping[str, Any], as_of: datetime
    ) -> bool:
        """Keep the newest of what intake said about a school, and find it by its URN."""
        newer = await upsert_if_newer(self.schools, school_id, dict(state), as_of)
        if newer and state.get("urn"):
            await self.school_urns.update_one(
                {"_id": state["urn"]}, {"$set": {"school_id": school_id}}, upsert=True
            )
        return newer

    async def school_by_urn(self, urn: str) -> Document | None:
        """The school that holds this URN now (a URN moved to another school since is not
        this one's any more)."""
        pointer = await self.school_urns.find_one({"_id": urn})
        if pointer is None:
            return None
        school = await self.school(pointer["school_id"])
        return school if school is not None and school.get("urn") == urn else None

    # -- the audit of deadlines met --------------------------------------------------------

    async def log_once(self, entry: Document) -> bool:
        """Append an entry whose `_id` comes from an event: False if it is there already."""
        return await insert_if_absent(self.audit, entry)

    # -- files ------------------------------------------------------------------------------

    async def file_chain_ids(self, school_id: str | None) -> AsyncIterator[str]:
        """Every school's own chain (a scan, for `harbour records verify` only)."""
        query: dict[str, Any] = {"school_id": school_id} if school_id else {}
        async for head in self.files.heads.find(query, projection={"_id": 1}).sort("_id", 1):
            if "@" not in head["_id"]:
                yield head["_id"]

    # -- retention -------------------------------------------------------------------------

    async def close_file(self, school_id: str, pupil_id: str) -> None:
        """Under the school's closed_files lock (several leavers at once)."""
        await self.closed_files.update_one(
            {"_id": school_id}, {"$addToSet": {"pupil_ids": pupil_id}}, upsert=True
        )

    async def closed_pupils(self, school_id: str) -> list[str]:
        found = await self.closed_files.find_one({"_id": school_id})
        return sorted((found or {}).get("pupil_ids", []))

    # -- the one-off migration of entries stored before chains -----------------------------

    async def migration_done(self, name: str) -> bool:
        return await self.migrations.find_one({"_id": name}) is not None

    async def mark_migration_done(self, name: str, at: datetime, count: int) -> None:
        await insert_if_absent(self.migrations, {"_id": name, "at": at, "count": count})

    async def legacy_entries(self) -> AsyncIterator[Document]:
        """Every entry stored before chains, in the order they were recorded (a scan, once)."""
        async for entry in self.chronology.find({}).sort("recorded_at", 1):
            yield entry


def _child_id(school_id: str, pupil_id: str) -> str:
    return f"{school_id}/{pupil_id}"
