"""The forms a DSL works a case with, described once: their fields (text, long text,
choices, dates, date and time, whether the parents were told), in page order. What was
typed becomes the body case's API takes in case_form_input.py. Pure: no I/O."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Literal
from zoneinfo import ZoneInfo

from services.web.case_labels import AGENCIES, CLOSURES, DECISIONS, FEEDBACK, METHODS, NOTE_KINDS

LONDON = ZoneInfo("Europe/London")
Kind = Literal["text", "textarea", "radios", "date", "datetime", "parents", "checkboxes", "lines"]
MAX_TEXT = 10_000


@dataclass(frozen=True)
class Field:
    name: str  # the body's field, and the input's id
    label: str
    kind: Kind = "text"
    hint: str = ""
    required: bool = True
    options: Mapping[str, str] = field(default_factory=dict)
    max_length: int = MAX_TEXT
    past_only: bool = False  # a moment that has happened (not in the future)


@dataclass(frozen=True)
class CaseForm:
    key: str
    title: str
    button: str
    fields: tuple[Field, ...]
    lead: str = ""


def _parents() -> Field:
    return Field(
        "parents_informed",
        "Were the parents told?",
        "parents",
        hint="Telling parents can put a child at risk: if they were not told, say why.",
    )


FORMS: dict[str, CaseForm] = {
    form.key: form
    for form in (
        CaseForm(
            "triage",
            "Record a triage decision",
            "Save decision",
            (
                Field("decision", "What have you decided?", "radios", options=DECISIONS),
                Field(
                    "reason", "Why?", "textarea", hint="Recorded word for word.", max_length=5_000
                ),
                _parents(),
                Field(
                    "child_views",
                    "The child's wishes and feelings",
                    "textarea",
                    hint="In the child's own words where you can.",
                    required=False,
                ),
            ),
        ),
        CaseForm(
            "action",
            "Add an action",
            "Add action",
            (
                Field("title", "What needs to be done?", max_length=200),
                Field("owner_user_id", "Who owns it?", hint="Their sign-in ID.", max_length=64),
                Field("due_on", "When must it be done by?", "date"),
            ),
        ),
        CaseForm(
            "complete",
            "Complete an action",
            "Mark as done",
            (Field("note", "What was done?", "textarea"),),
        ),
        CaseForm(
            "note",
            "Add a note",
            "Save note",
            (
                Field("kind", "What was it?", "radios", options=NOTE_KINDS),
                Field("occurred_at", "When was it?", "datetime", past_only=True),
                Field(
                    "participants",
                    "Who took part?",
                    "lines",
                    hint="One person or role on each line.",
                    required=False,
                ),
                Field("summary", "What was said and agreed?", "textarea"),
            ),
        ),
        CaseForm(
            "review",
            "Set the review date",
            "Save review date",
            (
                Field("review_on", "When will the case be reviewed?", "date"),
                Field("reason", "Why then?", "textarea", max_length=5_000),
            ),
        ),
        CaseForm(
            "close",
            "Close the case",
            "Close case",
            (
                Field("outcome", "What was the outcome?", "radios", options=CLOSURES),
                Field("reason", "Why can the case close?", "textarea", max_length=5_000),
            ),
            lead="Every action must be done first. A new concern reopens the case by itself.",
        ),
        CaseForm(
            "reopen",
            "Reopen the case",
            "Reopen case",
            (Field("reason", "Why are you reopening it?", "textarea", max_length=5_000),),
        ),
        CaseForm(
            "referral",
            "Make a referral",
            "Save referral",
            (
                Field("agency", "Who did you refer to?", "radios", options=AGENCIES),
                Field("made_at", "When?", "datetime", past_only=True),
                Field("method", "How?", "radios", options=METHODS),
                Field("reference", "Their reference", required=False, max_length=200),
                Field("contact", "Who took it?", required=False, max_length=500),
                _parents(),
                Field("concern_ids", "Which concerns is it about?", "checkboxes", required=False),
            ),
            lead="A referral to children's social care starts the clock for their feedback.",
        ),
        CaseForm(
            "feedback",
            "Record feedback from children's social care",
            "Save feedback",
            (
                Field("received_at", "When did it arrive?", "datetime", past_only=True),
                Field("outcome", "What did they decide?", "radios", options=FEEDBACK),
                Field("details", "Details", "textarea", required=False),
            ),
        ),
        CaseForm(
            "escalation",
            "Record an escalation",
            "Save escalation",
            (
                Field("escalated_at", "When did you escalate?", "datetime", past_only=True),
                Field("escalated_to", "To whom?", hint="Name and role.", max_length=500),
                Field("reason", "Why?", "textarea", required=False),
                Field("outcome", "What was the outcome?", "textarea", required=False),
            ),
            lead="Under the local resolution procedure: challenge a response you disagree with.",
        ),
        CaseForm(
            "fgm",
            "Record the FGM report to the police",
            "Save report",
            (
                Field("reported_at", "When did you report it?", "datetime", past_only=True),
                Field("police_reference", "The police reference", max_length=200),
            ),
            lead="Reporting FGM to the police is the personal duty of the teacher who found it.",
        ),
    )
}
