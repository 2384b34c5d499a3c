"""A candidate's field rules, applied by ``Candidate.apply``: every surface's writes of a person go through them."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from candidly.domain.errors import InvalidField
from candidly.domain.people import (
    ATTRIBUTE_LIMITS,
    CANDIDATE_FIELDS,
    CV_STORED_MAX,
    METADATA_LIMITS,
    clean_candidate_field,
)
from candidly.domain.values import MAX_NAME
from tests.domain.build import TODAY, candidate

VALID = [
    ("first_name", "Ada", "Ada"),
    ("first_name", "A", "A"),
    ("first_name", "x" * MAX_NAME, "x" * MAX_NAME),
    ("last_name", "Lovelace", "Lovelace"),
    ("middle_name", "King", "King"),
    ("email", "Ada@Example.com", "Ada@example.com"),
    ("phone", "+44 20 7946 0958", "+442079460958"),
    ("external_id", "", ""),
    ("external_id", "x" * 255, "x" * 255),
    ("status", "new", "new"),
    ("status", "x" * 40, "x" * 40),
    ("language", "en", "en"),
    ("language", "x" * 40, "x" * 40),
    ("gender", "male", "male"),
    ("gender", "female", "female"),
    ("cv", "", ""),
    ("cv", "x" * CV_STORED_MAX, "x" * CV_STORED_MAX),
    ("gdpr_expiry_date", TODAY + timedelta(days=1), TODAY + timedelta(days=1)),
    ("gdpr_expiry_date", TODAY + timedelta(days=3650), TODAY + timedelta(days=3650)),
    ("metadata", {"source": "fair"}, {"source": "fair"}),
    ("metadata", {}, {}),
    ("attributes", {"paradox": {"journey": "j1"}}, {"paradox": {"journey": "j1"}}),
]


@pytest.mark.parametrize(("key", "value", "stored"), VALID)
def test_a_valid_value_is_stored(key: str, value: Any, stored: Any) -> None:
    person = candidate()
    person.apply({key: value}, TODAY)
    assert getattr(person, key) == stored


@pytest.mark.parametrize("key", CANDIDATE_FIELDS)
def test_null_clears_every_field(key: str) -> None:
    person = candidate(first_name="Ada", email="ada@example.com", metadata={"a": 1}, attributes={"b": 2})
    person.apply({key: None}, TODAY)
    assert getattr(person, key) == ({} if key in ("metadata", "attributes") else None)


INVALID = [
    ("first_name", "", "first_name", "must be at least 1 characters"),
    ("first_name", "x" * (MAX_NAME + 1), "first_name", f"must be at most {MAX_NAME} characters"),
    ("first_name", 7, "first_name", "must be a string"),
    ("last_name", "", "last_name", "must be at least 1 characters"),
    ("last_name", "x" * (MAX_NAME + 1), "last_name", f"must be at most {MAX_NAME} characters"),
    ("middle_name", "", "middle_name", "must be at least 1 characters"),
    ("middle_name", ["Ada"], "middle_name", "must be a string"),
    ("phone", "020 7946 0958", "phone", "must be an international number with its country code"),
    ("phone", "+1 000 000 0000", "phone", "is not a valid phone number"),
    ("external_id", "x" * 256, "external_id", "must be at most 255 characters"),
    ("external_id", 12, "external_id", "must be a string"),
    ("status", "x" * 41, "status", "must be at most 40 characters"),
    ("language", "x" * 41, "language", "must be at most 40 characters"),
    ("gender", "other", "gender", "must be male, female or null"),
    ("gender", "Male", "gender", "must be male, female or null"),
    ("gender", "", "gender", "must be male, female or null"),
    ("cv", "x" * (CV_STORED_MAX + 1), "cv", f"must be at most {CV_STORED_MAX} characters"),
    ("gdpr_expiry_date", TODAY, "gdpr_expiry_date", "must be a date in the future"),
    ("gdpr_expiry_date", TODAY - timedelta(days=1), "gdpr_expiry_date", "must be a date in the future"),
    ("metadata", {"a": "x" * METADATA_LIMITS["max_bytes"]}, "metadata",
     f"must be at most {METADATA_LIMITS['max_bytes']} bytes as JSON"),
    ("metadata", {"a": {"b": {"c": {"d": {"e": {"f": 1}}}}}}, "metadata", "must be nested at most 5 levels deep"),
    ("metadata", {str(i): i for i in range(51)}, "metadata", "must have at most 50 keys"),
    ("metadata", {"big": 2**70}, "metadata", "numbers must fit in 64 bits"),
    ("attributes", {str(i): i for i in range(ATTRIBUTE_LIMITS["max_keys"] + 1)}, "attributes",
     f"must have at most {ATTRIBUTE_LIMITS['max_keys']} keys"),
    ("nickname", "Ada", "nickname", "is not a candidate field"),
    ("unsubscribed", True, "unsubscribed", "is not a candidate field"),
]  # fmt: skip


@pytest.mark.parametrize(("key", "value", "field", "reason"), INVALID)
def test_an_invalid_value_is_refused_naming_the_field(key: str, value: Any, field: str, reason: str) -> None:
    person = candidate(first_name="Ada")
    before = person.snapshot()
    with pytest.raises(InvalidField) as caught:
        person.apply({key: value}, TODAY)
    assert (caught.value.field, caught.value.reason) == (field, reason)
    assert person.snapshot() == before


@pytest.mark.parametrize("address", ["ada", "ada@", "@example.com", "ada@example"])
def test_an_invalid_email_is_refused(address: str) -> None:
    with pytest.raises(InvalidField) as caught:
        candidate().apply({"email": address}, TODAY)
    assert caught.value.field == "email"
    assert caught.value.reason.startswith("not a valid email address")


def test_the_expiry_date_is_judged_against_the_given_day() -> None:
    tomorrow = TODAY + timedelta(days=1)
    assert clean_candidate_field("gdpr_expiry_date", tomorrow, TODAY) == tomorrow
    with pytest.raises(InvalidField):
        clean_candidate_field("gdpr_expiry_date", tomorrow, tomorrow)


def test_an_attributes_patch_merges_and_a_null_drops_a_key() -> None:
    person = candidate(attributes={"keep": 1, "drop": 2, "change": 3})
    person.apply({"attributes_patch": {"drop": None, "change": 4, "new": 5}}, TODAY)
    assert person.attributes == {"keep": 1, "change": 4, "new": 5}


def test_an_attributes_patch_is_bounded_as_a_whole() -> None:
    person = candidate(attributes={str(i): i for i in range(ATTRIBUTE_LIMITS["max_keys"])})
    with pytest.raises(InvalidField) as caught:
        person.apply({"attributes_patch": {"one-more": 1}}, TODAY)
    assert (caught.value.field, caught.value.reason) == ("attributes", "must have at most 2000 keys")


def test_the_full_name_joins_the_names_given() -> None:
    assert candidate(first_name="Ada", middle_name="King", last_name="Lovelace").fullname == "Ada King Lovelace"
    assert candidate(last_name="Lovelace").fullname == "Lovelace"
    assert candidate().fullname is None


def test_blanking_leaves_nothing_personal() -> None:
    person = candidate(
        first_name="Ada", last_name="Lovelace", email="ada@example.com", phone="+442079460958", cv="...",
        metadata={"a": 1}, attributes={"b": 2}, gender="female", external_id="X-1",
    )  # fmt: skip
    person.blank()
    assert person.snapshot() == {k: {} if k in ("metadata", "attributes") else None for k in CANDIDATE_FIELDS}
