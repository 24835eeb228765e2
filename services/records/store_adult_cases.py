"""What records keeps of adult cases (concerns about adults). Part of RecordsStore
(services/records/store.py).

- adult_heads / adult_pages / adult_keys: each adult case's chronology, a hash chain
  (store_chains.py; `_id` of the head = the case's id)
- adult_access_heads / …: each adult case's access log, a hash chain too
- pointer_heads / …: each child's pointers to adult cases, under the child's file id
  (domain/adult_file.py says why they are not in the file's own chain)
- adult_case_access: who may see each adult case, as case last told it (`_id` = the
  case's id; changed under its lock, newest revision kept)
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pymongo.asynchronous.collection import AsyncCollection

from services.common.retries import retry_busy
from services.common.store import Document
from services.records.store_chains import ChainStore


class AdultCaseRecords:
    adult_files: ChainStore
    adult_access_log: ChainStore
    pointers: ChainStore
    adult_case_access: AsyncCollection[Document]

    async def adult_access(self, case_id: str) -> Document | None:
        return await self.adult_case_access.find_one({"_id": case_id})

    async def keep_adult_access(
        self, case_id: str, tenant: Mapping[str, str], access: Mapping[str, Any]
    ) -> bool:
        """Keep the newer of the access stored and this one (the caller holds the document's
        lock); False if this one was not newer."""
        current = await self.adult_access(case_id)
        if current is not None and current["access"]["revision"] >= access["revision"]:
            return False
        state = {**tenant, "access": dict(access)}
        await retry_busy(
            lambda: self.adult_case_access.update_one(
                {"_id": case_id}, {"$set": state}, upsert=True
            )
        )
        return True
