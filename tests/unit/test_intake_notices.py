"""The stored record of one child in a police notice: identity across re-sends, what a
match sets, what it publishes, and who sees which parts of it."""

from datetime import UTC, date, datetime
from typing import Any

import pytest

from contracts.vocabulary import Role
from services.common.auth import Principal
from services.intake.domain import notices
from services.intake.domain.encompass import EncompassNotice, content_hash
from services.intake.domain.matching import Candidate, MatchResult
from services.intake.domain.notice_access import (
    NoticeScope,
    incident_scope,
    may_match_to,
    queue_scope,
)
from services.intake.domain.notice_matches import Match, NamedSchool, match_fields, matched_fields
from services.intake.notice_views import queue_view

SEVERN, MALVERN = "trust-sv", "trust-mh"
OAK, RIV, HILL = "sch-oak", "sch-riv", "sch-hill"
TRUST_OF = {OAK: SEVERN, RIV: SEVERN, HILL: MALVERN}
TODAY = date(2026, 3, 10)


def notification(**fields: Any) -> EncompassNotice:
    data = {
        "police_reference": "22/123456/26",
        "force": "West Mercia Police",
        "incident_at": "2026-03-09T22:40:00+00:00",
        "notified_at": "2026-03-10T06:55:00+00:00",
        "circumstances": "Verbal argument.",
        "children": [
            {"forename": "Zoë", "surname": "O'Brien", "date_of_birth": "2018-05-02"},
            {"forename": "Alfie", "surname": "O'Brien", "date_of_birth": "2016-01-31"},
        ],
    } | fields
    return EncompassNotice.model_validate(data, context={"today": TODAY})


def pupil(pupil_id: str, school_id: str) -> Candidate:
    return Candidate(
        pupil_id=pupil_id,
        school_id=school_id,
        trust_id=TRUST_OF[school_id],
        upn=None,
        forename="Zoë",
        preferred_forename=None,
        surname="O'Brien",
        date_of_birth=date(2018, 5, 2),
        on_roll_from=date(2022, 9, 1),
        on_roll_to=None,
    )


def principal(role: str, *, school: str | None = None, trust: str | None = None) -> Principal:
    return Principal("user-1", frozenset({Role(role)}), school, trust)


def unmatched(candidates: tuple[Candidate, ...], named: NamedSchool | None, **kw: Any):
    result = MatchResult("unmatched", None, "no pupil matches", candidates)
    return match_fields(Match(result, named, **kw), [SEVERN, MALVERN])


def record(fields: dict[str, Any]) -> dict[str, Any]:
    n = notification()
    return notices.new_notice(
        notice_id_="enc_" + "0" * 32,
        incident_id_="inc_" + "0" * 32,
        sender_id="west-mercia",
        notice=n,
        child=n.children[0],
        content_hash=content_hash(n, n.children[0]),
        received_at=datetime(2026, 3, 10, 7, 0, tzinfo=UTC),
        fields=fields,
    )


class TestIdentity:
    def test_a_resend_in_other_case_and_with_a_new_notified_at_is_the_same_child(self):
        first = notification()
        resend = notification(
            force="WEST MERCIA POLICE",
            police_reference="22/123456/26 ",
            notified_at="2026-03-10T08:00:00+00:00",
        )
        assert notices.notice_id("wm", first, first.children[0]) == notices.notice_id(
            "wm", resend, resend.children[0]
        )

    def test_the_same_child_from_another_sender_is_another_record(self):
        n = notification()
        assert notices.notice_id("wm", n, n.children[0]) != notices.notice_id(
            "hub", n, n.children[0]
        )

    def test_siblings_share_the_incident_but_not_the_record(self):
        n = notification()
        zoe, alfie = n.children
        assert notices.notice_id("wm", n, zoe) != notices.notice_id("wm", n, alfie)
        assert notices.incident_id("wm", n).startswith("inc_")
        assert len(notices.notice_id("wm", n, zoe)) == 36

    def test_event_ids_are_deterministic_per_fact(self):
        assert notices.event_id("enc_x", "notified") == notices.event_id("enc_x", "notified")
        assert notices.event_id("enc_x", "notified") != notices.event_id("enc_x", "revision-2")


class TestMatchFields:
    def test_a_match_belongs_to_the_pupils_school_and_trust_only(self):
        result = MatchResult("matched", pupil("p1", RIV), "ok", matched_by="trust")
        fields = match_fields(Match(result, NamedSchool(OAK, SEVERN)), [SEVERN])
        assert fields["state"] == "matched"
        assert (fields["school_id"], fields["trust_id"]) == (RIV, SEVERN)
        assert fields["school_ids"] == [RIV]
        assert fields["trust_ids"] == [SEVERN]
        assert fields["named_school_id"] == OAK
        assert fields["match"]["matched_by"] == "trust"

    def test_an_unmatched_child_at_a_known_school_concerns_that_school_and_candidates(self):
        fields = unmatched((pupil("p2", RIV),), NamedSchool(OAK, SEVERN))
        assert fields["school_ids"] == [OAK, RIV]
        assert fields["trust_ids"] == [SEVERN]
        assert fields["match"]["candidates"][0]["date_of_birth"] == "2018-05-02"

    def test_an_unmatched_child_at_an_unknown_school_concerns_every_trust_of_the_sender(self):
        fields = unmatched((), None)
        assert fields["trust_ids"] == [MALVERN, SEVERN]
        assert fields["school_ids"] == []
        assert fields["school_id"] is None


class TestPayload:
    def test_the_notified_event_carries_the_whole_notification(self):
        fields = matched_fields(pupil("OAK-0001", OAK), "school", "ok")
        payload = notices.notified_payload(record(fields))
        assert payload.pupil_id == "OAK-0001"
        assert payload.matched_by == "school"
        assert payload.revision == 1
        assert payload.circumstances == "Verbal argument."
        assert payload.child.forename == "Zoë"
        assert payload.received_at == datetime(2026, 3, 10, 7, 0, tzinfo=UTC)


class TestVisibility:
    @pytest.mark.parametrize(
        ("who", "scope"),
        [
            (principal("dsl", school=OAK), NoticeScope(school_id=OAK)),
            (principal("deputy_dsl", school=OAK), NoticeScope(school_id=OAK)),
            (principal("trust_safeguarding_lead", trust=SEVERN), NoticeScope(trust_id=SEVERN)),
            (principal("admin", trust=SEVERN), NoticeScope(trust_id=SEVERN)),
            (principal("staff", school=OAK), None),
            (principal("admin", school=OAK, trust=SEVERN), None),
            (principal("headteacher", school=OAK), None),
        ],
    )
    def test_who_sees_the_queue(self, who: Principal, scope: NoticeScope | None):
        assert queue_scope(who) == scope

    def test_only_safeguarding_readers_see_the_incident(self):
        assert incident_scope(principal("admin", trust=SEVERN)) is None
        assert incident_scope(principal("trust_safeguarding_lead", trust=SEVERN)) == NoticeScope(
            trust_id=SEVERN
        )

    def test_a_record_read_by_id_is_checked_against_the_scope(self):
        doc = record(unmatched((pupil("p2", RIV),), NamedSchool(OAK, SEVERN)))
        assert NoticeScope(school_id=RIV).covers(doc)
        assert not NoticeScope(school_id=HILL).covers(doc)
        assert not NoticeScope(trust_id=MALVERN).covers(doc)

    def test_a_school_dsl_sees_only_their_own_candidates(self):
        doc = record(unmatched((pupil("p1", OAK), pupil("p2", RIV)), NamedSchool(OAK, SEVERN)))
        view = queue_view(doc, principal("dsl", school=RIV))
        assert [c["pupil_id"] for c in view["candidates"]] == ["p2"]
        assert view["named_school_id"] is None  # the named school is not theirs
        assert "content" in view

    def test_a_trust_sees_only_its_own_candidates_and_its_own_reason(self):
        doc = record(
            unmatched(
                (pupil("p1", OAK), pupil("p9", HILL)),
                None,
                trust_reasons=((MALVERN, "malvern's view"), (SEVERN, "severn's view")),
            )
        )
        view = queue_view(doc, principal("trust_safeguarding_lead", trust=MALVERN))
        assert [c["pupil_id"] for c in view["candidates"]] == ["p9"]
        assert view["reason"] == "malvern's view"

    def test_an_admin_sees_who_the_child_is_but_not_what_happened(self):
        doc = record(unmatched((), NamedSchool(OAK, SEVERN)))
        view = queue_view(doc, principal("admin", trust=SEVERN))
        assert "content" not in view
        assert view["child"]["surname"] == "O'Brien"
        assert view["named_school_id"] == OAK

    @pytest.mark.parametrize(
        ("who", "allowed"),
        [
            (principal("dsl", school=OAK), True),
            (principal("dsl", school=RIV), False),
            (principal("trust_safeguarding_lead", trust=SEVERN), True),
            (principal("admin", trust=MALVERN), False),
        ],
    )
    def test_who_may_match_to_an_oakfield_pupil(self, who: Principal, allowed: bool):
        assert may_match_to(who, OAK, SEVERN) is allowed
