"""Pattern watch, rule by rule: what makes each pattern, at the edges of its window, and
that each fires at most once per child per window (the closure rule once per closure)."""

from datetime import UTC, datetime, timedelta

import pytest
from pydantic import ValidationError

from contracts.child_vocabulary import PatternRule
from services.case.domain.patterns import (
    DEFAULT_RULES,
    MAX_ITEMS,
    PatternRules,
    detect,
    fired_now,
    item,
    knows,
    with_item,
)

T0 = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)


def day(n: float) -> datetime:
    return T0 + timedelta(days=n)


def concern(n: float, *, categories=("physical",), name: str | None = None):
    return item("concern", name or f"c{n}", day(n), categories)


def watched(*events):
    items: list = []
    for event in events:
        items = with_item(items, event)
    return items


def rules_found(items, fired=None, rules=DEFAULT_RULES):
    return [d.rule for d in detect("oak", "P1", items, fired or {}, rules)]


def after(items, rules=DEFAULT_RULES):
    """The rules' memory once what `items` make has fired."""
    found = detect("oak", "P1", items, {}, rules)
    return fired_now({}, found, items)


# -- three concerns in 30 days with no referral ------------------------------------------------


def test_three_concerns_within_30_days_make_a_pattern():
    items = watched(concern(0), concern(12), concern(29))
    [found] = detect("oak", "P1", items, {}, DEFAULT_RULES)
    assert found.rule is PatternRule.REPEATED_CONCERNS
    assert (found.count, found.threshold, found.window_days) == (3, 3, 30)
    assert found.source_ids == ["c0", "c12", "c29"]
    assert found.window_start == day(29) - timedelta(days=30)


def test_two_concerns_are_not_a_pattern():
    assert rules_found(watched(concern(0), concern(1))) == []


def test_the_first_of_three_just_outside_30_days_is_not_counted():
    assert rules_found(watched(concern(0), concern(10), concern(30))) == []
    just_inside = watched(concern(0), concern(10), concern(29.99))
    assert rules_found(just_inside) == [PatternRule.REPEATED_CONCERNS]


def test_a_referral_made_in_that_time_means_the_school_acted():
    made = item("referral", "ref-1", day(5))
    assert rules_found(watched(concern(0), made, concern(10), concern(20))) == []


def test_a_referral_before_the_window_does_not_count():
    made = item("referral", "ref-1", day(-3))
    found = rules_found(watched(made, concern(0), concern(10), concern(20)))
    assert found == [PatternRule.REPEATED_CONCERNS]


def test_it_fires_once_per_window_and_again_once_a_window_has_passed():
    items = watched(concern(0), concern(1), concern(2))
    fired = after(items)
    assert fired["repeated_concerns"]["at"] == day(2)

    fourth = with_item(items, concern(10))
    assert rules_found(fourth, fired) == []  # the same pattern, still within its window
    later = watched(*fourth, concern(40), concern(41), concern(42))
    assert rules_found(later, fired) == [PatternRule.REPEATED_CONCERNS]


def test_the_detection_id_is_fixed_by_child_rule_and_the_newest_concern():
    items = watched(concern(0), concern(1), concern(2))
    [one] = detect("oak", "P1", items, {}, DEFAULT_RULES)
    [again] = detect("oak", "P1", items, {}, DEFAULT_RULES)
    [other_child] = detect("oak", "P2", items, {}, DEFAULT_RULES)
    assert one.detection_id == again.detection_id != other_child.detection_id
    assert one.detection_id.startswith("pat_")


# -- missing education ---------------------------------------------------------------------


def test_three_missing_education_concerns_within_60_days():
    missing = [concern(n, categories=("missing_education",)) for n in (0, 31, 59)]
    assert rules_found(watched(*missing)) == [PatternRule.MISSING_EDUCATION]
    spread = [concern(n, categories=("missing_education",)) for n in (0, 31, 60)]
    assert rules_found(watched(*spread)) == []


def test_other_categories_do_not_count_towards_missing_education():
    mixed = [
        concern(0, categories=("missing_education",)),
        concern(40, categories=("neglect",)),
        concern(50, categories=("missing_education", "neglect")),
    ]
    assert PatternRule.MISSING_EDUCATION not in rules_found(watched(*mixed))


def test_a_school_may_count_other_categories_as_missing_education():
    rules = PatternRules.model_validate(
        {"missing_education": {"count": 2, "window_days": 60, "categories": ["neglect"]}}
    )
    found = rules_found(watched(concern(0, categories=("neglect",)), concern(45)), rules=rules)
    assert found == []  # the second is physical
    twice = watched(concern(0, categories=("neglect",)), concern(45, categories=("neglect",)))
    assert rules_found(twice, rules=rules) == [PatternRule.MISSING_EDUCATION]


# -- police notifications ------------------------------------------------------------------


def test_two_police_notifications_within_90_days():
    first = item("police_notification", "enc-1", day(0))
    assert rules_found(watched(first)) == []
    second = item("police_notification", "enc-2", day(89))
    assert rules_found(watched(first, second)) == [PatternRule.POLICE_NOTIFICATIONS]
    too_late = item("police_notification", "enc-3", day(90))
    assert rules_found(watched(first, too_late)) == []


def test_police_notifications_are_not_concerns():
    notices = [item("police_notification", f"enc-{n}", day(n)) for n in range(3)]
    assert PatternRule.REPEATED_CONCERNS not in rules_found(watched(*notices))


# -- a concern soon after closure ----------------------------------------------------------


def test_a_concern_within_30_days_of_closure():
    closed = item("closure", "close-1", day(0))
    assert rules_found(watched(closed, concern(30))) == [PatternRule.CONCERN_AFTER_CLOSURE]
    assert rules_found(watched(closed, concern(30.01))) == []


def test_a_concern_before_the_closure_is_not_after_it():
    assert rules_found(watched(concern(0), item("closure", "close-1", day(1)))) == []


def test_the_closure_rule_fires_once_per_closure():
    closed = item("closure", "close-1", day(0))
    items = watched(closed, concern(5))
    fired = after(items)
    assert rules_found(with_item(items, concern(6)), fired) == []
    reclosed = watched(*items, concern(6), item("closure", "close-2", day(10)), concern(12))
    assert set(rules_found(reclosed, fired)) == {
        PatternRule.CONCERN_AFTER_CLOSURE,  # another closure
        PatternRule.REPEATED_CONCERNS,  # and the third concern in 30 days
    }


# -- the school's settings -----------------------------------------------------------------


def test_a_rule_turned_off_never_fires():
    rules = PatternRules.model_validate(
        {"repeated_concerns": {"enabled": False, "count": 3, "window_days": 30}}
    )
    assert rules_found(watched(concern(0), concern(1), concern(2)), rules=rules) == []


def test_a_school_may_lower_a_threshold():
    rules = PatternRules.model_validate({"repeated_concerns": {"count": 2, "window_days": 7}})
    assert rules_found(watched(concern(0), concern(6)), rules=rules) == [
        PatternRule.REPEATED_CONCERNS
    ]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"repeated_concerns": {"count": 3, "window_days": 0}}, "window_days"),
        ({"repeated_concerns": {"count": 1, "window_days": 30}}, "count"),
        ({"police_notifications": {"count": 2, "window_days": 400}}, "window_days"),
        ({"concern_after_closure": {"window_days": -1}}, "window_days"),
        ({"missing_education": {"count": 3, "window_days": 60, "categories": []}}, "categories"),
        ({"repeated_concerns": {"count": 3}}, "window_days"),
        ({"nonsense": {}}, "nonsense"),
    ],
)
def test_nonsense_thresholds_are_refused_naming_the_field(body, field):
    with pytest.raises(ValidationError) as refused:
        PatternRules.model_validate(body)
    assert field in str(refused.value.errors()[0]["loc"])


# -- the child's window --------------------------------------------------------------------


def test_an_event_seen_again_is_kept_once():
    items = watched(concern(0), concern(0))
    assert len(items) == 1 and knows(items, "concern", "c0")


def test_the_window_keeps_a_year_and_at_most_its_bound():
    items = watched(concern(0), concern(400))
    assert [i["id"] for i in items] == ["c400"]
    many = watched(*(concern(n / 10, name=f"c{n}") for n in range(MAX_ITEMS + 20)))
    assert len(many) == MAX_ITEMS and many[-1]["id"] == f"c{MAX_ITEMS + 19}"
