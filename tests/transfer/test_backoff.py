"""Backoff: exponential growth, a cap, and equal jitter within [d/2, d] — checked with a seeded Random."""

from __future__ import annotations

import itertools
import random

import pytest

from services.transfer.backoff import Backoff


def test_without_jitter_delays_double_until_the_cap() -> None:
    backoff = Backoff(base_seconds=0.5, cap_seconds=8.0, jitter=False)

    delays = [backoff.delay(attempt) for attempt in range(1, 9)]

    assert delays == [0.5, 1.0, 2.0, 4.0, 8.0, 8.0, 8.0, 8.0]


def test_jittered_delay_stays_within_half_and_full_ceiling() -> None:
    backoff = Backoff(base_seconds=0.5, cap_seconds=8.0, rng=random.Random(20260101))

    for attempt in range(1, 12):
        ceiling = min(8.0, 0.5 * 2 ** (attempt - 1))
        for _ in range(200):
            assert ceiling / 2 <= backoff.delay(attempt) <= ceiling


def test_jitter_actually_spreads_the_delays() -> None:
    backoff = Backoff(base_seconds=1.0, cap_seconds=60.0, rng=random.Random(7))

    samples = [backoff.delay(4) for _ in range(500)]  # ceiling 8 s → [4, 8]

    assert len(set(samples)) > 400
    assert min(samples) < 4.5
    assert max(samples) > 7.5


def test_jittered_delays_grow_on_average_and_are_capped() -> None:
    backoff = Backoff(base_seconds=2.0, cap_seconds=300.0, rng=random.Random(3))

    means = [sum(backoff.delay(attempt) for _ in range(300)) / 300 for attempt in range(1, 12)]

    assert all(later > earlier for earlier, later in itertools.pairwise(means[:8]))
    assert all(150.0 <= mean <= 300.0 for mean in means[8:])  # 2 * 2**8 = 512 > cap


def test_same_seed_gives_the_same_sequence() -> None:
    first = Backoff(0.5, 8.0, rng=random.Random(42))
    second = Backoff(0.5, 8.0, rng=random.Random(42))

    assert [first.delay(n) for n in range(1, 10)] == [second.delay(n) for n in range(1, 10)]


def test_huge_attempt_numbers_do_not_overflow() -> None:
    backoff = Backoff(base_seconds=0.5, cap_seconds=8.0, rng=random.Random(1))

    assert 4.0 <= backoff.delay(100_000) <= 8.0
    assert backoff.ceiling(100_000) == 8.0


def test_attempt_counts_from_one() -> None:
    with pytest.raises(ValueError):
        Backoff(0.5, 8.0).delay(0)


@pytest.mark.parametrize(("base", "cap"), [(-1.0, 8.0), (0.5, -1.0), (10.0, 8.0)])
def test_rejects_nonsense_configuration(base: float, cap: float) -> None:
    with pytest.raises(ValueError):
        Backoff(base_seconds=base, cap_seconds=cap)


def test_is_a_frozen_value() -> None:
    backoff = Backoff(0.5, 8.0)

    with pytest.raises(AttributeError):
        backoff.base_seconds = 1.0  # type: ignore[misc]
    assert backoff == Backoff(0.5, 8.0)  # the random source does not take part in equality
