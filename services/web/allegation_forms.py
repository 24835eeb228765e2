"""The words of adult cases as the pages say them, and the forms a case manager works a
case with (the same GOV.UK form as a child's case: case_forms.py, case_form.html). Pure."""

from __future__ import annotations

from contracts import case_v1, intake_v1
from contracts.adult_cases import AllegationOutcome, HarmCriterion
from services.web.adult_concern_form import ROLE_LABELS
from services.web.case_forms import CaseForm, Field

CRITERIA = {
    HarmCriterion.HARMED_CHILD: "They behaved in a way that has harmed a child, or may have",
    HarmCriterion.CRIMINAL_OFFENCE: "They possibly committed a criminal offence against or "
    "related to a child",
    HarmCriterion.RISK_TO_CHILDREN: "They behaved towards a child or children in a way that "
    "indicates they may pose a risk of harm to children",
    HarmCriterion.UNSUITABLE: "They behaved in a way that indicates they may not be suitable "
    "to work with children (including outside school)",
}
OUTCOMES = {
    AllegationOutcome.SUBSTANTIATED: "Substantiated: there is sufficient evidence to prove it",
    AllegationOutcome.UNSUBSTANTIATED: "Unsubstantiated: there is insufficient evidence either "
    "to prove or disprove it",
    AllegationOutcome.FALSE: "False: there is sufficient evidence to disprove it",
    AllegationOutcome.MALICIOUS: "Malicious: there is clear evidence of a deliberate act to "
    "deceive",
    AllegationOutcome.UNFOUNDED: "Unfounded: there is no evidence or proper basis to support it",
}
STATUSES = {
    "awaiting_decision": "Awaiting decision",
    "allegation": "Allegation",
    "low_level": "Low-level concern",
    "closed": "Closed",
}
MANAGERS = {"headteacher": "The headteacher", "chair_of_governors": "The chair of governors"}
STEPS = {
    intake_v1.ADULT_CONCERN_RAISED: "Concern about an adult raised",
    case_v1.ADULT_CASE_OPENED: "Case opened",
    case_v1.ADULT_CASE_ACCESS_CHANGED: "Named DSLs changed",
    case_v1.ADULT_CASE_DECIDED: "Harm threshold decided",
    case_v1.ADULT_LADO_REFERRED: "Referred to the LADO",
    case_v1.ADULT_SUBJECT_SUSPENDED: "Suspended",
    case_v1.ADULT_SUSPENSION_CONFIRMED: "Suspension confirmed in writing",
    case_v1.ADULT_CASE_CONCLUDED: "Outcome recorded",
    case_v1.ADULT_LOW_LEVEL_PATTERN: "Pattern of low-level concerns",
}
LABELS = {
    "roles": ROLE_LABELS,
    "criteria": CRITERIA,
    "outcomes": OUTCOMES,
    "statuses": STATUSES,
    "managers": MANAGERS,
    "steps": STEPS,
}

ADULT_FORMS: dict[str, CaseForm] = {
    form.key: form
    for form in (
        CaseForm(
            "decision",
            "Decide whether it meets the harm threshold",
            "Save decision",
            (
                Field(
                    "criteria_met",
                    "Which of these apply?",
                    "checkboxes",
                    required=False,
                    options=CRITERIA,
                    hint="Any one makes it an allegation: tell the LADO within one working "
                    "day. None makes it a low-level concern, kept in the low-level log.",
                ),
                Field(
                    "reason", "Why?", "textarea", hint="Recorded word for word.", max_length=5_000
                ),
            ),
        ),
        CaseForm(
            "lado",
            "Record the LADO referral",
            "Save referral",
            (
                Field(
                    "referred_at", "When did you refer it to the LADO?", "datetime", past_only=True
                ),
                Field("lado_name", "The LADO's name", max_length=200),
                Field("reference", "Their reference", required=False, max_length=200),
                Field("advice", "Their advice", "textarea", required=False),
            ),
            lead="The referral meets the one-working-day deadline.",
        ),
        CaseForm(
            "suspension",
            "Record a suspension",
            "Save suspension",
            (
                Field("suspended_at", "When was the adult suspended?", "datetime", past_only=True),
                Field("reason", "Why?", "textarea", max_length=5_000),
            ),
            lead="Written confirmation must be sent to them by the end of the next working day.",
        ),
        CaseForm(
            "confirmation",
            "Record the written confirmation",
            "Save confirmation",
            (
                Field(
                    "sent_at",
                    "When was the written confirmation sent to them?",
                    "datetime",
                    past_only=True,
                ),
            ),
        ),
        CaseForm(
            "outcome",
            "Record the outcome",
            "Save outcome and close the case",
            (
                Field("outcome", "What was the outcome?", "radios", options=OUTCOMES),
                Field("reason", "Why?", "textarea", max_length=5_000),
                Field(
                    "subject_date_of_birth",
                    "The adult's date of birth (optional)",
                    "date",
                    required=False,
                    hint="Records are kept until normal pension age or for 10 years, whichever "
                    "is longer: without it, 10 years.",
                ),
                Field(
                    "normal_pension_date",
                    "Their normal pension date, if you know it (optional)",
                    "date",
                    required=False,
                    hint="For example, 27 3 2055",
                ),
            ),
            lead="A malicious allegation is removed from the file: it is listed in the retention "
            "review at once. Nothing is deleted automatically.",
        ),
        CaseForm(
            "dsls",
            "Name DSLs on the case",
            "Save",
            (
                Field(
                    "user_ids",
                    "Which DSLs work the case with you?",
                    "lines",
                    required=False,
                    hint="Their sign-in IDs, one on each line. Leave it empty to name none.",
                ),
            ),
            lead="Named DSLs read the case and may record the LADO referral. The adult concerned "
            "can never be named.",
        ),
    )
}
