"""Concerns about adults as intake keeps them: the submission whole, written once with its
event (`_id` = the concern's id), and read back only for its reporter's receipt. Part of
IntakeStore (services/intake/store.py), which owns the collections and indexes."""

from __future__ import annotations

from datetime import datetime

from pymongo.asynchronous.collection import AsyncCollection

from services.common.field_cipher import FieldCipher, open_document
from services.common.store import Document
from services.intake.domain.adult_concerns import AdultConcernSubmission
from services.intake.sealed_fields import ADULT_CONCERN_TEXT


class AdultConcernQueries:
    adult_concerns: AsyncCollection[Document]
    cipher: FieldCipher | None

    async def adult_concern(self, adult_concern_id: str) -> Document | None:
        found = await self.adult_concerns.find_one(
            {"_id": adult_concern_id}, projection={"outbox": 0}
        )
        return await open_document(self.cipher, found, ADULT_CONCERN_TEXT)

    @staticmethod
    def adult_concern_document(
        adult_concern_id: str,
        case_id: str,
        trust_id: str,
        submission: AdultConcernSubmission,
        reported_by: str,
        received_at: datetime,
    ) -> Document:
        """The submission whole, and its fingerprint, which tells a retry of the same
        submission from a different one under the same key."""
        return {
            "_id": adult_concern_id,
            "case_id": case_id,
            "trust_id": trust_id,
            "school_id": submission.school_id,
            "reported_by": reported_by,
            "received_at": received_at,
            "fingerprint": submission.fingerprint(),
            "adult_concern": submission.model_dump(mode="json"),
        }
