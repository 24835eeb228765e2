"""Shared vocabularies: concern categories and roles."""

from enum import StrEnum


class Category(StrEnum):
    """Abuse types and specific safeguarding issues named in Keeping Children Safe in Education."""

    PHYSICAL = "physical"
    EMOTIONAL = "emotional"
    SEXUAL = "sexual"
    NEGLECT = "neglect"
    DOMESTIC_ABUSE = "domestic_abuse"
    CHILD_ON_CHILD = "child_on_child"
    SEXUAL_VIOLENCE = "sexual_violence"
    SEXUAL_HARASSMENT = "sexual_harassment"
    ONLINE = "online"
    CSE = "cse"  # child sexual exploitation
    CCE = "cce"  # child criminal exploitation
    COUNTY_LINES = "county_lines"
    RADICALISATION = "radicalisation"
    FGM = "fgm"
    FORCED_MARRIAGE = "forced_marriage"
    HONOUR_BASED_ABUSE = "honour_based_abuse"
    MENTAL_HEALTH = "mental_health"
    SELF_HARM = "self_harm"
    MISSING_EDUCATION = "missing_education"
    PRIVATE_FOSTERING = "private_fostering"
    OTHER = "other"


class Role(StrEnum):
    STAFF = "staff"
    DSL = "dsl"
    DEPUTY_DSL = "deputy_dsl"
    HEADTEACHER = "headteacher"
    CHAIR_OF_GOVERNORS = "chair_of_governors"
    TRUST_SAFEGUARDING_LEAD = "trust_safeguarding_lead"
    ADMIN = "admin"


class Priority(StrEnum):
    NORMAL = "normal"
    URGENT = "urgent"
    ENCOMPASS = "encompass"
