"""How the pages say what the DSL knows of a child: plans, care, SEND, the flags shown on
alerts, how children are linked, a child's part in an incident, the measures of a risk
assessment and the patterns case watches for."""

from __future__ import annotations

from contracts.child_context import ChildFlag, LegalStatus, PlanKind, ProtectionCategory
from contracts.child_vocabulary import LinkKind, MeasureKind, Part, PatternRule

PLANS = {
    "": "Not recorded",
    PlanKind.NONE: "No plan",
    PlanKind.CHILD_IN_NEED: "Child in need plan",
    PlanKind.CHILD_PROTECTION: "Child protection plan",
}
PROTECTION_CATEGORIES = {
    ProtectionCategory.NEGLECT: "Neglect",
    ProtectionCategory.PHYSICAL_ABUSE: "Physical abuse",
    ProtectionCategory.EMOTIONAL_ABUSE: "Emotional abuse",
    ProtectionCategory.SEXUAL_ABUSE: "Sexual abuse",
    ProtectionCategory.MULTIPLE: "Multiple categories",
}
LEGAL_STATUSES = {
    LegalStatus.VOLUNTARY_ACCOMMODATION: "Accommodated with consent (section 20)",
    LegalStatus.CARE_ORDER: "Care order",
    LegalStatus.INTERIM_CARE_ORDER: "Interim care order",
    LegalStatus.PLACEMENT_ORDER: "Placement order",
    LegalStatus.EMERGENCY_PROTECTION_ORDER: "Emergency protection order",
    LegalStatus.REMAND: "Remanded to local authority accommodation",
    LegalStatus.OTHER: "Other",
}
PREVIOUSLY = {
    "adoption": "Yes: adopted",
    "special_guardianship_order": "Yes: special guardianship order",
    "child_arrangements_order": "Yes: child arrangements order",
}
SEND_OPTIONS = {"": "Not recorded", "support": "Yes: SEN support", "ehcp": "Yes: EHC plan"}
FLAGS = {
    ChildFlag.CHILD_PROTECTION_PLAN: "Child protection plan",
    ChildFlag.LOOKED_AFTER: "Looked after",
    ChildFlag.SEND: "SEND",
}
LINK_KINDS = {
    LinkKind.SIBLING: "Sibling",
    LinkKind.SAME_HOUSEHOLD: "Same household",
    LinkKind.SAME_INCIDENT: "Same incident",
    LinkKind.VICTIM_OF: "Victim of",
    LinkKind.ALLEGED_PERPETRATOR_OF: "Alleged perpetrator against",
}
PARTS = {
    Part.VICTIM: "Victim",
    Part.ALLEGED_PERPETRATOR: "Alleged perpetrator",
    Part.WITNESS: "Witness",
    Part.OTHER: "Other",
}
MEASURES = {
    MeasureKind.SEPARATE_CLASSES: "Separate classes or sets",
    MeasureKind.SUPERVISED_TIMES: "Supervision at break, lunch and between lessons",
    MeasureKind.TRANSPORT: "Travel to and from school",
    MeasureKind.SEATING: "Seating",
    MeasureKind.CHANGING_AND_TOILETS: "Changing rooms and toilets",
    MeasureKind.ONLINE: "Online contact",
    MeasureKind.TRUSTED_ADULT: "A trusted adult to go to",
    MeasureKind.OTHER: "Anything else",
}
PATTERNS = {
    PatternRule.REPEATED_CONCERNS: "Repeated concerns with no referral",
    PatternRule.MISSING_EDUCATION: "Repeatedly missing education",
    PatternRule.POLICE_NOTIFICATIONS: "Repeated police notifications",
    PatternRule.CONCERN_AFTER_CLOSURE: "A concern soon after the case closed",
}
CHILD_LABELS = {
    "plans": PLANS,
    "protection_categories": PROTECTION_CATEGORIES,
    "legal_statuses": LEGAL_STATUSES,
    "previously": PREVIOUSLY,
    "send": SEND_OPTIONS,
    "flags": FLAGS,
    "link_kinds": LINK_KINDS,
    "parts": PARTS,
    "measures": MEASURES,
    "patterns": PATTERNS,
}
