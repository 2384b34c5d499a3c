"""Value rules every surface shares: email addresses, phone numbers, bounded text, tags and client JSON."""

from __future__ import annotations

from typing import Any

import phonenumbers
import pytest
from phonenumbers import PhoneNumberFormat

from candidly.domain.errors import InvalidField
from candidly.domain.values import email_address, is_digits, json_object, phone_number, string_map, text


@pytest.mark.parametrize(
    ("given", "stored"),
    [
        ("ada@example.com", "ada@example.com"),
        ("Ada.Lovelace@Example.COM", "Ada.Lovelace@example.com"),
        ("first+tag@sub.example.org", "first+tag@sub.example.org"),
        ("o'brien@example.ie", "o'brien@example.ie"),
        ("user@xn--bcher-kva.example", "user@bücher.example"),
    ],
)
def test_a_valid_email_address_is_stored_normalized(given: str, stored: str) -> None:
    assert email_address(given) == stored


@pytest.mark.parametrize(
    "given",
    ["", "ada", "ada@", "@example.com", "ada@@example.com", "ada@example", "ada example@example.com",
     "ada@exa mple.com", "ada@.example.com", "ada..lovelace@example.com", "ada@-example.com"],
)  # fmt: skip
def test_an_invalid_email_address_names_its_field(given: str) -> None:
    with pytest.raises(InvalidField) as caught:
        email_address(given, "extra_emails[2]")
    assert caught.value.field == "extra_emails[2]"
    assert caught.value.reason.startswith("not a valid email address")


@pytest.mark.parametrize(
    ("given", "stored"),
    [
        ("+14155552671", "+14155552671"),
        ("+1 415 555 2671", "+14155552671"),
        ("+1 (415) 555-2671", "+14155552671"),
        ("+44 20 7946 0958", "+442079460958"),
        ("+49 30 901820", "+4930901820"),
        ("+33 1 42 68 53 00", "+33142685300"),
        ("+972 3-123-4567", "+97231234567"),
        ("+61 2 9374 4000", "+61293744000"),
    ],
)
def test_a_country_coded_phone_number_is_stored_in_e164(given: str, stored: str) -> None:
    assert phone_number(given) == stored


@pytest.mark.parametrize("given", ["4155552671", "(415) 555-2671", "555-2671", "phone", "", "00"])
def test_a_phone_number_without_its_country_code_is_refused(given: str) -> None:
    with pytest.raises(InvalidField) as caught:
        phone_number(given)
    assert (caught.value.field, caught.value.reason) == (
        "phone",
        "must be an international number with its country code",
    )


@pytest.mark.parametrize(
    "given", ["+1 555", "+1 000 000 0000", "+44 12", "+999 123456", "+999123456789", "+1 415 555 26710000"]
)
def test_a_number_no_plan_allows_is_refused(given: str) -> None:
    with pytest.raises(InvalidField) as caught:
        phone_number(given, "phone_number")
    assert caught.value.field == "phone_number"
    assert caught.value.reason in (
        "is not a valid phone number",
        "must be an international number with its country code",
    )


@pytest.mark.parametrize(
    ("value", "low", "high", "reason"),
    [
        (None, 0, 10, "must not be null"),
        (5, 0, 10, "must be a string"),
        (["a"], 0, 10, "must be a string"),
        ("", 1, 10, "must be at least 1 characters"),
        ("ab", 3, 10, "must be at least 3 characters"),
        ("a" * 11, 0, 10, "must be at most 10 characters"),
    ],
)
def test_text_out_of_bounds_is_refused(value: Any, low: int, high: int, reason: str) -> None:
    with pytest.raises(InvalidField) as caught:
        text(value, "name", min_length=low, max_length=high)
    assert (caught.value.field, caught.value.reason) == ("name", reason)


@pytest.mark.parametrize(("value", "low", "high"), [("", 0, 10), ("a", 1, 1), ("a" * 10, 0, 10), ("é" * 10, 10, 10)])
def test_text_within_bounds_is_kept(value: str, low: int, high: int) -> None:
    assert text(value, "name", min_length=low, max_length=high) == value


def test_tags_are_text_names_and_values() -> None:
    assert string_map({"team": "core", 3: 4}, "tags") == {"team": "core", "3": "4"}
    assert string_map(None, "tags") == {}


@pytest.mark.parametrize(
    ("value", "field", "reason"),
    [
        ({f"k{i}": "v" for i in range(101)}, "tags", "must have at most 100 entries"),
        ({"k" * 201: "v"}, "tags." + "k" * 201, "must be at most 200 characters"),
        ({"team": "v" * 1001}, "tags.team", "must be at most 1000 characters"),
    ],
)
def test_tags_beyond_their_bounds_are_refused(value: dict[str, str], field: str, reason: str) -> None:
    with pytest.raises(InvalidField) as caught:
        string_map(value, "tags")
    assert (caught.value.field, caught.value.reason) == (field, reason)


_LIMITS = {"max_bytes": 100, "max_depth": 2, "max_keys": 5}


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        ({"a": "x" * 100}, "must be at most 100 bytes as JSON"),
        ({"a": {"b": {"c": 1}}}, "must be nested at most 2 levels deep"),
        ({"a": [{"b": {"c": 1}}]}, "must be nested at most 2 levels deep"),
        ({str(i): i for i in range(6)}, "must have at most 5 keys"),
        ({"a": {"b": 1, "c": 2, "d": 3, "e": 4, "f": 5}}, "must have at most 5 keys"),
        ({"a": 2**64}, "numbers must fit in 64 bits"),
        ({"a": [-(2**63) - 1]}, "numbers must fit in 64 bits"),
    ],
)
def test_client_json_beyond_its_bounds_is_refused(value: dict[str, Any], reason: str) -> None:
    with pytest.raises(InvalidField) as caught:
        json_object(value, "metadata", **_LIMITS)
    assert (caught.value.field, caught.value.reason) == ("metadata", reason)


@pytest.mark.parametrize(
    "value", [{}, {"a": 1}, {"a": {"b": 1}}, {"a": [1, 2, 3]}, {"a": 2**64 - 1}, {"a": -(2**63)}, {"a": None}]
)
def test_client_json_within_its_bounds_is_kept(value: dict[str, Any]) -> None:
    assert json_object(value, "metadata", **_LIMITS) is value


@pytest.mark.parametrize(("value", "digits"), [("123", True), ("0", True), ("", False), ("12a", False), ("²", False),
                                                ("-1", False), ("١٢", False)])  # fmt: skip
def test_digits_are_ascii_digits_only(value: str, digits: bool) -> None:
    assert is_digits(value) is digits


def _plans() -> list[tuple[str, str, str, str]]:
    """Each numbering plan's example number: (region, international form, national form, E.164)."""
    found = []
    for region in sorted(phonenumbers.SUPPORTED_REGIONS):
        example = phonenumbers.example_number(region)
        if example is not None:
            international, national, e164 = (phonenumbers.format_number(example, f) for f in _FORMATS)
            found.append((region, international, national, e164))
    return found


_FORMATS = (PhoneNumberFormat.INTERNATIONAL, PhoneNumberFormat.NATIONAL, PhoneNumberFormat.E164)
PLANS = _plans()


@pytest.mark.parametrize(("international", "stored"), [(p[1], p[3]) for p in PLANS], ids=[p[0] for p in PLANS])
def test_a_number_of_any_countrys_plan_written_internationally_is_stored_in_e164(
    international: str, stored: str
) -> None:
    assert phone_number(international) == stored


@pytest.mark.parametrize("national", [p[2] for p in PLANS if not p[2].startswith("+")], ids=[p[0] for p in PLANS if
                                                                                          not p[2].startswith("+")])  # fmt: skip
def test_a_number_written_as_at_home_without_its_country_code_is_refused(national: str) -> None:
    with pytest.raises(InvalidField) as caught:
        phone_number(national)
    assert caught.value.reason in (
        "must be an international number with its country code",
        "is not a valid phone number",
    )
