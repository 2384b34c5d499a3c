"""Gender from a first name, for surfaces that answer a gender when none was set (InstaView)."""

from __future__ import annotations

import functools
from typing import Any

# gender-guesser ships the name data of Jörg Michael's gender.c (about 40,000 names by country).
_ANSWERS = {"male": "male", "mostly_male": "male", "female": "female", "mostly_female": "female"}


@functools.cache
def _detector() -> Any:
    import gender_guesser.detector  # loading the data takes a moment: only on first use

    return gender_guesser.detector.Detector(case_sensitive=False)


def detect_gender(first_name: str | None) -> str | None:
    """``male``, ``female`` or None (unknown or ambiguous) for the first word of a first name."""
    if not first_name or not first_name.split():
        return None
    return _ANSWERS.get(_detector().get_gender(first_name.split()[0]))
