"""Who may read and who may work a child's case, pinned: the school's DSLs and deputies
work it; its headteacher and the trust lead read it; staff, admins and the chair of
governors do neither; nobody reaches another school's or trust's case."""

import pytest

from contracts.vocabulary import Role
from services.case.domain.case_access import may_read, may_write
from services.case.domain.fgm import reporter_standing
from services.common.auth import Principal

OAK_CASE = {"school_id": "oak", "trust_id": "oak-trust"}


def at_oak(role: Role, user: str = "u-1") -> Principal:
    return Principal(user, frozenset({role}), "oak", "oak-trust")


TRUST_LEAD = Principal("lead-1", frozenset({Role.TRUST_SAFEGUARDING_LEAD}), None, "oak-trust")
OTHER_TRUST_LEAD = Principal("lead-2", frozenset({Role.TRUST_SAFEGUARDING_LEAD}), None, "elm")


@pytest.mark.parametrize(
    ("who", "reads", "writes"),
    [
        (at_oak(Role.DSL), True, True),
        (at_oak(Role.DEPUTY_DSL), True, True),
        (at_oak(Role.HEADTEACHER), True, False),
        (TRUST_LEAD, True, False),
        (at_oak(Role.STAFF), False, False),
        (at_oak(Role.ADMIN), False, False),
        (at_oak(Role.CHAIR_OF_GOVERNORS), False, False),
        (Principal("dsl-9", frozenset({Role.DSL}), "elm", "oak-trust"), False, False),
        (OTHER_TRUST_LEAD, False, False),
    ],
    ids=[
        "dsl",
        "deputy dsl",
        "headteacher",
        "trust lead",
        "staff",
        "admin",
        "chair of governors",
        "another school's dsl",
        "another trust's lead",
    ],
)
def test_who_reads_and_who_works_a_case(who: Principal, reads: bool, writes: bool):
    assert may_read(who, OAK_CASE) is reads
    assert may_write(who, "oak") is writes


def test_the_fgm_report_is_the_teachers_own_or_a_dsls_on_their_behalf():
    assert reporter_standing(at_oak(Role.STAFF, "teacher-1"), "oak", "teacher-1") == "self"
    assert reporter_standing(at_oak(Role.DSL, "dsl-1"), "oak", "teacher-1") == "on_behalf"
    assert reporter_standing(at_oak(Role.DEPUTY_DSL, "dep-1"), "oak", "teacher-1") == "on_behalf"
    assert reporter_standing(at_oak(Role.STAFF, "teacher-2"), "oak", "teacher-1") is None
    assert reporter_standing(at_oak(Role.HEADTEACHER, "head-1"), "oak", "teacher-1") is None
    assert reporter_standing(TRUST_LEAD, "oak", "teacher-1") is None
    elsewhere = Principal("teacher-1", frozenset({Role.STAFF}), "elm", "oak-trust")
    assert reporter_standing(elsewhere, "oak", "teacher-1") is None
