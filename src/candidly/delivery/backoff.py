"""When to try a failed delivery again: exponential backoff with jitter, capped."""

from __future__ import annotations

import random
from datetime import timedelta


def retry_delay(attempts: int, base_seconds: float, max_seconds: float, rng: random.Random) -> timedelta:
    """The wait after the ``attempts``-th failure: base * 2^(attempts-1), capped, times a jitter in [0.5, 1).

    The jitter spreads out the retries of many deliveries that failed together (a receiver that was
    down), so they do not all hit it again in the same second; the floor of half keeps the growth.
    """
    exponent = min(max(attempts - 1, 0), 32)
    delay = min(base_seconds * (2**exponent), max_seconds)
    return timedelta(seconds=delay * (0.5 + rng.random() / 2))
