"""A concern about a child, as a member of staff submits it, and what it causes."""

from __future__ import annotations

import hashlib
import uuid

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, field_validator

from contracts.envelope import Actor, Envelope, Subject
from contracts.intake_v1 import (
    CONCERN_RAISED,
    MAX_BODY_MARKS,
    MAX_OTHER_PUPILS,
    BodyMark,
    ConcernRaised,
    InvolvedPupil,
    Reporter,
)
from contracts.vocabulary import Category
from services.common.auth import Principal
from services.common.events import make_envelope

_CONCERN_NAMESPACE = uuid.UUID("5b0c7d8e-8f1e-4c59-9a57-3d9a1f0e2c41")
LongText = Field(max_length=10_000)


class ConcernSubmission(BaseModel):
    """The body of POST /v1/concerns."""

    model_config = ConfigDict(extra="forbid")

    school_id: str = Field(min_length=1, max_length=64)
    pupil_id: str = Field(min_length=1, max_length=64)
    occurred_at: AwareDatetime
    categories: list[Category] = Field(min_length=1, max_length=len(Category))
    description: str = Field(min_length=1, max_length=10_000)
    child_words: str = LongText
    actions_taken: str = LongText
    immediate_danger: bool
    fgm_discovered: bool
    # Marks on the body map; a bad one answers 422 naming it (e.g. field body_map.1.x).
    body_map: list[BodyMark] = Field(default_factory=list, max_length=MAX_BODY_MARKS)
    # Other pupils of the school involved (child-on-child): each must be on the roll, or the
    # answer is 422 naming the entry (other_pupils_involved.1.pupil_id).
    other_pupils_involved: list[InvolvedPupil] = Field(
        default_factory=list, max_length=MAX_OTHER_PUPILS
    )

    @field_validator("categories")
    @classmethod
    def no_repeats(cls, value: list[Category]) -> list[Category]:
        if len(set(value)) != len(value):
            raise ValueError("a category is listed twice")
        return value

    def fingerprint(self) -> str:
        """Tells a retry of the same submission from a different one under the same key."""
        # Without an empty body map or list of other pupils, so a submission stored before
        # they existed keeps its fingerprint and its retry is still recognised.
        exclude = {
            name
            for name, value in (
                ("body_map", self.body_map),
                ("other_pupils_involved", self.other_pupils_involved),
            )
            if not value
        }
        return hashlib.sha256(self.model_dump_json(exclude=exclude or None).encode()).hexdigest()


def involvement_problems(submission: ConcernSubmission) -> list[tuple[str, str]]:
    """Other pupils named wrongly: the concern's own child, or one named twice."""
    problems = []
    seen: set[str] = set()
    for index, named in enumerate(submission.other_pupils_involved):
        field = f"other_pupils_involved.{index}.pupil_id"
        if named.pupil_id == submission.pupil_id:
            problems.append((field, "the concern is about this pupil: name the others"))
        elif named.pupil_id in seen:
            problems.append((field, "this pupil is named twice"))
        seen.add(named.pupil_id)
    return problems


def concern_id_for(school_id: str, user_id: str, idempotency_key: str) -> str:
    """The same Idempotency-Key from the same user at the same school is the same concern."""
    return str(uuid.uuid5(_CONCERN_NAMESPACE, f"{school_id}\x1f{user_id}\x1f{idempotency_key}"))


def concern_raised(
    submission: ConcernSubmission,
    *,
    concern_id: str,
    trust_id: str,
    reporter: Principal,
    received_at: AwareDatetime,
) -> Envelope[ConcernRaised]:
    payload = ConcernRaised(
        concern_id=concern_id,
        pupil_id=submission.pupil_id,
        occurred_at=submission.occurred_at,
        received_at=received_at,
        categories=submission.categories,
        description=submission.description,
        child_words=submission.child_words,
        actions_taken=submission.actions_taken,
        immediate_danger=submission.immediate_danger,
        fgm_discovered=submission.fgm_discovered,
        body_map=submission.body_map,
        other_pupils_involved=submission.other_pupils_involved,
        reported_by=Reporter(user_id=reporter.user_id, role=reporter.primary_role),
    )
    return make_envelope(  # type: ignore[return-value]
        CONCERN_RAISED,
        payload,
        trust_id=trust_id,
        school_id=submission.school_id,
        subject=Subject(kind="child", id=submission.pupil_id),
        actor=Actor(kind="user", id=reporter.user_id, role=reporter.primary_role),
        correlation_id=concern_id,
        occurred_at=received_at,
    )
