"""What a 404 for an unknown school tells the caller, and what it keeps to itself."""

import pytest

from contracts.vocabulary import Role
from services.common.access import school_in_reach
from services.common.auth import Principal
from services.common.errors import NotFound

ADMINS = frozenset({Role.ADMIN})


def principal(school_id: str | None, trust_id: str | None = "oak-trust") -> Principal:
    return Principal(user_id="admin-1", roles=ADMINS, school_id=school_id, trust_id=trust_id)


def test_a_user_of_that_school_is_told_it_has_not_arrived_yet():
    with pytest.raises(NotFound) as answer:
        school_in_reach(principal("oak"), "oak", None, ADMINS)
    assert "not known here yet" in str(answer.value) and "PUT /v1/schools/oak" in str(answer.value)


def test_anyone_else_gets_the_plain_answer():
    for caller in (principal("elm"), principal(None)):
        with pytest.raises(NotFound) as answer:
            school_in_reach(caller, "oak", None, ADMINS)
        assert str(answer.value) == "school not found"


def test_intake_registers_schools_so_it_never_says_not_yet():
    with pytest.raises(NotFound) as answer:
        school_in_reach(principal("oak"), "oak", None, ADMINS, registered_elsewhere=False)
    assert str(answer.value) == "school not found"


def test_a_school_of_another_trust_is_not_found_like_a_missing_one():
    school = {"_id": "oak", "trust_id": "other-trust"}
    with pytest.raises(NotFound) as answer:
        school_in_reach(principal(None), "oak", school, ADMINS)
    assert str(answer.value) == "school not found"
