"""Gender detected from a first name answers as gender-guesser's Detector does, for every name it knows."""

from __future__ import annotations

import gender_guesser.detector

from candidly.delivery.gender import detect_gender

ANSWERS = {"male": "male", "mostly_male": "male", "female": "female", "mostly_female": "female"}


def test_every_one_word_name_gets_the_detectors_answer() -> None:
    detector = gender_guesser.detector.Detector(case_sensitive=False)
    names = [name for name in detector.names if " " not in name]  # a first name's first word is asked
    assert len(names) > 50_000
    differing = [name for name in names if detect_gender(name) != ANSWERS.get(detector.get_gender(name))]
    assert differing == []


def test_the_first_word_decides_whatever_its_case_and_unknown_names_get_none() -> None:
    assert detect_gender("ADA") == "female"
    assert detect_gender("john ronald") == "male"
    assert detect_gender("Abdel-Aziz") == detect_gender("abdelaziz") == "male"  # the file's "Abdel+Aziz"
    assert detect_gender("Zzyzx") is None
    assert detect_gender("  ") is None
    assert detect_gender(None) is None
