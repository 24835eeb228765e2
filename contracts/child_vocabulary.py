"""The words for what a DSL knows about a child beyond one concern: how two children are
linked, a child's part in an incident, the measures of a risk assessment (Annex A) and the
patterns case watches for. Shared by intake (a concern's other pupils), case's API and
events, records and the pages."""

from __future__ import annotations

from enum import StrEnum


class LinkKind(StrEnum):
    """How one child is linked to another, said from the first child's side."""

    SIBLING = "sibling"
    SAME_HOUSEHOLD = "same_household"
    SAME_INCIDENT = "same_incident"
    VICTIM_OF = "victim_of"  # this child is the victim of the other
    ALLEGED_PERPETRATOR_OF = (
        "alleged_perpetrator_of"  # this child is alleged to have harmed the other
    )


# The same link from the other child's side.
INVERSE_LINK: dict[LinkKind, LinkKind] = {
    LinkKind.SIBLING: LinkKind.SIBLING,
    LinkKind.SAME_HOUSEHOLD: LinkKind.SAME_HOUSEHOLD,
    LinkKind.SAME_INCIDENT: LinkKind.SAME_INCIDENT,
    LinkKind.VICTIM_OF: LinkKind.ALLEGED_PERPETRATOR_OF,
    LinkKind.ALLEGED_PERPETRATOR_OF: LinkKind.VICTIM_OF,
}


class Part(StrEnum):
    """A child's part in an incident (a concern's other pupils, a risk assessment)."""

    VICTIM = "victim"
    ALLEGED_PERPETRATOR = "alleged_perpetrator"
    WITNESS = "witness"
    OTHER = "other"


class MeasureKind(StrEnum):
    """What a risk assessment puts in place (Annex A: keeping the children apart and safe)."""

    SEPARATE_CLASSES = "separate_classes"
    SUPERVISED_TIMES = "supervised_times"  # break, lunch, movement between lessons
    TRANSPORT = "transport"
    SEATING = "seating"
    CHANGING_AND_TOILETS = "changing_and_toilets"
    ONLINE = "online"
    TRUSTED_ADULT = "trusted_adult"
    OTHER = "other"


class PatternRule(StrEnum):
    """The patterns case watches each child's recent events for (domain/patterns.py)."""

    REPEATED_CONCERNS = "repeated_concerns"  # concerns with no referral made meanwhile
    MISSING_EDUCATION = "missing_education"  # concerns in the missing-education categories
    POLICE_NOTIFICATIONS = "police_notifications"  # Operation Encompass notifications
    CONCERN_AFTER_CLOSURE = "concern_after_closure"  # a concern soon after the case closed
