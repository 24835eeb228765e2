"""Registering an Encompass sender: the secret's strength and who may manage it."""

import pytest
from pydantic import ValidationError

from contracts.vocabulary import Role
from services.common.auth import Principal
from services.intake.api_senders import sender_view
from services.intake.domain.senders import SenderRegistration, may_manage

SECRET = "k3Y-" + "x" * 40


def registration(**fields: object) -> SenderRegistration:
    data = {"name": "West Mercia Police", "secret": SECRET, "trust_ids": ["t2", "t1"]} | fields
    return SenderRegistration.model_validate(data)


def test_trusts_are_kept_sorted():
    assert registration().trust_ids == ["t1", "t2"]


@pytest.mark.parametrize(
    "secret", ["short", "x" * 31, "with a space in it and long enough to count", "é" * 40]
)
def test_weak_or_unprintable_secrets_are_refused(secret: str):
    with pytest.raises(ValidationError) as caught:
        registration(secret=secret)
    assert [error["loc"] for error in caught.value.errors()] == [("secret",)]


def test_a_short_secret_is_refused_in_characters_not_items():
    with pytest.raises(ValidationError) as caught:
        registration(secret="x" * 31)
    assert "must be 32 to" in str(caught.value) and "not 31" in str(caught.value)


def test_a_trust_named_twice_is_refused():
    with pytest.raises(ValidationError):
        registration(trust_ids=["t1", "t1"])


def test_the_secret_is_hidden_from_repr():
    assert SECRET not in repr(registration())


@pytest.mark.parametrize(
    ("who", "trusts", "allowed"),
    [
        (Principal("a", frozenset({Role.ADMIN}), None, "t1"), ["t1"], True),
        (Principal("a", frozenset({Role.ADMIN}), None, "t1"), ["t1", "t2"], False),
        (Principal("a", frozenset({Role.ADMIN}), "s1", "t1"), ["t1"], False),
        (Principal("a", frozenset({Role.TRUST_SAFEGUARDING_LEAD}), None, "t1"), ["t1"], False),
        (Principal("a", frozenset({Role.ADMIN}), None, "t1"), [], False),
    ],
)
def test_only_an_admin_of_every_named_trust_may_manage_a_sender(
    who: Principal, trusts: list[str], allowed: bool
):
    assert may_manage(who, trusts) is allowed


def test_the_view_never_shows_the_secret():
    view = sender_view({"_id": "wm", "name": "WM", "secret": SECRET, "trust_ids": ["t1"]})
    assert "secret" not in view
    assert SECRET not in str(view)
