"""The child's context as rules: what a valid context holds, the flags it gives, what a
change touches, and that a withheld address is shown to no one but the DSLs."""

from datetime import UTC, date, datetime, timedelta

import pytest
from pydantic import ValidationError

from contracts.child_context import ChildContext, ChildFlag, flags_of
from services.case.domain.child_context import (
    WITHHELD,
    case_as_seen,
    changed_parts,
    new_version,
    timing_problems,
)

NOW = datetime(2026, 3, 10, 9, 30, tzinfo=UTC)

FULL = {
    "social_worker": {
        "name": "Sam Okafor",
        "phone": "01632 960123",
        "email": "sam.okafor@county.gov.uk",
        "local_authority": "Worcestershire",
    },
    "plan": {"kind": "child_protection", "category": "neglect", "start_date": "2026-01-12"},
    "looked_after": {
        "legal_status": "care_order",
        "local_authority": "Worcestershire",
        "virtual_school_head": {"name": "Vera Head", "email": "vsh@county.gov.uk"},
        "carers_may_consent_to": "School trips and photographs.",
    },
    "send": {"ehcp": True, "senco_informed_at": "2026-02-01T10:00:00Z"},
    "young_carer": True,
    "parental_responsibility": [
        {
            "name": "Jo Hart",
            "relationship": "mother",
            "contact": {"phone": "07700 900123", "address": "Flat 2, 10 High Street"},
            "has_parental_responsibility": True,
        }
    ],
    "address": "Flat 2, 10 High Street",
}


def context(**parts) -> ChildContext:
    return ChildContext.model_validate({**FULL, **parts})


def test_the_flags_a_context_gives():
    assert flags_of(context()) == [
        ChildFlag.CHILD_PROTECTION_PLAN,
        ChildFlag.LOOKED_AFTER,
        ChildFlag.SEND,
    ]
    assert flags_of(ChildContext()) == []
    in_need = context(plan={"kind": "child_in_need"}, looked_after=None, send=None)
    assert flags_of(in_need) == []


@pytest.mark.parametrize(
    ("parts", "field"),
    [
        ({"plan": {"kind": "child_protection", "start_date": "2026-01-12"}}, "plan"),
        ({"plan": {"kind": "none", "category": "neglect"}}, "plan"),
        ({"plan": {"kind": "weekly"}}, "plan.kind"),
        ({"social_worker": {"name": "Sam"}}, "social_worker.local_authority"),
        ({"social_worker": {**FULL["social_worker"], "email": "not-an-email"}}, "email"),
        ({"previously_looked_after": {"left_care_by": "adoption"}}, "previously_looked_after"),
        ({"looked_after": {"legal_status": "care_order"}}, "looked_after.local_authority"),
        ({"address_withheld": {"reason": ""}}, "address_withheld.reason"),
        ({"favourite_colour": "blue"}, "favourite_colour"),
    ],
)
def test_nonsense_is_refused_naming_the_field(parts, field):
    with pytest.raises(ValidationError) as refused:
        context(**parts)
    locations = [".".join(str(p) for p in e["loc"]) for e in refused.value.errors()]
    assert any(field in where for where in locations), locations


def test_dates_that_have_not_happened_yet_are_named():
    later = NOW + timedelta(days=2)
    problems = timing_problems(
        context(
            plan={"kind": "child_protection", "category": "neglect", "start_date": "2026-03-12"},
            send={"ehcp": False, "senco_informed_at": later.isoformat()},
            private_fostering={"local_authority_notified_at": later.isoformat()},
        ),
        NOW,
        date(2026, 3, 10),
    )
    assert [field for field, _ in problems] == [
        "plan.start_date",
        "send.senco_informed_at",
        "private_fostering.local_authority_notified_at",
    ]
    assert timing_problems(context(), NOW, date(2026, 3, 10)) == []


def test_a_change_names_the_parts_it_touches():
    first = new_version({}, context(), changed=[], by="dsl-1", at=NOW)
    case = {"context": first}
    assert changed_parts(case["context"], context()) == []
    moved = context(send=None, young_carer=False)
    assert changed_parts(case["context"], moved) == ["send", "young_carer"]


def test_the_first_context_names_every_part_it_records():
    assert changed_parts(None, ChildContext(young_carer=True)) == ["young_carer"]


def test_versions_count_up_and_carry_the_flags():
    first = new_version({}, context(), changed=["plan"], by="dsl-1", at=NOW)
    second = new_version({"context": first}, ChildContext(), changed=["plan"], by="dsl-2", at=NOW)
    assert (first["version"], second["version"]) == (1, 2)
    assert first["flags"] == ["child_protection_plan", "looked_after", "send"]
    assert second["flags"] == []


def _case_with(*contexts: ChildContext) -> dict:
    case: dict = {"school_id": "oak", "pupil_id": "P1", "context_history": []}
    for c in contexts:
        version = new_version(case, c, changed=[], by="dsl-1", at=NOW)
        case["context"] = version
        case["context_history"].append(version)
    return case


def test_a_withheld_address_is_hidden_from_everyone_but_the_dsls_in_every_version():
    refuge = context(
        address="Refuge, somewhere safe",
        address_withheld={"reason": "Mother and child fled domestic abuse to a refuge."},
    )
    case = _case_with(context(), refuge)

    seen = case_as_seen(case, sees_address=False)
    assert seen["context"]["context"]["address"] == WITHHELD
    [mother] = seen["context"]["context"]["parental_responsibility"]
    assert mother["contact"] == {"phone": "07700 900123", "email": None, "address": WITHHELD}
    assert seen["context"]["context"]["address_withheld"]["reason"].startswith("Mother")
    assert all(v["context"]["address"] == WITHHELD for v in seen["context_history"])
    assert "Refuge" not in str(seen) and "High Street" not in str(seen)

    assert case_as_seen(case, sees_address=True)["context"]["context"]["address"] == (
        "Refuge, somewhere safe"
    )


def test_an_address_not_withheld_is_shown_to_every_reader():
    case = _case_with(context())
    assert case_as_seen(case, sees_address=False)["context"]["context"]["address"] == (
        "Flat 2, 10 High Street"
    )
