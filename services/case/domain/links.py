"""Links between two children (siblings, the same household, the same incident, the victim
and the alleged perpetrator): symmetric, so each link is kept on both children's cases,
each side saying it from its own child's view (the victim's side `victim_of`, the other
`alleged_perpetrator_of`), under one link id. Removing a link keeps it, marked removed with
the reason, on both sides. Pure code."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from contracts import case_v1
from contracts.child_vocabulary import INVERSE_LINK, LinkKind, Part
from contracts.envelope import Actor, Envelope
from services.case.domain.case_steps import case_event
from services.common.ids import Identifier

_INCIDENT_LINKS = uuid.UUID("9a4c1e27-5d3b-4f8a-b6e2-71c0d9f4a835")


class LinkRequest(BaseModel):
    """The body of POST /v1/children/{pupil_id}/links."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    other_pupil_id: Identifier
    kind: LinkKind
    other_school_id: Identifier | None = Field(
        default=None, description="another school of the trust (trust-wide leads only)"
    )
    note: str | None = Field(default=None, min_length=1, max_length=2_000)


class LinkRemoval(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    reason: str = Field(min_length=1, max_length=5_000)


def side(
    link_id: str,
    *,
    other_school_id: str,
    other_pupil_id: str,
    kind: LinkKind,
    note: str | None,
    by: str,
    at: datetime,
    fingerprint: str | None = None,
    source_id: str | None = None,
    part: Part | None = None,
) -> dict[str, Any]:
    """One child's side of a link, as kept on their case."""
    return {
        "link_id": link_id,
        "other_school_id": other_school_id,
        "other_pupil_id": other_pupil_id,
        "kind": kind.value,
        "note": note,
        "source_id": source_id,  # the concern that named both children, if any
        "part": part.value if part else None,  # this child's part in that concern
        "status": "active",
        "added_by": by,
        "added_at": at,
        "removed_by": None,
        "removed_at": None,
        "removal_reason": None,
        "fingerprint": fingerprint,
    }


def mirrored(
    one_side: Mapping[str, Any], *, school_id: str, pupil_id: str, part: Part | None = None
) -> dict[str, Any]:
    """The other child's side of the link whose one side, on (school_id, pupil_id)'s case,
    is `one_side`: the same link, said from the other child's view."""
    return {
        **one_side,
        "other_school_id": school_id,
        "other_pupil_id": pupil_id,
        "kind": INVERSE_LINK[LinkKind(one_side["kind"])].value,
        "part": part.value if part else None,
        "fingerprint": None,
    }


def active_link(
    case: Mapping[str, Any] | None, other_school_id: str, other_pupil_id: str, kind: LinkKind
) -> dict[str, Any] | None:
    """The case's active link of this kind to that child (linking them again is the same
    link)."""
    for link in (case or {}).get("links", []):
        if (
            link["status"] == "active"
            and link["other_school_id"] == other_school_id
            and link["other_pupil_id"] == other_pupil_id
            and link["kind"] == kind.value
        ):
            return dict(link)
    return None


def incident_link_id(concern_event_id: str, pupil_id: str) -> str:
    """The same_incident link a concern makes between its child and a pupil it names:
    fixed by the concern's event and the pupil, so a redelivery makes no second one."""
    return f"lnk_{uuid.uuid5(_INCIDENT_LINKS, f'{concern_event_id}/{pupil_id}').hex}"


def removed(link: Mapping[str, Any], reason: str, *, by: str, at: datetime) -> dict[str, Any]:
    return {
        **link,
        "status": "removed",
        "removed_by": by,
        "removed_at": at,
        "removal_reason": reason,
    }


def _step(case: Mapping[str, Any], link_id: str) -> str:
    """A side's step: one event per link per child."""
    return f"{link_id}:{case['school_id']}/{case['pupil_id']}"


def added_event(
    case: Mapping[str, Any],
    link: Mapping[str, Any],
    actor: Actor,
    causation: Envelope[BaseModel] | None = None,
) -> Envelope[BaseModel]:
    payload = case_v1.LinkAdded(
        pupil_id=case["pupil_id"],
        link_id=link["link_id"],
        other_pupil_id=link["other_pupil_id"],
        other_school_id=link["other_school_id"],
        kind=link["kind"],
        note=link["note"],
        source_id=link["source_id"],
        part=link.get("part"),
        added_at=link["added_at"],
    )
    return case_event(
        case,
        case_v1.LINK_ADDED,
        payload,
        step=_step(case, link["link_id"]),
        actor=actor,
        at=link["added_at"],
        correlation_id=link["link_id"],
        causation=causation,
    )


def removed_event(
    case: Mapping[str, Any], link: Mapping[str, Any], actor: Actor
) -> Envelope[BaseModel]:
    payload = case_v1.LinkRemoved(
        pupil_id=case["pupil_id"],
        link_id=link["link_id"],
        other_pupil_id=link["other_pupil_id"],
        other_school_id=link["other_school_id"],
        kind=link["kind"],
        reason=link["removal_reason"],
        removed_at=link["removed_at"],
    )
    return case_event(
        case,
        case_v1.LINK_REMOVED,
        payload,
        step=_step(case, link["link_id"]),
        actor=actor,
        at=link["removed_at"],
        correlation_id=link["link_id"],
    )
