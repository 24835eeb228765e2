"""Adult cases on case's in-memory ports: a concern about a teacher opens a case the
headteacher manages; the case manager decides, refers to the LADO (meeting the deadline),
suspends and confirms in writing, and records the outcome, which closes the case with its
retention; a concern about the headteacher is the chair's; the subject, whatever their
roles, finds nothing on any use case; low-level concerns make one pattern alert."""

from datetime import timedelta

import pytest

from contracts import case_v1
from contracts.vocabulary import Role
from services.case.domain.adult_cases import NamedDslsRequest
from services.case.domain.allegation_outcome import OutcomeRequest
from services.case.domain.allegation_steps import (
    ConfirmationRequest,
    LadoReferralRequest,
    SuspensionRequest,
)
from services.case.domain.harm_threshold import DecisionRequest
from services.case.usecases import adult_case_clock
from services.case.usecases.adult_retention_review import adult_retention_review
from services.case.usecases.conclude_allegation import conclude_allegation
from services.case.usecases.decide_adult_case import decide_adult_case
from services.case.usecases.low_level_concerns import read_low_level_log
from services.case.usecases.name_dsls import name_dsls
from services.case.usecases.open_adult_case import open_adult_case
from services.case.usecases.read_adult_cases import list_adult_cases, read_adult_case
from services.case.usecases.refer_to_lado import refer_to_lado
from services.case.usecases.suspend_subject import confirm_suspension, suspend_subject
from services.common.errors import Conflict, Forbidden, Invalid, NotFound
from tests.support import case_world
from tests.support.adult_world import (
    ADMIN,
    CHAIR,
    DSL,
    HEAD,
    OTHER_DSL,
    TEACHER,
    adult_concern,
    at,
    opened,
    published,
)
from tests.support.case_world import ELM, OAK

ALLEGATION = DecisionRequest(criteria_met=["harmed_child"], reason="Grabbed a pupil's arm.")
LOW_LEVEL = DecisionRequest(criteria_met=[], reason="Over-familiar; no harm.")


async def decided(ports, case_id, request=ALLEGATION, who=HEAD):
    """Decide, then let case hear its own event (as its consumer would)."""
    record = await decide_adult_case(ports, who, case_id, request)
    [event] = [
        e
        for e in await published(ports, "adult_cases", case_id, case_v1.ADULT_CASE_DECIDED)
        if e.payload.decision_id == record["decision_id"]
    ]
    await adult_case_clock.decided(ports, event)
    return record


async def test_a_concern_about_a_teacher_is_the_headteachers_and_is_told_once():
    ports, _ = await case_world.memory_case()
    event = adult_concern(ports.clock.now())
    assert await open_adult_case(ports, event)
    assert not await open_adult_case(ports, event)  # redelivered: nothing more
    [opened_event] = await published(
        ports, "adult_cases", event.payload.case_id, case_v1.ADULT_CASE_OPENED
    )
    assert opened_event.payload.access.manager_role == "headteacher"
    assert opened_event.subject.kind == "adult"
    assert "Sam" not in opened_event.model_dump_json()  # no name travels beyond the concern
    [listed] = await list_adult_cases(ports, HEAD)
    assert listed.seen.case["subject"]["name"] == "Sam Teach"
    assert listed.seen.case["status"] == "awaiting_decision"


async def test_the_whole_allegation_from_decision_to_outcome():
    ports, _ = await case_world.memory_case()
    case_id = await opened(ports)
    record = await decided(ports, case_id)
    assert record["decision"] == "allegation"
    read = await read_adult_case(ports, HEAD, case_id)
    [lado_deadline] = read.deadlines
    assert (lado_deadline["rule"], lado_deadline["status"]) == ("lado-referral", "open")
    assert lado_deadline["pupil_id"] is None and lado_deadline["subject"]["kind"] == "adult"

    ports.clock.advance(hours=2)
    lado = LadoReferralRequest(
        referred_at=ports.clock.now(), lado_name="Pat Lado", reference="LADO-77", advice="Suspend"
    )
    referred = await refer_to_lado(ports, HEAD, case_id, lado)
    assert referred.deadline == "met"

    suspension = SuspensionRequest(suspended_at=ports.clock.now(), reason="Pending investigation")
    await suspend_subject(ports, HEAD, case_id, suspension)
    [suspended] = await published(ports, "adult_cases", case_id, case_v1.ADULT_SUBJECT_SUSPENDED)
    await adult_case_clock.suspended(ports, suspended)
    confirmed = await confirm_suspension(
        ports, HEAD, case_id, ConfirmationRequest(sent_at=ports.clock.now())
    )
    assert confirmed.deadline == "met"

    outcome = await conclude_allegation(
        ports, HEAD, case_id, OutcomeRequest(outcome="unsubstantiated", reason="No witnesses.")
    )
    assert outcome["retention"]["keep_until"] == "2036-03-10"
    read = await read_adult_case(ports, HEAD, case_id)
    assert read.seen.case["status"] == "closed"
    assert sorted(d["rule"] for d in read.deadlines) == ["lado-referral", "suspension-confirmation"]
    assert {d["status"] for d in read.deadlines} == {"met"}
    steps = [
        e["event_type"]
        for e in (await ports.store.adult_cases.find_one({"_id": case_id}))["outbox"]
    ]
    assert steps == [
        case_v1.ADULT_CASE_OPENED,
        case_v1.ADULT_CASE_DECIDED,
        case_v1.ADULT_LADO_REFERRED,
        case_v1.ADULT_SUBJECT_SUSPENDED,
        case_v1.ADULT_SUSPENSION_CONFIRMED,
        case_v1.ADULT_CASE_CONCLUDED,
    ]


async def test_adult_deadlines_are_not_in_the_dsls_list():
    ports, _ = await case_world.memory_case()
    case_id = await opened(ports)
    await decided(ports, case_id)
    found = await ports.store.deadlines_in(
        {"school_id": "oak"}, pupil_id=None, status=None, limit=100
    )
    assert found == []


async def test_a_step_out_of_order_is_refused():
    ports, _ = await case_world.memory_case()
    case_id = await opened(ports)
    lado = LadoReferralRequest(referred_at=ports.clock.now(), lado_name="Pat Lado")
    with pytest.raises(Conflict):
        await refer_to_lado(ports, HEAD, case_id, lado)  # not an allegation (yet)
    with pytest.raises(Conflict):
        await confirm_suspension(
            ports, HEAD, case_id, ConfirmationRequest(sent_at=ports.clock.now())
        )
    await decided(ports, case_id)
    with pytest.raises(Conflict):
        await decide_adult_case(ports, HEAD, case_id, LOW_LEVEL)  # never decided down
    later = LadoReferralRequest(referred_at=ports.clock.now() + timedelta(days=1), lado_name="P")
    with pytest.raises(Invalid) as refused:
        await refer_to_lado(ports, HEAD, case_id, later)
    assert refused.value.field == "referred_at"


async def test_a_retried_step_is_one_step_and_a_reused_key_is_refused():
    ports, _ = await case_world.memory_case()
    case_id = await opened(ports)
    first = await decide_adult_case(ports, HEAD, case_id, ALLEGATION, "key-1")
    again = await decide_adult_case(ports, HEAD, case_id, ALLEGATION, "key-1")
    assert first["decision_id"] == again["decision_id"]
    assert len(await published(ports, "adult_cases", case_id, case_v1.ADULT_CASE_DECIDED)) == 1
    with pytest.raises(Conflict):
        await decide_adult_case(ports, HEAD, case_id, LOW_LEVEL, "key-1")


async def test_a_concern_about_the_headteacher_is_the_chairs_and_the_head_finds_nothing():
    ports, _ = await case_world.memory_case()
    case_id = await opened(ports, name="Hedda Head", role="headteacher", staff_user_id="head-1")
    [listed] = await list_adult_cases(ports, CHAIR)
    assert listed.seen.role == "manager"
    assert await list_adult_cases(ports, HEAD) == []
    with pytest.raises(NotFound):
        await read_adult_case(ports, HEAD, case_id)
    # Even a headteacher not named as the subject: the chair manages it, not the heads.
    another_head = at(OAK, "head-2", Role.HEADTEACHER)
    with pytest.raises(NotFound):
        await read_adult_case(ports, another_head, case_id)
    await decided(ports, case_id, who=CHAIR)


async def test_a_dsl_who_is_the_subject_finds_nothing_on_any_use_case():
    ports, _ = await case_world.memory_case()
    case_id = await opened(ports, name="Dee Sell", role="staff", staff_user_id="dsl-1")
    await name_dsls(ports, HEAD, case_id, NamedDslsRequest(user_ids=["dsl-2"]))
    subject = at(OAK, "dsl-1", *Role)  # every role there is, the headteacher's included
    now = ports.clock.now()
    calls = [
        read_adult_case(ports, subject, case_id),
        decide_adult_case(ports, subject, case_id, ALLEGATION),
        refer_to_lado(ports, subject, case_id, LadoReferralRequest(referred_at=now, lado_name="L")),
        suspend_subject(ports, subject, case_id, SuspensionRequest(suspended_at=now, reason="r")),
        confirm_suspension(ports, subject, case_id, ConfirmationRequest(sent_at=now)),
        conclude_allegation(ports, subject, case_id, OutcomeRequest(outcome="false", reason="r")),
        name_dsls(ports, subject, case_id, NamedDslsRequest(user_ids=[])),
    ]
    for call in calls:
        with pytest.raises(NotFound) as refused:
            await call
        assert str(refused.value) == "adult case not found"  # as for a case that does not exist
    with pytest.raises(NotFound) as missing:
        await read_adult_case(ports, HEAD, "adc_" + "0" * 32)
    assert str(missing.value) == "adult case not found"
    assert await list_adult_cases(ports, subject) == []
    await decided(ports, case_id, LOW_LEVEL)
    assert await read_low_level_log(ports, subject) == []
    assert await adult_retention_review(ports, subject) == []


async def test_staff_admins_other_dsls_and_other_schools_find_nothing():
    ports, _ = await case_world.memory_case()
    case_id = await opened(ports)
    elm_head = at(ELM, "head-1", Role.HEADTEACHER)
    for outsider in (TEACHER, ADMIN, DSL, OTHER_DSL, elm_head):
        assert await list_adult_cases(ports, outsider) == []
        with pytest.raises(NotFound):
            await read_adult_case(ports, outsider, case_id)


async def test_a_named_dsl_reads_the_case_and_refers_to_the_lado_but_does_not_decide():
    ports, _ = await case_world.memory_case()
    case_id = await opened(ports)
    await name_dsls(ports, HEAD, case_id, NamedDslsRequest(user_ids=["dsl-2"]))
    [changed] = await published(ports, "adult_cases", case_id, case_v1.ADULT_CASE_ACCESS_CHANGED)
    assert changed.payload.access.named_dsl_user_ids == ["dsl-2"]
    assert changed.payload.access.revision == 2
    assert (await read_adult_case(ports, OTHER_DSL, case_id)).seen.role == "named_dsl"
    with pytest.raises(Forbidden):
        await decide_adult_case(ports, OTHER_DSL, case_id, ALLEGATION)
    await decided(ports, case_id)
    lado = LadoReferralRequest(referred_at=ports.clock.now(), lado_name="Pat Lado")
    assert (await refer_to_lado(ports, OTHER_DSL, case_id, lado)).deadline == "met"


async def test_the_subject_cannot_be_named_on_their_own_case():
    ports, _ = await case_world.memory_case()
    case_id = await opened(ports, staff_user_id="dsl-2")
    with pytest.raises(Invalid) as refused:
        await name_dsls(ports, HEAD, case_id, NamedDslsRequest(user_ids=["dsl-2"]))
    assert refused.value.field == "user_ids"


async def test_every_read_is_logged_for_the_cases_it_showed():
    ports, _ = await case_world.memory_case()
    case_id = await opened(ports)
    await list_adult_cases(ports, HEAD)
    await read_adult_case(ports, HEAD, case_id)
    await list_adult_cases(ports, TEACHER)  # saw nothing: nothing to log
    reads = [r async for r in ports.store.adult_reads.find({})]
    assert [(r["view"], r["case_ids"], r["user_id"]) for r in reads] == [
        ("list", [case_id], "head-1"),
        ("case", [case_id], "head-1"),
    ]
    assert all(r["outbox"][0]["event_type"] == case_v1.ADULT_CASES_READ for r in reads)


async def test_three_low_level_concerns_in_a_year_make_one_pattern_alert():
    ports, _ = await case_world.memory_case()
    cases = []
    for days_later in (0, 120, 120, 60):  # on days 0, 120, 240 and 300
        ports.clock.advance(days=days_later)
        case_id = await opened(ports, occurred_at=ports.clock.now())
        await decided(ports, case_id, LOW_LEVEL)
        cases.append(case_id)
    [log] = await read_low_level_log(ports, HEAD)
    assert [c["_id"] for c in log.cases] == cases
    [pattern] = log.patterns
    assert pattern["case_ids"] == cases[:3]
    log_id = "oak/user:teacher-9"
    [alert] = await published(ports, "low_level_logs", log_id, case_v1.ADULT_LOW_LEVEL_PATTERN)
    assert alert.payload.case_ids == cases[:3] and alert.payload.case_id == cases[2]
    # Told again (a redelivery of the third decision): nothing more.
    [third] = await published(ports, "adult_cases", cases[2], case_v1.ADULT_CASE_DECIDED)
    await adult_case_clock.decided(ports, third)
    assert (
        len(await published(ports, "low_level_logs", log_id, case_v1.ADULT_LOW_LEVEL_PATTERN)) == 1
    )


async def test_a_low_level_concern_may_later_be_decided_an_allegation():
    ports, _ = await case_world.memory_case()
    case_id = await opened(ports)
    first = await decided(ports, case_id, LOW_LEVEL)
    second = await decided(ports, case_id, ALLEGATION)
    assert second["revises"] == first["decision_id"]
    read = await read_adult_case(ports, HEAD, case_id)
    assert read.seen.case["status"] == "allegation"
    assert [d["rule"] for d in read.deadlines] == ["lado-referral"]
    assert [e["case_id"] for e in read.low_level] == [case_id]  # still in the log


async def test_a_malicious_allegation_is_in_the_retention_review_at_once():
    ports, _ = await case_world.memory_case()
    kept = await opened(ports)
    malicious = await opened(ports, staff_user_id="teacher-8")
    for case_id, outcome in ((kept, "substantiated"), (malicious, "malicious")):
        await decided(ports, case_id)
        request = OutcomeRequest(outcome=outcome, reason="Investigated.")
        await conclude_allegation(ports, HEAD, case_id, request)
    [due] = await adult_retention_review(ports, HEAD)
    assert due.case["_id"] == malicious
    assert await ports.store.adult_case(kept) is not None  # nothing deleted
