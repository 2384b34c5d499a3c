"""Field rules: each entity declares a table of its fields, what null stores and how a value is checked."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from candidly.domain.errors import InvalidField
from candidly.domain.values import json_object, text

C = TypeVar("C")
# Contravariant: a rule that needs nothing (context ``object``) serves in any entity's table.
C_contra = TypeVar("C_contra", contravariant=True)
# A cleaner checks ``value`` for the field named ``field`` (the path errors name) and returns its stored form,
# or raises InvalidField. The third argument is what the entity's rules need to know besides the value
# (the opening an application is in, today's date for a candidate); rules that need nothing ignore it.
Cleaner = Callable[[Any, str, C], Any]


@dataclass(frozen=True, slots=True)
class FieldRule(Generic[C_contra]):
    """One field's rule: ``on_null`` makes what a null stores; without it, null goes to the cleaner (which may refuse it)."""

    clean: Cleaner[C_contra]
    on_null: Callable[[], Any] | None = None

    def apply(self, value: Any, field: str, context: C_contra) -> Any:
        if value is None and self.on_null is not None:
            return self.on_null()
        return self.clean(value, field, context)


FieldTable = Mapping[str, FieldRule[C]]


def clean_field(table: FieldTable[C], key: str, value: Any, context: C, unknown: str) -> Any:
    """Check one field against its entity's table; a field the table does not declare is refused with ``unknown``."""
    rule = table.get(key)
    if rule is None:
        raise InvalidField(key, unknown)
    return rule.apply(value, key, context)


def null() -> None:
    """What a nullable field stores for null."""
    return None


def as_is(value: Any, _field: str, _context: object) -> Any:
    """A value the surface already parsed into its type (a date, a timestamp): stored unchanged."""
    return value


def bounded_text(max_length: int, min_length: int = 0) -> Cleaner[object]:
    """A string of ``min_length`` to ``max_length`` characters (null is refused: "must not be null")."""
    return lambda value, field, _: text(value, field, min_length=min_length, max_length=max_length)


def _boolean(value: Any, field: str) -> bool:
    if not isinstance(value, bool):
        raise InvalidField(field, "must be true or false")
    return value


def json_within(max_bytes: int, max_depth: int, max_keys: int) -> Cleaner[object]:
    """A JSON object no bigger, deeper or wider than the bounds (keys counted at every level)."""
    return lambda value, field, _: json_object(
        value, field, max_bytes=max_bytes, max_depth=max_depth, max_keys=max_keys
    )


def one_of(choices: tuple[str, ...], reason: str) -> Cleaner[object]:
    """One of a fixed set of values."""

    def clean(value: Any, field: str) -> Any:
        if value not in choices:
            raise InvalidField(field, reason)
        return value

    return plain(clean)


def plain(clean: Callable[[Any, str], Any]) -> Cleaner[object]:
    """A cleaner that needs nothing but the value and the field's name (most value rules)."""
    return lambda value, field, _: clean(value, field)


def text_rule(max_length: int, min_length: int = 0, *, nullable: bool = True) -> FieldRule[Any]:
    """The commonest rule: bounded text, where null stores null unless the field is required."""
    return FieldRule(bounded_text(max_length, min_length), on_null=null if nullable else None)


boolean = plain(_boolean)
"""true or false, nothing else (null included)."""
