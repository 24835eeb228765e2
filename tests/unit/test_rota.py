from typing import Any

import pytest
from pydantic import ValidationError

from services.notification.domain.rota import (
    MAX_MEMBERS_PER_TIER,
    MAX_TIERS,
    EscalationPolicy,
    InvalidRota,
    Rota,
    parse_rota,
    rota_errors,
    validate_rota_members,
)

MOBILE = "07911 123456"
MOBILE_E164 = "+447911123456"


def member(user_id: str, **overrides: Any) -> dict[str, Any]:
    fields: dict[str, Any] = {
        "user_id": user_id,
        "name": f"Staff {user_id}",
        "email": f"{user_id}@oak.sch.uk",
        "phone": MOBILE,
    }
    return fields | overrides


def rota(*tiers: list[dict[str, Any]], **extra: Any) -> dict[str, Any]:
    return {"tiers": [{"members": members} for members in tiers], **extra}


def errors_for(data: object) -> list[str]:
    with pytest.raises(InvalidRota) as caught:
        parse_rota(data)
    return caught.value.errors


def test_a_valid_rota_parses_with_default_escalation():
    parsed = parse_rota(rota([member("dsl1")], [member("head", role="headteacher")]))

    assert [[m.user_id for m in tier.members] for tier in parsed.tiers] == [["dsl1"], ["head"]]
    assert parsed.escalation == EscalationPolicy(normal_step_seconds=900)
    assert parsed.escalation.encompass_step_seconds is None


def test_escalation_delays_can_be_set_to_seconds():
    parsed = parse_rota(
        rota([member("a")], escalation={"normal_step_seconds": 3, "encompass_step_seconds": 5})
    )

    assert parsed.escalation.normal_step_seconds == 3
    assert parsed.escalation.encompass_step_seconds == 5


@pytest.mark.parametrize(
    "raw",
    ["07911 123456", "07911123456", "+44 7911 123456", "+44 (0)7911 123456", "(07911) 123-456"],
)
def test_uk_mobile_numbers_are_normalised_to_e164(raw: str):
    parsed = parse_rota(rota([member("a", phone=raw)]))

    assert parsed.tiers[0].members[0].phone == MOBILE_E164


def test_international_mobile_numbers_are_kept_in_e164():
    parsed = parse_rota(rota([member("a", phone="+33 6 12 34 56 78")]))

    assert parsed.tiers[0].members[0].phone == "+33612345678"


def test_email_is_trimmed_and_its_domain_normalised():
    parsed = parse_rota(rota([member("a", email="  Jo.Bloggs@OAK.SCH.UK ")]))

    assert parsed.tiers[0].members[0].email == "Jo.Bloggs@oak.sch.uk"


def test_push_endpoint_is_optional_and_validated_as_a_url():
    parsed = parse_rota(rota([member("a", push_endpoint="https://push.example.org/sub/1")]))

    assert str(parsed.tiers[0].members[0].push_endpoint) == "https://push.example.org/sub/1"
    assert errors_for(rota([member("a", push_endpoint="not a url")]))[0].startswith(
        "tiers[0].members[0].push_endpoint: "
    )


@pytest.mark.parametrize("bad", ["not-an-email", "a@", "@oak.sch.uk", "a b@oak.sch.uk", ""])
def test_invalid_email_names_the_field(bad: str):
    data = rota([member("a")], [member("b", email=bad)])

    assert errors_for(data) == ["tiers[1].members[0].email: not a valid e-mail address"]


@pytest.mark.parametrize("bad", ["12", "not a number", "07911 12345", "+44 1234"])
def test_invalid_phone_names_the_field(bad: str):
    data = rota([member("a", phone=bad)])

    assert errors_for(data) == ["tiers[0].members[0].phone: not a valid phone number"]


@pytest.mark.parametrize("landline", ["020 7946 0018", "0800 123 4567"])
def test_numbers_that_cannot_receive_sms_are_rejected(landline: str):
    data = rota([member("a", phone=landline)])

    assert errors_for(data) == ["tiers[0].members[0].phone: not a mobile number (alerts go by SMS)"]


def test_an_empty_tier_is_rejected():
    assert errors_for(rota([member("a")], [])) == [
        "tiers[1].members: a tier needs at least one member"
    ]


def test_a_rota_without_tiers_is_rejected():
    assert errors_for({"tiers": []}) == ["tiers: a rota needs at least one tier"]


def test_too_many_tiers_are_rejected():
    data = rota(*([member(f"u{i}")] for i in range(MAX_TIERS + 1)))

    assert errors_for(data) == [f"tiers: at most {MAX_TIERS} tiers"]


def test_too_many_members_in_a_tier_are_rejected():
    data = rota([member(f"u{i}") for i in range(MAX_MEMBERS_PER_TIER + 1)])

    assert errors_for(data) == [
        f"tiers[0].members: at most {MAX_MEMBERS_PER_TIER} members per tier"
    ]


def test_the_limits_themselves_are_allowed():
    tiers = [[member(f"t{t}m{m}") for m in range(MAX_MEMBERS_PER_TIER)] for t in range(MAX_TIERS)]

    assert len(parse_rota(rota(*tiers)).tiers) == MAX_TIERS


def test_the_same_user_twice_in_one_tier_is_rejected():
    assert errors_for(rota([member("a"), member("a")])) == [
        "tiers[0].members[1].user_id: user a is already in the rota at tiers[0].members[0]"
    ]


def test_the_same_user_in_two_tiers_is_rejected():
    assert errors_for(rota([member("a"), member("b")], [member("c"), member("a")])) == [
        "tiers[1].members[1].user_id: user a is already in the rota at tiers[0].members[0]"
    ]


@pytest.mark.parametrize("role", ["headteacher", "trust_safeguarding_lead"])
def test_headteacher_and_trust_lead_must_be_in_the_last_tier(role: str):
    data = rota([member("a"), member("boss", role=role)], [member("b")])

    assert errors_for(data) == [
        f"tiers[0].members[1].role: a {role} must be in the last tier (tiers[1])"
    ]


def test_headteacher_and_trust_lead_in_the_last_tier_are_accepted():
    data = rota(
        [member("dsl", role="dsl")],
        [member("deputy", role="deputy_dsl")],
        [member("head", role="headteacher"), member("trust", role="trust_safeguarding_lead")],
    )

    assert parse_rota(data).tiers[2].members[1].role == "trust_safeguarding_lead"


def test_a_single_tier_rota_may_hold_the_headteacher():
    assert parse_rota(rota([member("head", role="headteacher")])).tiers[0].members[0].role


def test_an_unknown_role_is_rejected():
    assert errors_for(rota([member("a", role="caretaker")]))[0].startswith(
        "tiers[0].members[0].role: "
    )


@pytest.mark.parametrize(
    ("data", "path"),
    [
        (rota([member("a", nickname="Jo")]), "tiers[0].members[0].nickname"),
        ({"tiers": [{"members": [member("a")], "label": "first"}]}, "tiers[0].label"),
        (rota([member("a")], owner="x"), "owner"),
        (
            rota([member("a")], escalation={"urgent_step_seconds": 1}),
            "escalation.urgent_step_seconds",
        ),
    ],
)
def test_unknown_fields_are_rejected(data: dict[str, Any], path: str):
    assert errors_for(data) == [f"{path}: Extra inputs are not permitted"]


@pytest.mark.parametrize("field", ["user_id", "name", "email", "phone"])
def test_required_member_fields(field: str):
    incomplete = member("a")
    del incomplete[field]

    assert errors_for(rota([incomplete])) == [f"tiers[0].members[0].{field}: Field required"]


@pytest.mark.parametrize("field", ["user_id", "name"])
def test_blank_identity_fields_are_rejected(field: str):
    assert errors_for(rota([member("a") | {field: "   "}]))[0].startswith(
        f"tiers[0].members[0].{field}: "
    )


@pytest.mark.parametrize("seconds", [0, -5, 86_401])
def test_escalation_delays_are_bounded(seconds: int):
    data = rota([member("a")], escalation={"normal_step_seconds": seconds})

    assert errors_for(data)[0].startswith("escalation.normal_step_seconds: ")


def test_every_field_error_is_reported_at_once():
    data = rota([member("a", email="nope", phone="12")], [])

    assert errors_for(data) == [
        "tiers[0].members[0].email: not a valid e-mail address",
        "tiers[0].members[0].phone: not a valid phone number",
        "tiers[1].members: a tier needs at least one member",
    ]


def test_every_structural_error_is_reported_at_once():
    data = rota([member("a"), member("head", role="headteacher")], [member("a")])

    assert errors_for(data) == [
        "tiers[1].members[0].user_id: user a is already in the rota at tiers[0].members[0]",
        "tiers[0].members[1].role: a headteacher must be in the last tier (tiers[1])",
    ]


def test_a_body_that_is_not_an_object_is_reported_at_the_root():
    assert errors_for(["not", "a", "rota"]) == [
        "rota: Input should be a valid dictionary or instance of Rota"
    ]


def test_the_model_enforces_structure_when_built_directly():
    with pytest.raises(ValidationError) as caught:
        Rota.model_validate(rota([member("a")], [member("a")]))

    assert rota_errors(caught.value) == [
        "tiers[1].members[0].user_id: user a is already in the rota at tiers[0].members[0]"
    ]


def test_a_stored_rota_round_trips():
    parsed = parse_rota(
        rota(
            [member("a", push_endpoint="https://push.example.org/a")],
            [member("b", role="headteacher")],
            escalation={"normal_step_seconds": 60},
        )
    )

    assert parse_rota(parsed.model_dump(mode="json")) == parsed


def test_unknown_users_are_listed_with_their_position():
    parsed = parse_rota(rota([member("a"), member("ghost")], [member("b"), member("gone")]))

    assert validate_rota_members(parsed, {"a", "b"}) == [
        "tiers[0].members[1].user_id: unknown user ghost",
        "tiers[1].members[1].user_id: unknown user gone",
    ]


def test_known_users_pass_the_directory_check():
    parsed = parse_rota(rota([member("a")], [member("b")]))

    assert validate_rota_members(parsed, frozenset({"a", "b", "c"})) == []
