"""What a dead letter says about its death, and when a dead-letter queue counts as growing."""

from datetime import UTC, datetime

from services.common.dead_letter_headers import dead_letter_of
from services.common.dead_letter_watch import grew_within

DIED = datetime(2026, 3, 10, 2, 13, tzinfo=UTC)


def _death(**fields) -> dict:
    return {
        "count": 1,
        "reason": "rejected",
        "queue": "records.chronology",
        "time": DIED,
        "exchange": "harbour.events",
        "routing-keys": ["intake.concern.raised.v1"],
        **fields,
    }


def test_the_latest_death_says_where_why_and_how_often():
    body = b'{"trust_id": "oak-trust", "payload": {"description": "Bruise on the arm"}}'
    dead = dead_letter_of(
        {"x-death": [_death(count=2, reason="delivery_limit"), _death(queue="case.deadlines")]},
        "evt-1",
        body,
    )

    assert dead is not None
    assert (dead.service, dead.queue, dead.reason, dead.count) == (
        "records",
        "records.chronology",
        "delivery_limit",
        2,
    )
    assert (dead.message_id, dead.event_type, dead.trust_id, dead.died_at) == (
        "evt-1",
        "intake.concern.raised.v1",
        "oak-trust",
        DIED,
    )


def test_nothing_of_an_unreadable_body_is_kept_but_a_digest_for_its_missing_id():
    dead = dead_letter_of({"x-death": [_death(**{"routing-keys": ["not an id!"]})]}, None, b"{no")

    assert dead is not None
    assert dead.trust_id is None and dead.event_type is None
    assert dead.message_id.startswith("sha256:")
    again = dead_letter_of({"x-death": [_death()]}, None, b"{no")
    assert again is not None and again.message_id == dead.message_id  # the same digest


def test_a_trust_id_that_is_not_a_plain_id_is_not_kept():
    body = b'{"trust_id": "Amelia Hart, 12 Oak Road"}'
    dead = dead_letter_of({"x-death": [_death()]}, "evt-1", body)

    assert dead is not None and dead.trust_id is None


def test_a_message_without_x_death_was_not_dead_lettered():
    assert dead_letter_of({}, "evt-1", b"{}") is None
    assert dead_letter_of({"x-death": []}, "evt-1", b"{}") is None


def test_a_queue_that_went_up_and_stays_up_grows_until_the_window_has_passed():
    samples = [(0.0, 0), (10.0, 0), (20.0, 1), (30.0, 1)]

    assert grew_within(samples, window_seconds=60, now=30)
    assert grew_within(samples, window_seconds=60, now=79)  # 0 was seen until t=20
    assert not grew_within(samples, window_seconds=60, now=81)


def test_a_queue_that_shrank_or_stayed_is_not_growing():
    assert not grew_within([(0.0, 3), (10.0, 3)], window_seconds=60, now=10)
    assert not grew_within([(0.0, 3), (10.0, 0)], window_seconds=60, now=10)
    assert not grew_within([], window_seconds=60, now=10)


def test_a_window_of_zero_never_reports_growth():
    assert not grew_within([(0.0, 0), (10.0, 5)], window_seconds=0, now=10)
