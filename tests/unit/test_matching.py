"""Matching a child named by police to a pupil: only ever on unambiguous evidence.

The world used here: the Severn Vale trust runs Oakfield Primary and Riverside
Academy; the Malvern Hills trust runs Hillside Primary. Unless a test says
otherwise, the sender may notify both trusts, and the incident was on 9 March 2026.
"""

from __future__ import annotations

import dataclasses
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from services.intake.domain.encompass import EncompassNotice, NotifiedChild
from services.intake.domain.matching import Candidate, MatchResult, match_child
from services.intake.domain.pupil_records import candidate_from, pupil_document, roster_state
from services.intake.domain.roster import RosterPupil, parse_roster

SAMPLES = Path(__file__).parents[1] / "samples"
TODAY = date(2026, 3, 10)
INCIDENT = date(2026, 3, 9)

SEVERN_VALE = "trust-severn-vale"
MALVERN_HILLS = "trust-malvern-hills"
OAKFIELD = "sch-oakfield"
RIVERSIDE = "sch-riverside"
HILLSIDE = "sch-hillside"
TRUST_OF = {OAKFIELD: SEVERN_VALE, RIVERSIDE: SEVERN_VALE, HILLSIDE: MALVERN_HILLS}
BOTH_TRUSTS = frozenset({SEVERN_VALE, MALVERN_HILLS})


def child(**fields: Any) -> NotifiedChild:
    data = {"forename": "Zoë", "surname": "O'Brien", "date_of_birth": "2018-05-02"} | fields
    return NotifiedChild.model_validate(data, context={"today": TODAY})


def pupil(pupil_id: str, school_id: str = OAKFIELD, **fields: Any) -> Candidate:
    data = {
        "upn": None,
        "forename": "Zoë",
        "preferred_forename": None,
        "surname": "O'Brien",
        "date_of_birth": date(2018, 5, 2),
        "on_roll_from": date(2022, 9, 1),
        "on_roll_to": None,
    } | fields
    return Candidate(pupil_id=pupil_id, school_id=school_id, trust_id=TRUST_OF[school_id], **data)


def match(
    notified: NotifiedChild,
    pool: list[Candidate],
    *,
    school: str | None = OAKFIELD,
    allowed: frozenset[str] = BOTH_TRUSTS,
    on: date = INCIDENT,
) -> MatchResult:
    trust = TRUST_OF[school] if school else None
    return match_child(notified, on, school, trust, allowed, pool)


def ids(result: MatchResult) -> list[str]:
    return [candidate.pupil_id for candidate in result.candidates]


def assert_matched(result: MatchResult, pupil_id: str, reason: str) -> None:
    assert result.outcome == "matched"
    assert result.matched
    assert result.pupil is not None
    assert result.pupil.pupil_id == pupil_id
    assert result.reason == reason
    assert result.candidates == ()


def assert_unmatched(result: MatchResult, reason: str, candidate_ids: list[str]) -> None:
    assert result.outcome == "unmatched"
    assert not result.matched
    assert result.pupil is None
    assert result.reason == reason
    assert ids(result) == candidate_ids


class TestByUpn:
    def test_a_pupil_on_roll_with_the_childs_upn_is_matched(self):
        result = match(child(upn="A123456789012"), [pupil("OAK-1", upn="A123456789012")])
        assert_matched(result, "OAK-1", "UPN matches a pupil on roll")

    def test_the_upn_decides_even_where_police_spelt_the_name_differently(self):
        notified = child(forename="Zoey", surname="Obrian", upn="A123456789012")
        result = match(notified, [pupil("OAK-1", upn="A123456789012")])
        assert_matched(result, "OAK-1", "UPN matches a pupil on roll")

    def test_the_upn_finds_the_child_at_another_school_than_the_one_named(self):
        notified = child(upn="A123456789012")
        pool = [pupil("RIV-1", RIVERSIDE, upn="A123456789012", forename="Zoe")]
        assert_matched(match(notified, pool), "RIV-1", "UPN matches a pupil on roll")

    def test_the_upn_finds_the_child_in_another_trust_the_sender_may_notify(self):
        pool = [pupil("HIL-1", HILLSIDE, upn="A123456789012")]
        result = match(child(upn="A123456789012"), pool)
        assert_matched(result, "HIL-1", "UPN matches a pupil on roll")

    def test_upns_in_the_store_are_compared_without_regard_to_case(self):
        result = match(child(upn="a123456789012"), [pupil("OAK-1", upn="a123456789012")])
        assert_matched(result, "OAK-1", "UPN matches a pupil on roll")

    def test_two_pupils_on_roll_sharing_the_upn_are_never_guessed_between(self):
        pool = [
            pupil("OAK-1", upn="A123456789012"),
            pupil("RIV-1", RIVERSIDE, upn="A123456789012"),
        ]
        result = match(child(upn="A123456789012"), pool)
        assert_unmatched(result, "2 pupils on roll share this UPN", ["OAK-1", "RIV-1"])

    def test_a_upn_in_a_trust_the_sender_may_not_notify_is_treated_as_absent(self):
        hidden = pupil("HIL-1", HILLSIDE, upn="A123456789012", forename="Ruby")
        notified = child(upn="A123456789012")
        allowed = frozenset({SEVERN_VALE})

        with_hidden = match(notified, [hidden], allowed=allowed)
        without = match(notified, [], allowed=allowed)

        assert with_hidden == without
        assert_unmatched(
            with_hidden, "no pupil with this date of birth and surname in the trust", []
        )

    def test_a_upn_of_a_pupil_who_has_left_does_not_match(self):
        notified = child(forename="Zoey", upn="A123456789012")
        left = pupil("OAK-1", upn="A123456789012", on_roll_to=date(2025, 7, 18))
        result = match(notified, [left])
        assert_unmatched(result, "UPN matches a pupil no longer on roll", ["OAK-1"])

    def test_a_upn_of_a_pupil_who_joined_after_the_incident_does_not_match(self):
        notified = child(forename="Zoey", surname="Adams", upn="A123456789012")
        joined_later = pupil("OAK-1", upn="A123456789012", on_roll_from=date(2026, 3, 10))
        result = match(notified, [joined_later])
        assert_unmatched(
            result, "UPN matches a pupil not yet on roll at the incident date", ["OAK-1"]
        )

    def test_a_child_who_moved_school_is_found_by_name_at_the_new_school(self):
        # Police still have the old school; the new school has no UPN on file yet.
        left = pupil("OAK-1", upn="A123456789012", on_roll_to=date(2025, 7, 18))
        moved = pupil("RIV-1", RIVERSIDE, on_roll_from=date(2025, 9, 3))
        result = match(child(upn="A123456789012"), [left, moved])
        assert_matched(
            result,
            "RIV-1",
            "surname, forename and date of birth match a pupil at another school in the trust",
        )


class TestAtTheNamedSchool:
    def test_same_names_and_date_of_birth_at_the_school_is_a_match(self):
        result = match(child(), [pupil("OAK-1")])
        assert_matched(
            result, "OAK-1", "surname, forename and date of birth match a pupil at this school"
        )

    def test_accents_apostrophes_hyphens_and_case_do_not_matter(self):
        notified = child(forename="ZOE", surname="O’BRIEN-SMITH")
        result = match(notified, [pupil("OAK-1", surname="OBrien Smith")])
        assert result.matched
        assert result.pupil is not None and result.pupil.pupil_id == "OAK-1"

    def test_the_preferred_forename_counts_as_a_forename(self):
        notified = child(forename="Seun", surname="Adeyemi", date_of_birth="2019-02-20")
        seun = pupil(
            "OAK-4",
            forename="Oluwaseun",
            preferred_forename="Seun",
            surname="Adeyemi",
            date_of_birth=date(2019, 2, 20),
        )
        assert match(notified, [seun]).matched

    def test_the_legal_forename_still_matches_when_a_preferred_one_is_recorded(self):
        notified = child(forename="Oluwaseun", surname="Adeyemi", date_of_birth="2019-02-20")
        seun = pupil(
            "OAK-4",
            forename="Oluwaseun",
            preferred_forename="Seun",
            surname="Adeyemi",
            date_of_birth=date(2019, 2, 20),
        )
        assert match(notified, [seun]).matched

    def test_a_twin_is_told_apart_by_forename(self):
        ruby = pupil("OAK-9", forename="Ruby", surname="Patel", date_of_birth=date(2018, 10, 10))
        rosie = pupil("OAK-10", forename="Rosie", surname="Patel", date_of_birth=date(2018, 10, 10))
        notified = child(forename="Ruby", surname="Patel", date_of_birth="2018-10-10")
        result = match(notified, [ruby, rosie])
        assert result.pupil == ruby

    def test_two_pupils_matching_at_the_school_are_never_guessed_between(self):
        result = match(child(), [pupil("OAK-1"), pupil("OAK-2", preferred_forename="Zoe")])
        assert_unmatched(
            result,
            "2 pupils match surname, forename and date of birth at this school",
            ["OAK-1", "OAK-2"],
        )

    def test_a_match_at_the_named_school_is_preferred_to_one_elsewhere_in_the_trust(self):
        result = match(child(), [pupil("RIV-1", RIVERSIDE), pupil("OAK-1")])
        assert result.pupil is not None and result.pupil.pupil_id == "OAK-1"

    def test_a_name_match_whose_upn_contradicts_the_police_upn_is_not_matched(self):
        notified = child(upn="A123456789012")
        result = match(notified, [pupil("OAK-1", upn="Z999999999999")])
        assert_unmatched(
            result,
            "surname, forename and date of birth match a pupil at this school "
            "but their UPN differs",
            ["OAK-1"],
        )

    def test_a_name_match_without_a_upn_on_file_matches_a_child_with_one(self):
        assert match(child(upn="A123456789012"), [pupil("OAK-1")]).matched


class TestElsewhereInTheTrust:
    def test_a_child_at_another_school_of_the_trust_is_matched(self):
        result = match(child(), [pupil("RIV-1", RIVERSIDE)])
        assert_matched(
            result,
            "RIV-1",
            "surname, forename and date of birth match a pupil at another school in the trust",
        )

    def test_two_matches_at_other_schools_are_never_guessed_between(self):
        pool = [pupil("RIV-1", RIVERSIDE), pupil("RIV-2", RIVERSIDE)]
        result = match(child(), pool)
        assert_unmatched(
            result,
            "2 pupils match surname, forename and date of birth at other schools in the trust",
            ["RIV-1", "RIV-2"],
        )

    def test_a_match_in_a_different_trust_is_not_used_nor_shown(self):
        result = match(child(), [pupil("HIL-1", HILLSIDE)])
        assert_unmatched(result, "no pupil with this date of birth and surname in the trust", [])


class TestPartialMatches:
    def test_same_surname_and_date_of_birth_with_another_forename_is_offered_not_matched(self):
        sister = pupil("OAK-2", forename="Alfie")
        result = match(child(), [sister])
        assert_unmatched(result, "surname and date of birth match but forename differs", ["OAK-2"])

    def test_same_names_with_another_date_of_birth_is_offered_not_matched(self):
        result = match(child(), [pupil("OAK-1", date_of_birth=date(2018, 2, 5))])
        assert_unmatched(result, "surname and forename match but date of birth differs", ["OAK-1"])

    def test_every_kind_of_near_miss_is_explained_and_offered(self):
        pool = [
            pupil("OAK-2", forename="Alfie"),
            pupil("RIV-1", RIVERSIDE, date_of_birth=date(2018, 2, 5)),
        ]
        result = match(child(), pool)
        assert_unmatched(
            result,
            "surname and date of birth match but forename differs; "
            "surname and forename match but date of birth differs",
            ["OAK-2", "RIV-1"],
        )

    def test_part_of_a_double_barrelled_surname_is_not_a_match(self):
        notified = child(forename="Amelia", surname="Smith", date_of_birth="2017-11-14")
        amelia = pupil(
            "OAK-3", forename="Amelia", surname="Smith-Jones", date_of_birth=date(2017, 11, 14)
        )
        result = match(notified, [amelia])
        assert not result.matched

    def test_no_pupil_with_the_surname_and_date_of_birth(self):
        result = match(child(), [])
        assert_unmatched(result, "no pupil with this date of birth and surname in the trust", [])


class TestRollDates:
    def test_a_pupil_who_left_before_the_incident_is_not_matched(self):
        left = pupil("OAK-1", on_roll_to=date(2026, 2, 13))
        result = match(child(), [left])
        assert_unmatched(
            result,
            "surname, forename and date of birth match a pupil no longer on roll",
            ["OAK-1"],
        )

    def test_a_pupil_who_joined_after_the_incident_is_not_matched(self):
        joined_later = pupil("OAK-1", on_roll_from=date(2026, 3, 10))
        result = match(child(), [joined_later])
        assert_unmatched(
            result,
            "surname, forename and date of birth match a pupil "
            "not yet on roll at the incident date",
            ["OAK-1"],
        )

    @pytest.mark.parametrize(
        "roll", [{"on_roll_from": INCIDENT}, {"on_roll_to": INCIDENT}], ids=["first", "last"]
    )
    def test_the_first_and_last_days_on_roll_count(self, roll):
        assert match(child(), [pupil("OAK-1", **roll)]).matched

    def test_a_leaver_replaced_by_the_same_child_at_another_school_is_the_match(self):
        pool = [pupil("OAK-1", on_roll_to=date(2025, 7, 18)), pupil("RIV-1", RIVERSIDE)]
        result = match(child(), pool)
        assert result.pupil is not None and result.pupil.pupil_id == "RIV-1"


class TestSchoolNotKnown:
    def test_an_unknown_urn_leaves_the_child_unmatched_with_full_matches_offered(self):
        result = match(child(), [pupil("OAK-1")], school=None)
        assert_unmatched(
            result,
            "school URN unknown; surname, forename and date of birth match a pupil on roll",
            ["OAK-1"],
        )

    def test_an_unknown_urn_with_nothing_near(self):
        result = match(child(), [], school=None)
        assert_unmatched(
            result,
            "school URN unknown; "
            "no pupil with this date of birth and surname in the trusts this sender may notify",
            [],
        )

    def test_a_upn_still_matches_when_the_urn_is_unknown(self):
        result = match(
            child(upn="A123456789012"), [pupil("OAK-1", upn="A123456789012")], school=None
        )
        assert_matched(result, "OAK-1", "UPN matches a pupil on roll")

    def test_pupils_of_trusts_the_sender_may_not_notify_are_never_offered(self):
        pool = [pupil("OAK-1"), pupil("HIL-1", HILLSIDE)]
        result = match(child(), pool, school=None, allowed=frozenset({SEVERN_VALE}))
        assert ids(result) == ["OAK-1"]

    def test_a_school_in_a_trust_the_sender_may_not_notify_is_treated_as_unknown(self):
        result = match(
            child(), [pupil("HIL-1", HILLSIDE)], school=HILLSIDE, allowed=frozenset({SEVERN_VALE})
        )
        assert_unmatched(
            result,
            "school URN unknown; "
            "no pupil with this date of birth and surname in the trusts this sender may notify",
            [],
        )


def stored(pupil: RosterPupil, school_id: str) -> Candidate:
    """A roster pupil as the matcher sees it once stored."""
    return candidate_from(pupil_document(school_id, TRUST_OF[school_id], roster_state(pupil)))


@pytest.fixture(scope="module")
def sample_pool() -> list[Candidate]:
    candidates = []
    for school, name in ((OAKFIELD, "oakfield_primary"), (RIVERSIDE, "riverside_academy")):
        roster = parse_roster((SAMPLES / "roster" / f"{name}.csv").read_bytes())
        assert roster.rejected == []
        candidates += [stored(p, school) for p in roster.pupils]
    return candidates


class TestWithTheSampleRostersAndNotifications:
    """The sample files together: what a DSL at each school would see."""

    def notification(self, name: str) -> EncompassNotice:
        text = (SAMPLES / "encompass" / name).read_text(encoding="utf-8")
        return EncompassNotice.model_validate_json(text, context={"today": TODAY})

    def test_siblings_at_two_schools_of_the_trust_are_each_matched(self, sample_pool):
        siblings = self.notification("notification_siblings.json")
        urns = {"116789": OAKFIELD, "145210": RIVERSIDE}
        matched = {}
        for notified in siblings.children:
            school = urns[notified.school_urn or ""]
            result = match(notified, sample_pool, school=school, on=siblings.incident_date)
            assert result.pupil is not None
            matched[notified.forename] = (result.pupil.pupil_id, result.reason)
        assert matched == {
            "Amelia": (
                "OAK-0003",
                "surname, forename and date of birth match a pupil at this school",
            ),
            "Kai": ("RIV-1002", "UPN matches a pupil on roll"),
        }

    def test_zoe_obrien_is_matched_at_oakfield(self, sample_pool):
        notification = self.notification("notification_single_child.json")
        result = match(notification.children[0], sample_pool, on=notification.incident_date)
        assert result.pupil is not None and result.pupil.pupil_id == "OAK-0001"

    def test_a_child_who_moved_up_to_riverside_is_found_there(self, sample_pool):
        jayden = child(forename="Jayden", surname="Clarke", date_of_birth="2014-06-30")
        result = match(jayden, sample_pool, school=OAKFIELD)
        assert result.pupil is not None and result.pupil.pupil_id == "RIV-1001"

    def test_a_pupil_who_left_riverside_in_december_is_not_matched_in_march(self, sample_pool):
        chloe = child(forename="Chloe", surname="DSouza", date_of_birth="2011-02-28")
        result = match(chloe, sample_pool, school=RIVERSIDE)
        assert_unmatched(
            result,
            "surname, forename and date of birth match a pupil no longer on roll",
            ["RIV-1005"],
        )


def test_a_candidate_carries_the_roster_pupil_with_its_school_and_trust():
    roster = parse_roster((SAMPLES / "roster" / "oakfield_primary.csv").read_bytes())
    seun = next(p for p in roster.pupils if p.pupil_id == "OAK-0004")
    candidate = stored(seun, OAKFIELD)
    assert dataclasses.asdict(candidate) == {
        "pupil_id": "OAK-0004",
        "school_id": OAKFIELD,
        "trust_id": SEVERN_VALE,
        "upn": None,
        "forename": "Oluwaseun",
        "preferred_forename": "Seun",
        "surname": "Adeyemi",
        "date_of_birth": date(2019, 2, 20),
        "on_roll_from": date(2023, 9, 4),
        "on_roll_to": None,
    }
