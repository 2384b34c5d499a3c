"""How a dialect derives a vendor's field names from one declaration: camelCase wire names, core field -> wire name.

A dialect's request models name their attributes in snake_case and an alias generator (``wire_name``) gives each
its camelCase name on the wire, or the model declares an explicit alias where the vendor's name is irregular. A
table of core field -> the attribute (or dotted path of attributes) that carries it then tells the translation what
to read and the errors how to name a field a core rule refused (``wire_names``, ``alias_path``, ``renamed``).
"""

from __future__ import annotations

import inspect
import re
from collections.abc import Callable, Iterator, Mapping
from functools import cache
from typing import Any, get_args

from pydantic import BaseModel
from pydantic.alias_generators import to_camel


def wire_name(attribute: str) -> str:
    """The vendor's camelCase name of a snake_case attribute: ``gdpr_expiry_date`` -> ``gdprExpiryDate``."""
    return to_camel(attribute)


def wire_names(carriers: Mapping[str, str], spelled: Callable[[str], str] = wire_name) -> dict[str, str]:
    """Core field -> the wire name of the attribute that carries it (``carriers``), where the two differ: how errors
    name a field a core rule refused. ``spelled`` is how the wire spells an attribute (by default its camelCase)."""
    return {core: name for core, attribute in carriers.items() if (name := spelled(attribute)) != core}


def _models(annotation: Any) -> Iterator[type[BaseModel]]:
    """The models an annotation holds: ``Tracking | None``, ``list[CustomizedStep]``, a discriminated union..."""
    if inspect.isclass(annotation) and issubclass(annotation, BaseModel):
        yield annotation
        return
    for argument in get_args(annotation):
        yield from _models(argument)


def alias_path(annotation: Any, path: str) -> str:
    """The wire name of a dotted path of attributes of the model(s) ``annotation`` holds: each attribute's alias,
    so an explicit alias counts as well as a generated one (``tracking.uniq_id`` -> ``tracking.uniqId``).

    An attribute no model holds is a mistake in a dialect's table: ``KeyError`` when the dialect is imported."""
    names: list[str] = []
    for attribute in path.split("."):
        field = next((m.model_fields[attribute] for m in _models(annotation) if attribute in m.model_fields), None)
        if field is None:
            raise KeyError(f"no model of {annotation!r} has an attribute {attribute!r} (in {path!r})")
        names.append(field.alias or attribute)
        annotation = field.annotation
    return ".".join(names)


def renamed(field: str, names: Mapping[str, str]) -> str:
    """A core field path as the wire spells it: the whole path if ``names`` has it, else its head renamed
    (``program_ids[0]`` -> ``programIds[0]``); a field ``names`` does not know stays as it is."""
    if field in names:
        return names[field]
    head = re.split(r"[.\[]", field, maxsplit=1)[0]
    return names.get(head, head) + field[len(head) :]


@cache
def _wire_keys(model: type[BaseModel]) -> dict[str, str]:
    return {attribute: field.alias or attribute for attribute, field in model.model_fields.items()}


def spelled(model: type[BaseModel], values: Mapping[str, Any]) -> dict[str, Any]:
    """An answer's object: ``values`` (attributes of the response model ``model``, in the order the answer shows
    them) under their names on the wire, so a renderer names a field as the model declares it, not a second time."""
    keys = _wire_keys(model)
    return {keys[attribute]: value for attribute, value in values.items()}


def with_names(values: dict[str, Any], names: Mapping[str, str]) -> dict[str, Any]:
    """``values`` with each key ``names`` renames under its new name, in the same order: an answer written with
    attribute names under the vendor's. ``values`` itself when no key is renamed (most answers; lists render many)."""
    if names.keys().isdisjoint(values.keys()):
        return values
    return {names.get(key, key): value for key, value in values.items()}
