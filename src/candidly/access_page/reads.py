"""The page's reads: who a code or credentials let in (across organizations, before anyone is signed in), and a
signed-in candidate's progress (scoped to them, through a ``Reader``). Each is read in one unit of work."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from candidly.domain.applications import Application
from candidly.domain.logins import second_credential_matches
from candidly.domain.openings import Opening
from candidly.service.ports import UnitOfWork
from candidly.service.reader import Reader


@dataclass(frozen=True, slots=True)
class Entry:
    """A candidate at the door: their live application with its opening, read together."""

    application: Application
    opening: Opening


@dataclass(frozen=True, slots=True)
class Progress(Entry):
    """A signed-in candidate's application and opening, with the attempts used at each step."""

    used: dict[str, int]


def entry_by_code(uow: UnitOfWork, code: str) -> Entry | None:
    """The live application holding ``code``, in whichever organization: the code is the candidate's credential."""
    application = uow.applications.by_invitation_code(code)
    return None if application is None else _entry(uow, application)


def opening_for_access(uow: UnitOfWork, opening_id: str) -> Opening | None:
    """An opening by id, in whichever organization holds it (for its credentials sign-in page)."""
    org = uow.openings.owner(opening_id)
    return None if org is None else uow.openings.get(org, opening_id)


def entry_by_credentials(uow: UnitOfWork, opening: Opening, credential1: str, credential2: str | None) -> Entry | None:
    """The one live application of ``opening`` these credentials open; None when none or several do."""
    found = uow.applications.find(
        opening.organization_id, opening_id=opening.id, credential1=credential1, deleted_at=None
    )
    matching = [a for a in found if second_credential_matches(a, opening, credential2)]
    return _entry(uow, matching[0]) if len(matching) == 1 else None


def _entry(uow: UnitOfWork, application: Application) -> Entry | None:
    opening = uow.openings.get(application.organization_id, application.opening_id)
    return None if opening is None else Entry(application, opening)


def progress(r: Reader, application_id: str) -> Progress:
    """The signed-in candidate's progress (NotFound once their application is deleted)."""
    application = r.application(application_id)
    used = Counter(s.step_id for s in r.sessions_of(application.id))
    return Progress(application, r.opening_of(application), dict(used))
