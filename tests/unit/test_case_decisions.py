"""Triage decisions on a concern: the first is recorded as it is, a later one supersedes
the decision in force by naming it, the history keeps every one, and a revision naming a
decision no longer in force loses to the one that got there first."""

from datetime import UTC, datetime

import pytest
from pydantic import ValidationError

from contracts.case_vocabulary import ParentsInformed
from services.case.domain.triage import (
    TriageDecision,
    current,
    history,
    legacy_decision,
    revision_refusal,
    timing_problems,
)

NOW = datetime(2026, 3, 10, 9, 30, tzinfo=UTC)


def decided(decision_id: str, supersedes: str | None = None, concern: str = "c-1") -> dict:
    return {"decision_id": decision_id, "concern_id": concern, "supersedes": supersedes}


def test_the_first_decision_needs_nothing_to_supersede():
    assert revision_refusal([], None) is None
    assert current([]) is None


def test_a_second_decision_without_naming_the_first_is_a_conflict():
    kind, why = revision_refusal([decided("d1")], None)
    assert kind == "conflict"
    assert "supersedes" in why


def test_a_revision_names_the_decision_in_force_and_then_is_in_force():
    decisions = [decided("d1")]
    assert revision_refusal(decisions, "d1") is None
    decisions.append(decided("d2", supersedes="d1"))
    assert current(decisions)["decision_id"] == "d2"
    assert [d["decision_id"] for d in decisions] == ["d1", "d2"]


def test_a_revision_racing_another_loses_to_the_first_written():
    decisions = [decided("d1"), decided("d2", supersedes="d1")]
    assert revision_refusal(decisions, "d1")[0] == "conflict"


def test_a_revision_of_a_decision_the_concern_never_had_is_invalid():
    assert revision_refusal([decided("d1")], "nope")[0] == "invalid"


def test_history_is_per_concern_and_includes_a_decision_stored_before_cases_held_them():
    case = {"decisions": [decided("d2", supersedes="triage:oak:c-1"), decided("x", concern="c-2")]}
    legacy = {
        "_id": "triage:oak:c-1",
        "concern_id": "c-1",
        "decision": "monitor_in_school",
        "reason": "Known to EH.",
        "decided_by": "dsl-1",
        "decided_at": NOW,
    }
    found = history(case, "c-1", legacy)
    assert [d["decision_id"] for d in found] == ["triage:oak:c-1", "d2"]
    assert current(found)["decision_id"] == "d2"
    assert legacy_decision(legacy)["supersedes"] is None


def test_parents_not_told_needs_the_reason():
    with pytest.raises(ValidationError) as refused:
        ParentsInformed(informed=False)
    assert refused.value.errors()[0]["loc"] == ("reason",)
    with pytest.raises(ValidationError) as refused:
        ParentsInformed(informed=True)
    assert refused.value.errors()[0]["loc"] == ("at",)
    assert ParentsInformed(informed=False, reason="Father is the alleged abuser.").reason
    assert ParentsInformed(informed=True, at=NOW).at == NOW


def test_parents_cannot_have_been_told_in_the_future():
    later = NOW.replace(hour=11)
    decision = TriageDecision(
        pupil_id="P1",
        decision="early_help",
        reason="Needs support.",
        parents_informed={"informed": True, "at": later.isoformat()},
    )
    assert timing_problems(decision, NOW) == [
        ("parents_informed.at", "the parents cannot have been told in the future")
    ]
    assert timing_problems(decision, later) == []
