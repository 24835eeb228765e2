"""Intake's free text about children, by document type: sealed at rest under the trust's
data key (services.common.field_cipher). main.py hands them to the unit of work, which
seals and opens them on every insert and edit; the store's bulk paths and reads use the
same names. A new free-text field is one more name here."""

CONCERN_TEXT = (
    "concern.description",
    "concern.child_words",
    "concern.actions_taken",
    "concern.body_map.note",
)
ADULT_CONCERN_TEXT = ("adult_concern.description",)
NOTICE_TEXT = (
    "content.location",
    "content.circumstances",
    "content.police_action",
    "content.other_information",
    "content.child.voice_of_child",
    "resolution.reason",
)
