"""Value rules shared by every surface: emails, phone numbers, bounded text and JSON-like data."""

from __future__ import annotations

import json
from typing import Any

import phonenumbers
from email_validator import EmailNotValidError, validate_email

from candidly.domain.errors import InvalidField

# Pure validation libraries (no I/O) are allowed in the domain: the rules are the domain's, the
# tables of numbering plans and address syntax are theirs.

MAX_TEXT = 1000
MAX_NAME = 200


def is_digits(value: str) -> bool:
    """True for a non-empty run of ASCII digits: ``str.isdigit`` also accepts "²", which ``int()`` refuses."""
    return value.isascii() and value.isdigit()


def email_address(value: str, field: str = "email") -> str:
    """Return the normalized address, or raise InvalidField naming ``field``."""
    try:
        result = validate_email(value, check_deliverability=False)
    except EmailNotValidError as exc:
        raise InvalidField(field, f"not a valid email address ({exc})") from exc
    return str(result.normalized)


def phone_number(value: str, field: str = "phone") -> str:
    """Return the E.164 form of a real, country-coded number, or raise InvalidField naming ``field``."""
    try:
        parsed = phonenumbers.parse(value, None)
    except phonenumbers.NumberParseException as exc:
        raise InvalidField(field, "must be an international number with its country code") from exc
    if not phonenumbers.is_valid_number(parsed):
        raise InvalidField(field, "is not a valid phone number")
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)


def text(value: str, field: str, *, max_length: int = MAX_TEXT, min_length: int = 0) -> str:
    """Return ``value`` if it is a string whose length is within bounds."""
    if not isinstance(value, str):
        raise InvalidField(field, "must not be null" if value is None else "must be a string")
    if len(value) < min_length:
        raise InvalidField(field, f"must be at least {min_length} characters")
    if len(value) > max_length:
        raise InvalidField(field, f"must be at most {max_length} characters")
    return value


def string_map(value: dict[Any, Any] | None, field: str, *, max_entries: int = 100) -> dict[str, str]:
    """Tags: up to ``max_entries`` names (MAX_NAME) with text values (MAX_TEXT); null is empty."""
    if value is None:
        return {}
    if len(value) > max_entries:
        raise InvalidField(field, f"must have at most {max_entries} entries")
    return {
        text(str(k), f"{field}.{k}", max_length=MAX_NAME): text(str(v), f"{field}.{k}", max_length=MAX_TEXT)
        for k, v in value.items()
    }


def json_object(value: dict[str, Any], field: str, *, max_bytes: int, max_depth: int, max_keys: int) -> dict[str, Any]:
    """Return ``value`` if it is small, shallow and narrow enough (counts keys at every level)."""
    if len(json.dumps(value, separators=(",", ":")).encode()) > max_bytes:
        raise InvalidField(field, f"must be at most {max_bytes} bytes as JSON")
    depth, keys = _measure(value)
    if depth > max_depth:
        raise InvalidField(field, f"must be nested at most {max_depth} levels deep")
    if keys > max_keys:
        raise InvalidField(field, f"must have at most {max_keys} keys")
    if _has_huge_integer(value):
        raise InvalidField(field, "numbers must fit in 64 bits")
    return value


def _has_huge_integer(value: Any) -> bool:
    """Whether an integer beyond 64 bits hides in a JSON value: JSON encoders and JavaScript clients refuse them."""
    if isinstance(value, dict):
        return any(_has_huge_integer(v) for v in value.values())
    if isinstance(value, list):
        return any(_has_huge_integer(v) for v in value)
    return isinstance(value, int) and not -(2**63) <= value < 2**64


def _measure(value: Any) -> tuple[int, int]:
    """Return (depth, total keys) of a JSON value; a flat object has depth 1."""
    if isinstance(value, dict):
        inner = [_measure(v) for v in value.values()]
        return 1 + max((d for d, _ in inner), default=0), len(value) + sum(k for _, k in inner)
    if isinstance(value, list):
        inner = [_measure(v) for v in value]
        return max((d for d, _ in inner), default=0), sum(k for _, k in inner)
    return 0, 0
