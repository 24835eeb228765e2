"""How the pages say the words of a child's case: decisions, agencies, outcomes, kinds of
note, and the steps as they appear in the chronology."""

from __future__ import annotations

from contracts import case_v1
from contracts.case_vocabulary import (
    Agency,
    ClosureOutcome,
    Decision,
    FeedbackOutcome,
    NoteKind,
    ReferralMethod,
)

DECISIONS = {
    Decision.REFER_TO_CHILDRENS_SOCIAL_CARE: "Refer to children's social care",
    Decision.REFER_TO_POLICE: "Refer to the police",
    Decision.EARLY_HELP: "Early help",
    Decision.REFER_TO_OTHER_AGENCY: "Refer to another agency",
    Decision.MONITOR_IN_SCHOOL: "Monitor in school",
    Decision.NO_FURTHER_ACTION: "No further action",
}
AGENCIES = {
    Agency.CHILDRENS_SOCIAL_CARE: "Children's social care",
    Agency.POLICE: "Police",
    Agency.EARLY_HELP: "Early help",
    Agency.PREVENT: "Prevent",
    Agency.MARAC: "MARAC",
    Agency.CAMHS: "CAMHS",
    Agency.SCHOOL_NURSING: "School nursing",
    Agency.OTHER: "Another agency",
}
METHODS = {
    ReferralMethod.PHONE: "Phone",
    ReferralMethod.ONLINE_FORM: "Online form",
    ReferralMethod.EMAIL: "E-mail",
    ReferralMethod.IN_PERSON: "In person",
    ReferralMethod.LETTER: "Letter",
    ReferralMethod.OTHER: "Another way",
}
FEEDBACK = {
    FeedbackOutcome.NO_FURTHER_ACTION: "No further action",
    FeedbackOutcome.EARLY_HELP: "Early help",
    FeedbackOutcome.CHILD_IN_NEED_ASSESSMENT: "Child in need assessment",
    FeedbackOutcome.STRATEGY_DISCUSSION: "Strategy discussion",
    FeedbackOutcome.CHILD_PROTECTION_CONFERENCE: "Child protection conference",
    FeedbackOutcome.POLICE_INVESTIGATION: "Police investigation",
    FeedbackOutcome.OTHER: "Other",
}
NOTE_KINDS = {
    NoteKind.CONVERSATION: "Conversation",
    NoteKind.PHONE_CALL: "Phone call",
    NoteKind.MEETING: "Meeting",
    NoteKind.STRATEGY_DISCUSSION: "Strategy discussion",
    NoteKind.OTHER: "Other",
}
CLOSURES = {
    ClosureOutcome.NO_FURTHER_ACTION: "No further action",
    ClosureOutcome.CONCERNS_RESOLVED: "Concerns resolved",
    ClosureOutcome.SUPPORT_IN_SCHOOL: "Support continues in school",
    ClosureOutcome.EARLY_HELP: "Early help in place",
    ClosureOutcome.CHILDRENS_SOCIAL_CARE: "Children's social care lead",
    ClosureOutcome.CHILD_LEFT_SCHOOL: "The child left the school",
    ClosureOutcome.OTHER: "Other",
}
STEPS = {
    case_v1.TRIAGE_DECIDED: "Triage decision",
    case_v1.ACTION_ADDED: "Action added",
    case_v1.ACTION_COMPLETED: "Action completed",
    case_v1.ACTION_OVERDUE: "Action overdue",
    case_v1.NOTE_ADDED: "Note",
    case_v1.REVIEW_SET: "Review date set",
    case_v1.CASE_CLOSED: "Case closed",
    case_v1.CASE_REOPENED: "Case reopened",
    case_v1.REFERRAL_MADE: "Referral made",
    case_v1.REFERRAL_FEEDBACK: "Feedback on a referral",
    case_v1.REFERRAL_ESCALATED: "Referral escalated",
    case_v1.FGM_REPORTED: "FGM reported to the police",
    case_v1.CONTEXT_CHANGED: "What the DSL knows of the child",
    case_v1.LINK_ADDED: "Linked to another child",
    case_v1.LINK_REMOVED: "Link to another child removed",
    case_v1.RISK_ASSESSMENT_RECORDED: "Risk assessment",
    case_v1.RISK_ASSESSMENT_REVIEWED: "Risk assessment reviewed",
    case_v1.PATTERN_DETECTED: "Pattern noticed",
}
LABELS = {
    "decisions": DECISIONS,
    "agencies": AGENCIES,
    "methods": METHODS,
    "feedback": FEEDBACK,
    "note_kinds": NOTE_KINDS,
    "closures": CLOSURES,
    "steps": STEPS,
}
