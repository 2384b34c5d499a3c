"""A user's field rules (``User.apply``, ``clean_user``): a username is required, the rest may be cleared."""

from __future__ import annotations

from typing import Any

import pytest

from candidly.domain.errors import InvalidField
from candidly.domain.people import clean_user
from tests.domain.build import user

VALID = [
    ("username", "ada", "ada"),
    ("username", "x" * 200, "x" * 200),
    ("fullname", "Ada Lovelace", "Ada Lovelace"),
    ("fullname", "", ""),
    ("fullname", None, None),
    ("email", "Ada@Example.com", "Ada@example.com"),
    ("email", None, None),
    ("tags", {"team": "core"}, {"team": "core"}),
    ("tags", None, {}),
]


@pytest.mark.parametrize(("key", "value", "stored"), VALID)
def test_a_valid_value_is_stored(key: str, value: Any, stored: Any) -> None:
    member = user(fullname="Someone", email="s@example.com", tags={"a": "b"})
    member.apply({key: value})
    assert getattr(member, key) == stored


INVALID = [
    ("username", "", "username", "must be at least 1 characters"),
    ("username", None, "username", "must not be null"),
    ("username", "x" * 201, "username", "must be at most 200 characters"),
    ("fullname", "x" * 201, "fullname", "must be at most 200 characters"),
    ("email", "ada", "email", None),
    ("tags", {f"k{i}": "v" for i in range(101)}, "tags", "must have at most 100 entries"),
    ("id", "user-2", "id", "is not a user field"),
    ("organization_id", "org-2", "organization_id", "is not a user field"),
]


@pytest.mark.parametrize(("key", "value", "field", "reason"), INVALID)
def test_an_invalid_value_is_refused_naming_the_field(key: str, value: Any, field: str, reason: str | None) -> None:
    with pytest.raises(InvalidField) as caught:
        clean_user({key: value})
    assert caught.value.field == field
    assert reason is None or caught.value.reason == reason


def test_a_refused_change_leaves_the_user_as_it_was() -> None:
    member = user(fullname="Ada")
    with pytest.raises(InvalidField):
        member.apply({"fullname": "Ada Lovelace", "email": "not an address"})
    assert (member.fullname, member.email) == ("Ada", None)


def test_a_new_users_fields_are_checked_together() -> None:
    fields = clean_user({"username": "ada", "fullname": None, "email": "ada@example.com", "tags": None})
    assert fields == {"username": "ada", "fullname": None, "email": "ada@example.com", "tags": {}}
