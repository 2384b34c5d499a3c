"""What every dialect's field declaration needs: the core fields it names otherwise, and a path with its head renamed."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping


def renamed(attributes: Mapping[str, str], wire_name: Callable[[str], str]) -> dict[str, str]:
    """Core field -> the vendor's name, for the core fields (of ``attributes``: core field -> a request model's
    attribute) that the vendor names otherwise: how its errors name a field a core rule refused."""
    return {core: wire_name(attribute) for core, attribute in attributes.items() if wire_name(attribute) != core}


def rename_head(field: str, names: Mapping[str, str]) -> str:
    """``field`` (``opening_id``, ``links[0].url``) with its first segment renamed by ``names`` when it has one."""
    head = re.split(r"[.\[]", field, maxsplit=1)[0]
    return names.get(head, head) + field[len(head) :]
