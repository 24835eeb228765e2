"""Adult cases as case keeps them (KCSIE Part 4). Part of CaseStore (services/case/
store.py), which owns the collections and indexes.

- adult_cases: one per concern about an adult (`_id` = its case id), changed only through
  the unit of work (it carries an outbox).
- adult_case_lists: small lists of ids, read by `_id` (FerretDB answers nothing else from
  an index): "school:<id>" and "trust:<id>", the adult cases of a school and of a trust;
  "low_level:<school>", the adults in the school's low-level concerns log. Adult cases
  are few (a school has a handful a year), so a list and then one `_id` read per case
  beats a filtered scan of every school's cases. Appended to under the list's lock.
- low_level_logs: one per adult per school (`_id` = "<school>/<adult key>"), with an
  outbox: the pattern alert is written with the entry that completes it.
- trust_settings: one per trust (`_id` = trust id): the trust lead it names as a case
  manager, with an outbox for its admin audit event.
- adult_reads: one per read of adult cases, written once with its event (each case's
  access log in records gains the read).
"""

from __future__ import annotations

from collections.abc import Iterable

from pymongo.asynchronous.collection import AsyncCollection

from services.common.field_cipher import FieldCipher, open_document
from services.common.retries import gather_limited, retry_busy
from services.common.store import Document

WITHOUT_OUTBOX = {"outbox": 0}


def school_list(school_id: str) -> str:
    return f"school:{school_id}"


def trust_list(trust_id: str) -> str:
    return f"trust:{trust_id}"


def low_level_list(school_id: str) -> str:
    return f"low_level:{school_id}"


# What the case managers wrote about the adult, sealed at rest like a child's case
# (store_cases.CASE_TEXT): the unit of work seals them, the reads below open them.
ADULT_CASE_TEXT = (
    "decisions.reason",
    "lado_referrals.advice",
    "suspension.reason",
    "outcome.reason",
)


class AdultCaseQueries:
    cipher: FieldCipher | None
    adult_cases: AsyncCollection[Document]
    adult_case_lists: AsyncCollection[Document]
    low_level_logs: AsyncCollection[Document]
    trust_settings: AsyncCollection[Document]
    adult_reads: AsyncCollection[Document]
    deadlines: AsyncCollection[Document]

    async def adult_case(self, case_id: str) -> Document | None:
        found = await self.adult_cases.find_one({"_id": case_id}, WITHOUT_OUTBOX)
        return await open_document(self.cipher, found, ADULT_CASE_TEXT)

    async def adult_cases_by_id(self, case_ids: Iterable[str]) -> list[Document]:
        """The cases that exist among these ids, in the order given (`_id` reads only)."""
        found = await gather_limited([self.adult_case(case_id) for case_id in case_ids])
        return [case for case in found if case is not None]

    async def listed(self, list_id: str) -> list[str]:
        found = await self.adult_case_lists.find_one({"_id": list_id})
        return list((found or {}).get("ids", []))

    async def add_to_list(self, list_id: str, item: str) -> None:
        """The caller holds the list's lock (FerretDB rewrites the document whole)."""
        await retry_busy(
            lambda: self.adult_case_lists.update_one(
                {"_id": list_id}, {"$addToSet": {"ids": item}}, upsert=True
            )
        )

    async def low_level_log(self, log_id: str) -> Document | None:
        return await self.low_level_logs.find_one({"_id": log_id}, WITHOUT_OUTBOX)

    async def low_level_logs_by_id(self, log_ids: Iterable[str]) -> list[Document]:
        found = await gather_limited([self.low_level_log(log_id) for log_id in log_ids])
        return [log for log in found if log is not None]

    async def trust_setting(self, trust_id: str) -> Document | None:
        return await self.trust_settings.find_one({"_id": trust_id}, WITHOUT_OUTBOX)

    async def deadlines_by_id(self, deadline_ids: Iterable[str]) -> list[Document]:
        found = await gather_limited(
            [self.deadlines.find_one({"_id": d}, WITHOUT_OUTBOX) for d in deadline_ids]
        )
        return [deadline for deadline in found if deadline is not None]
