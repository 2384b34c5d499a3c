"""Organizations: the tenants everything else belongs to."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any


@dataclass(slots=True)
class Organization:
    """A tenant: everything else belongs to exactly one."""

    id: str
    name: str
    created_at: datetime
    candidate_seq: int = 0
    description: str | None = None
    metadata: dict[str, Any] = field(default_factory=dict)
    created_by_key_id: str | None = None  # the key that made it (an InstaView ATS key's company)
