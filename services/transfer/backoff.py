"""Exponential backoff with "equal jitter", shared by every retry loop of the platform.

Why one small class: the hand-over client waits between HTTP tries, and the pipeline waits (much
longer) before it reschedules a whole submission. Both must grow their waits exponentially, stop
growing at a cap, and spread retries in time so that many workers that failed together against one
back-office system do not hit it again in lock-step. "Equal jitter" keeps at least half of the
computed delay (so a retry never comes immediately) and randomises the other half:

    d = min(cap, base * 2 ** (attempt - 1));  delay = d / 2 + uniform(0, d / 2)

The random source is injectable so tests can seed it and assert exact bounds.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field

# 2**62 already exceeds any sensible cap; limiting the exponent avoids OverflowError for absurd attempts.
_MAX_EXPONENT = 62


@dataclass(frozen=True)
class Backoff:
    """Delay before the next try, after ``attempt`` tries have failed (``attempt`` counts from 1)."""

    base_seconds: float
    cap_seconds: float
    jitter: bool = True
    rng: random.Random = field(default_factory=random.Random, compare=False, repr=False)

    def __post_init__(self) -> None:
        if self.base_seconds < 0 or self.cap_seconds < 0:
            raise ValueError("Backoff base_seconds and cap_seconds must not be negative.")
        if self.cap_seconds < self.base_seconds:
            raise ValueError("Backoff cap_seconds must be at least base_seconds.")

    def ceiling(self, attempt: int) -> float:
        """The un-jittered delay ``min(cap, base * 2**(attempt-1))``: the upper bound of :meth:`delay`."""
        if attempt < 1:
            raise ValueError(f"attempt counts from 1, got {attempt}")
        exponent = min(attempt - 1, _MAX_EXPONENT)
        return min(self.cap_seconds, self.base_seconds * float(2**exponent))

    def delay(self, attempt: int) -> float:
        """Seconds to wait after the ``attempt``-th failure; in ``[ceiling/2, ceiling]`` with jitter."""
        ceiling = self.ceiling(attempt)
        if not self.jitter:
            return ceiling
        half = ceiling / 2
        return half + self.rng.uniform(0.0, half)
