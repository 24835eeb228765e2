"""A concern about an adult (KCSIE Part 4) as a member of staff submits it, and the event
it causes. Pure."""

from __future__ import annotations

import hashlib
import uuid

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, field_validator

from contracts.adult_cases import AdultSubject, adult_case_id
from contracts.envelope import Actor, Envelope, Subject
from contracts.intake_v1 import ADULT_CONCERN_RAISED, AdultConcernRaised, Reporter
from services.common.auth import Principal
from services.common.events import make_envelope
from services.common.ids import Identifier

_ADULT_CONCERN_NAMESPACE = uuid.UUID("9e3c1f5a-7b2d-4c8e-a6f0-3d5b8e1c2a47")
MAX_CHILDREN = 30


class AdultConcernSubmission(BaseModel):
    """The body of POST /v1/adult-concerns."""

    model_config = ConfigDict(extra="forbid")

    school_id: str = Field(min_length=1, max_length=64)
    subject: AdultSubject
    occurred_at: AwareDatetime
    description: str = Field(min_length=1, max_length=10_000)
    children_involved: list[Identifier] = Field(default_factory=list, max_length=MAX_CHILDREN)
    whistleblowing: bool = False

    @field_validator("children_involved")
    @classmethod
    def no_repeats(cls, value: list[str]) -> list[str]:
        if len(set(value)) != len(value):
            raise ValueError("a pupil is listed twice")
        return value

    def fingerprint(self) -> str:
        """Tells a retry of the same submission from a different one under the same key."""
        return hashlib.sha256(self.model_dump_json().encode()).hexdigest()


def adult_concern_id_for(school_id: str, user_id: str, idempotency_key: str) -> str:
    """The same Idempotency-Key from the same user at the same school is the same concern
    (a namespace of its own: a key used for a concern about a child is another concern)."""
    name = f"{school_id}\x1f{user_id}\x1f{idempotency_key}"
    return str(uuid.uuid5(_ADULT_CONCERN_NAMESPACE, name))


def adult_concern_raised(
    submission: AdultConcernSubmission,
    *,
    adult_concern_id: str,
    trust_id: str,
    reporter: Principal,
    received_at: AwareDatetime,
) -> Envelope[AdultConcernRaised]:
    case_id = adult_case_id(adult_concern_id)
    payload = AdultConcernRaised(
        adult_concern_id=adult_concern_id,
        case_id=case_id,
        subject=submission.subject,
        occurred_at=submission.occurred_at,
        received_at=received_at,
        description=submission.description,
        children_involved=submission.children_involved,
        whistleblowing=submission.whistleblowing,
        reported_by=Reporter(user_id=reporter.user_id, role=reporter.primary_role),
    )
    return make_envelope(  # type: ignore[return-value]
        ADULT_CONCERN_RAISED,
        payload,
        trust_id=trust_id,
        school_id=submission.school_id,
        # The case's id, never the adult's name: envelopes are logged and routed.
        subject=Subject(kind="adult", id=case_id),
        actor=Actor(kind="user", id=reporter.user_id, role=reporter.primary_role),
        correlation_id=adult_concern_id,
        occurred_at=received_at,
    )
