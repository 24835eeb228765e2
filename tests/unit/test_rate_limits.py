"""Write budgets: a token bucket per user and per address, refilled over time."""

from __future__ import annotations

from services.common.rate_limits import TokenBuckets, retry_after


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_a_burst_is_allowed_then_refused_until_a_token_comes_back():
    clock = Clock()
    buckets = TokenBuckets(per_minute=60, burst=3, clock=clock)

    allowed = [buckets.take("user:a") for _ in range(3)]
    refused = buckets.take("user:a")

    assert allowed == [None, None, None]
    assert refused is not None and 0.9 < refused <= 1.0  # one a second comes back
    clock.now += 1.0
    assert buckets.take("user:a") is None


def test_a_refused_request_does_not_spend_a_token():
    clock = Clock()
    buckets = TokenBuckets(per_minute=6, burst=1, clock=clock)
    buckets.take("k")
    clock.now += 5  # half of the 10 s a token takes
    first_wait = buckets.take("k")
    second_wait = buckets.take("k")

    assert first_wait is not None and abs(first_wait - 5) < 1e-6
    assert second_wait is not None and abs(second_wait - 5) < 1e-6


def test_each_key_has_its_own_bucket_and_a_bucket_never_holds_more_than_its_burst():
    clock = Clock()
    buckets = TokenBuckets(per_minute=60, burst=2, clock=clock)
    buckets.take("a"), buckets.take("a")
    clock.now += 3600  # an hour idle refills to the burst, not to 3,600

    assert buckets.take("b") is None
    assert [buckets.take("a") is None for _ in range(3)] == [True, True, False]


def test_memory_is_bounded_by_dropping_the_least_recently_seen_key():
    clock = Clock()
    buckets = TokenBuckets(per_minute=1, burst=1, clock=clock, max_keys=2)
    buckets.take("old")
    buckets.take("newer")
    buckets.take("newest")  # "old" is dropped: it starts full again

    assert buckets.take("old") is None
    assert buckets.take("newest") is not None


def test_retry_after_is_whole_seconds_and_at_least_one():
    assert (retry_after(0.01), retry_after(1.0), retry_after(1.2), retry_after(59.5)) == (
        "1",
        "1",
        "2",
        "60",
    )
