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


class BodyView(StrEnum):
    """Which outline of the body map a mark is on."""

    FRONT = "front"
    BACK = "back"


class BodyArea(StrEnum):
    """Where on the body a mark is, as a list a keyboard or screen-reader user can choose from."""

    HEAD = "head"
    FACE = "face"
    NECK = "neck"
    CHEST = "chest"
    ABDOMEN = "abdomen"
    UPPER_BACK = "upper_back"
    LOWER_BACK = "lower_back"
    BUTTOCKS = "buttocks"
    GENITAL_AREA = "genital_area"
    LEFT_SHOULDER = "left_shoulder"
    RIGHT_SHOULDER = "right_shoulder"
    LEFT_UPPER_ARM = "left_upper_arm"
    RIGHT_UPPER_ARM = "right_upper_arm"
    LEFT_FOREARM = "left_forearm"
    RIGHT_FOREARM = "right_forearm"
    LEFT_HAND = "left_hand"
    RIGHT_HAND = "right_hand"
    LEFT_THIGH = "left_thigh"
    RIGHT_THIGH = "right_thigh"
    LEFT_LOWER_LEG = "left_lower_leg"
    RIGHT_LOWER_LEG = "right_lower_leg"
    LEFT_FOOT = "left_foot"
    RIGHT_FOOT = "right_foot"


class MarkKind(StrEnum):
    BRUISE = "bruise"
    CUT = "cut"
    BURN = "burn"
    MARK = "mark"
    OTHER = "other"
