"""Entities for domain tests, built in memory with only what a test needs to say."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

from candidly.domain.applications import Application
from candidly.domain.openings import Opening, Program, Step
from candidly.domain.people import Candidate, User

NOW = datetime(2030, 6, 1, 12, 0, tzinfo=UTC)
TODAY: date = NOW.date()
HOUR = timedelta(hours=1)
ORG = "org-1"


def step(step_id: str, position: int = 0, **settings: Any) -> Step:
    return Step(id=step_id, organization_id=ORG, opening_id="op-1", position=position, name=step_id, **settings)


def opening(*steps: Step, programs: dict[str, list[str]] | None = None, kind: str = "task") -> Opening:
    """An opening with ``steps`` and programs named by id, each listing its step ids."""
    return Opening(
        id="op-1", organization_id=ORG, kind=kind, name="Assessment", created_at=NOW, updated_at=NOW,
        steps=list(steps),
        programs=[Program(id=p, organization_id=ORG, opening_id="op-1", name=p, step_ids=ids)
                  for p, ids in (programs or {}).items()],
    )  # fmt: skip


def application(**fields: Any) -> Application:
    return Application(
        id="app-1", organization_id=ORG, candidate_id="cand-1", opening_id="op-1", created_at=NOW, updated_at=NOW,
        **fields,
    )  # fmt: skip


def candidate(**fields: Any) -> Candidate:
    return Candidate(
        id="cand-1", organization_id=ORG, seq=1, public_ref="ref", created_at=NOW, updated_at=NOW, **fields
    )


def user(**fields: Any) -> User:
    return User(id="user-1", organization_id=ORG, username="ada", created_at=NOW, updated_at=NOW, **fields)
