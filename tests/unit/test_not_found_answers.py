"""What a 404 for an unknown school tells the caller, and what it keeps to itself."""

from contracts.vocabulary import Role
from services.common.auth import Principal
from services.common.web import school_not_known


def principal(school_id: str | None, trust_id: str | None = "oak-trust") -> Principal:
    return Principal(
        user_id="admin-1", roles=frozenset({Role.ADMIN}), school_id=school_id, trust_id=trust_id
    )


def test_a_user_of_that_school_is_told_it_has_not_arrived_yet():
    answer = school_not_known(principal("oak"), "oak")
    assert answer.status_code == 404
    assert "not known here yet" in answer.detail and "PUT /v1/schools/oak" in answer.detail


def test_anyone_else_gets_the_plain_answer():
    for caller in (principal("elm"), principal(None)):
        answer = school_not_known(caller, "oak")
        assert (answer.status_code, answer.detail) == (404, "school not found")
