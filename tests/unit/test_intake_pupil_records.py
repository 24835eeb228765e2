"""What a roster import does to a stored pupil, and how the matcher sees stored pupils."""

from datetime import date
from typing import Any

from services.intake.domain.pupil_records import (
    ROSTER_ONLY_FIELDS,
    candidate_from,
    details_state,
    due_departure,
    left_event_id,
    lookup_keys,
    plan_pupil,
    pupil_document,
    roster_state,
)
from services.intake.domain.roster import RosterPupil, is_on_roll
from services.intake.domain.schools import PupilDetails

TODAY = date(2026, 3, 10)


def pupil(**fields: Any) -> RosterPupil:
    data = {
        "pupil_id": "OAK-0001",
        "upn": "A123456789012",
        "forename": "Zoë",
        "surname": "O'Brien",
        "preferred_forename": None,
        "date_of_birth": date(2018, 5, 2),
        "postcode": "WR1 1AA",
        "on_roll_from": date(2022, 9, 1),
        "on_roll_to": None,
    } | fields
    return RosterPupil.model_validate(data)


def stored(p: RosterPupil, **fields: Any) -> dict[str, Any]:
    return {**roster_state(p), "left_notified": None, **fields}


class TestStoredState:
    def test_dates_are_iso_strings_and_the_lookup_keys_are_kept(self):
        state = roster_state(pupil(preferred_forename="Zo"))
        assert state["date_of_birth"] == "2018-05-02"
        assert state["on_roll_to"] is None
        assert state["surname_key"] == "obrien"
        assert state["forename_keys"] == ["zo", "zoe"]

    def test_lookup_keys_fold_names_the_way_the_matcher_does(self):
        assert lookup_keys("Siobhán", "Ní Bhriain", None) == {
            "surname_key": "nibhriain",
            "forename_keys": ["siobhan"],
        }

    def test_a_pupil_is_stored_alike_whichever_way_it_arrived(self):
        details = PupilDetails(forename="Zoë", surname="O'Brien", date_of_birth=date(2018, 5, 2))
        from_put = pupil_document("s1", "t1", details_state("OAK-0001", details))
        from_roster = pupil_document("s1", "t1", roster_state(pupil()))
        assert from_put.keys() == from_roster.keys()
        assert [from_put[name] for name in ROSTER_ONLY_FIELDS] == [None, None, None, None]
        assert from_put["left_notified"] is None
        assert from_put["forename_keys"] == from_roster["forename_keys"]


class TestPlan:
    def test_a_new_pupil_is_created_and_recorded(self):
        plan = plan_pupil(pupil(), None, TODAY)
        assert plan.kind == "created"
        assert plan.recorded
        assert plan.left_on is None
        assert plan.extra == {"left_notified": None}

    def test_a_new_pupil_who_has_already_left_is_published_as_a_leaver(self):
        plan = plan_pupil(pupil(on_roll_to=date(2025, 7, 18)), None, TODAY)
        assert plan.left_on == date(2025, 7, 18)
        assert plan.extra == {"left_notified": "2025-07-18"}

    def test_the_same_row_again_changes_nothing(self):
        p = pupil()
        plan = plan_pupil(p, stored(p), TODAY)
        assert plan.kind == "unchanged"
        assert not plan.writes

    def test_a_new_postcode_is_stored_but_not_published(self):
        before = pupil()
        plan = plan_pupil(pupil(postcode="WR9 9ZZ"), stored(before), TODAY)
        assert plan.kind == "updated"
        assert not plan.recorded

    def test_a_new_surname_is_published(self):
        before = pupil()
        plan = plan_pupil(pupil(surname="Hughes"), stored(before), TODAY)
        assert plan.recorded
        assert plan.state["surname_key"] == "hughes"

    def test_a_departure_is_published_once(self):
        left = pupil(on_roll_to=date(2026, 2, 13))
        first = plan_pupil(left, stored(pupil()), TODAY)
        again = plan_pupil(left, stored(left, left_notified="2026-02-13"), TODAY)
        assert first.left_on == date(2026, 2, 13)
        assert again.left_on is None
        assert not again.writes

    def test_a_corrected_leaving_date_is_not_a_second_departure(self):
        before = pupil(on_roll_to=date(2026, 2, 13))
        corrected = pupil(on_roll_to=date(2026, 2, 12))
        plan = plan_pupil(corrected, stored(before, left_notified="2026-02-13"), TODAY)
        assert plan.kind == "updated"
        assert plan.left_on is None

    def test_a_leaving_date_still_to_come_is_not_a_departure_yet(self):
        plan = plan_pupil(pupil(on_roll_to=date(2026, 3, 10)), None, TODAY)
        assert plan.left_on is None

    def test_a_pupil_back_on_roll_may_leave_again_later(self):
        back = pupil(on_roll_from=date(2026, 3, 2))
        before = pupil(on_roll_to=date(2025, 7, 18))
        plan = plan_pupil(back, stored(before, left_notified="2025-07-18"), TODAY)
        assert plan.extra == {"left_notified": None}
        assert plan.left_on is None

    def test_a_pupil_recorded_by_put_takes_the_roll_dates_from_the_roster(self):
        p = pupil()
        details = PupilDetails(
            forename="Zoë", surname="O'Brien", date_of_birth=date(2018, 5, 2), upn=p.upn
        )
        from_put = pupil_document("s1", "t1", details_state(p.pupil_id, details))
        plan = plan_pupil(p, from_put, TODAY)
        assert plan.kind == "updated"
        assert not plan.recorded  # nothing the other services hold has changed
        assert plan.extra == {}

    def test_an_old_document_without_the_departure_flag_has_not_departed(self):
        left = pupil(on_roll_to=date(2026, 2, 13))
        old = {k: v for k, v in stored(left).items() if k != "left_notified"}
        assert plan_pupil(left, old, TODAY).left_on == date(2026, 2, 13)
        assert not plan_pupil(pupil(), {**old, "on_roll_to": None}, TODAY).writes

    def test_a_departure_is_due_once_the_last_day_is_over(self):
        left = stored(pupil(on_roll_to=date(2026, 3, 9)))
        assert due_departure(left, TODAY) == date(2026, 3, 9)
        assert due_departure({**left, "left_notified": "2026-03-09"}, TODAY) is None
        assert due_departure(stored(pupil(on_roll_to=TODAY)), TODAY) is None
        assert due_departure(stored(pupil()), TODAY) is None

    def test_departure_event_ids_are_deterministic(self):
        day = date(2025, 7, 18)
        assert left_event_id("s1", "p1", day) == left_event_id("s1", "p1", day)
        assert left_event_id("s1", "p1", day) != left_event_id("s2", "p1", day)


class TestCandidates:
    def test_a_stored_pupil_becomes_a_candidate(self):
        doc = {**stored(pupil()), "school_id": "sch-oak", "trust_id": "trust-sv"}
        candidate = candidate_from(doc)
        assert candidate.school_id == "sch-oak"
        assert candidate.date_of_birth == date(2018, 5, 2)
        assert candidate.on_roll_from == date(2022, 9, 1)

    def test_a_pupil_recorded_without_roll_dates_counts_as_on_roll(self):
        details = PupilDetails(forename="Amelia", surname="Hart", date_of_birth=date(2016, 4, 12))
        doc = pupil_document("s1", "t1", details_state("p1", details))
        assert is_on_roll(candidate_from(doc), TODAY)

    def test_an_old_document_without_roll_fields_counts_as_on_roll(self):
        doc = {
            "pupil_id": "p1",
            "school_id": "s1",
            "trust_id": "t1",
            "forename": "Amelia",
            "surname": "Hart",
            "date_of_birth": "2016-04-12",
            "upn": None,
        }
        assert is_on_roll(candidate_from(doc), TODAY)
