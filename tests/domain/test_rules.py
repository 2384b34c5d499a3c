"""The field-rule machinery the entities' tables are built from."""

from __future__ import annotations

from typing import Any

import pytest

from candidly.domain.errors import InvalidField
from candidly.domain.rules import FieldRule, as_is, boolean, clean_field, one_of, text_rule

TABLE: dict[str, FieldRule[object]] = {
    "name": text_rule(5, 1, nullable=False),
    "nick": text_rule(5),
    "flag": FieldRule(boolean),
    "size": FieldRule(one_of(("s", "m"), "must be s or m"), on_null=lambda: "m"),
    "when": FieldRule(as_is),
}


@pytest.mark.parametrize(
    ("key", "value", "stored"),
    [("name", "Ada", "Ada"), ("nick", None, None), ("flag", False, False), ("size", None, "m"), ("size", "s", "s"),
     ("when", None, None), ("when", 5, 5)],
)  # fmt: skip
def test_a_rule_stores_what_it_allows_and_what_null_makes(key: str, value: Any, stored: Any) -> None:
    assert clean_field(TABLE, key, value, None, "is not a field") == stored


@pytest.mark.parametrize(
    ("key", "value", "reason"),
    [("name", None, "must not be null"), ("name", "", "must be at least 1 characters"),
     ("nick", "toolong", "must be at most 5 characters"), ("flag", None, "must be true or false"),
     ("flag", 0, "must be true or false"), ("size", "l", "must be s or m"), ("colour", "red", "is not a field")],
)  # fmt: skip
def test_a_rule_refuses_naming_the_field(key: str, value: Any, reason: str) -> None:
    with pytest.raises(InvalidField) as caught:
        clean_field(TABLE, key, value, None, "is not a field")
    assert (caught.value.field, caught.value.reason) == (key, reason)
