"""The read side of one request: typed reads scoped to a caller, over the request's one unit of work.

A ``Reader`` is bound to a principal, an organization and ONE open unit of work; every read checks the
principal's scope and hides what is missing or deleted (NotFound). A request gets one through
``Caller.read(fn)`` (a read-only transaction) or as the first argument of a command's ``answer`` (inside the
command's own transaction, after its handler), so all the reads of a request share one transaction.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal, Protocol, TypeVar

from candidly.domain.applications import Application, EffectiveStep, effective_steps
from candidly.domain.attachments import Attachment, Note
from candidly.domain.attempts import Attempt
from candidly.domain.deliveries import Delivery, DeliveryAttempt, WebhookSubscription
from candidly.domain.errors import NotFound, live
from candidly.domain.events import Event
from candidly.domain.openings import Opening
from candidly.domain.organizations import Organization
from candidly.domain.people import Candidate, User
from candidly.domain.principals import Principal, Scope
from candidly.domain.status_maps import StatusMap
from candidly.service.ports import Filters, Page, PageRequest, UnitOfWork

T = TypeVar("T")
T_co = TypeVar("T_co", covariant=True)


class _ById(Protocol[T_co]):
    def get(self, organization_id: str, ident: str) -> T_co | None: ...


class _Paged(Protocol[T]):
    def page(self, organization_id: str, filters: Filters, request: PageRequest) -> Page[T]: ...


class _Counted(Protocol):
    def count(self, organization_id: str, filters: Filters) -> int: ...


class _Owned(Protocol):
    def owner(self, ident: str) -> str | None: ...


@dataclass(frozen=True, slots=True)
class ApplicationView:
    """An application with what a surface needs to render it whole: its person, opening, attempts and files."""

    application: Application
    candidate: Candidate
    opening: Opening
    sessions: list[Attempt]
    attachments: list[Attachment]  # descriptions, without the bytes


@dataclass(frozen=True, slots=True)
class PersonalData:
    """Everything held about a person (a GDPR access request): attachment descriptions, not their bytes."""

    candidate: Candidate
    applications: list[Application]
    notes: list[Note]
    attachments: list[Attachment]
    events: list[Event]


@dataclass(frozen=True, slots=True)
class Reader:
    """Reads as ``principal`` in ``organization_id``, all in ``uow``. Deleted resources are hidden."""

    uow: UnitOfWork
    principal: Principal
    organization_id: str

    def _visible(self, scope: Scope, repo: _ById[T], kind: str, ident: str) -> T:
        self.principal.require(scope)
        return live(repo.get(self.organization_id, ident), kind, ident)

    def _page(self, scope: Scope, repo: _Paged[T], filters: Filters, request: PageRequest) -> Page[T]:
        self.principal.require(scope)
        return repo.page(self.organization_id, filters, request)

    # One resource by id (NotFound when missing or deleted).

    def candidate(self, ident: str) -> Candidate:
        return self._visible(Scope.READ_CANDIDATES, self.uow.candidates, "candidate", ident)

    def application(self, ident: str) -> Application:
        return self._visible(Scope.READ_CANDIDATES, self.uow.applications, "application", ident)

    def opening(self, ident: str) -> Opening:
        return self._visible(Scope.READ_OPENINGS, self.uow.openings, "opening", ident)

    def user(self, ident: str) -> User:
        return self._visible(Scope.READ_USERS, self.uow.users, "user", ident)

    def session(self, ident: str) -> Attempt:
        return self._visible(Scope.READ_CANDIDATES, self.uow.attempts, "session", ident)

    def webhook(self, ident: str) -> WebhookSubscription:
        return self._visible(Scope.ADMIN, self.uow.webhooks, "webhook", ident)

    def delivery(self, ident: str) -> tuple[Delivery, list[DeliveryAttempt]]:
        """A delivery with every attempt made at it."""
        self.principal.require(Scope.ADMIN)
        found = live(self.uow.deliveries.get(self.organization_id, ident), "delivery", ident)
        return found, self.uow.deliveries.attempts(self.organization_id, ident)

    def status_map(self, name: str) -> StatusMap:
        self.principal.require(Scope.READ_CANDIDATES)
        found = self.uow.status_maps.find(self.organization_id, name=name)
        if not found:
            raise NotFound("status_map", name)
        return found[0]

    # A page of one kind of resource, each read with its kind's scope.

    def candidates(self, filters: Filters, request: PageRequest) -> Page[Candidate]:
        return self._page(Scope.READ_CANDIDATES, self.uow.candidates, filters, request)

    def applications(self, filters: Filters, request: PageRequest) -> Page[Application]:
        return self._page(Scope.READ_CANDIDATES, self.uow.applications, filters, request)

    def openings(self, filters: Filters, request: PageRequest) -> Page[Opening]:
        return self._page(Scope.READ_OPENINGS, self.uow.openings, filters, request)

    def users(self, filters: Filters, request: PageRequest) -> Page[User]:
        return self._page(Scope.READ_USERS, self.uow.users, filters, request)

    def deliveries(self, filters: Filters, request: PageRequest) -> Page[Delivery]:
        return self._page(Scope.ADMIN, self.uow.deliveries, filters, request)

    # An application with all a surface renders of it (its person, opening, attempts, files), in one read.

    def application_view(self, ident: str) -> ApplicationView | None:
        """One application, deleted or not (a surface may render a deleted one as a tombstone); None if unknown."""
        self.principal.require(Scope.READ_CANDIDATES)
        application = self.uow.applications.get(self.organization_id, ident)
        if application is None:
            return None
        return views(self.uow, self.organization_id, Page(items=[application], next_cursor=None)).items[0]

    def application_views(self, filters: Filters, request: PageRequest) -> Page[ApplicationView]:
        return views(self.uow, self.organization_id, self.applications(filters, request))

    # What belongs to a resource.

    def effective_steps(self, application: Application) -> list[EffectiveStep]:
        """The steps an application sees, each with its opening's settings under its overrides."""
        return effective_steps(application, self.opening_of(application))

    def opening_of(self, application: Application) -> Opening:
        """An application's opening, deleted or not: part of the application, read with its scope."""
        self.principal.require(Scope.READ_CANDIDATES)
        opening = self.uow.openings.get(self.organization_id, application.opening_id)
        if opening is None:
            raise NotFound("opening", application.opening_id)
        return opening

    def applications_of(self, candidate_id: str) -> list[Application]:
        """A person's live applications."""
        self.principal.require(Scope.READ_CANDIDATES)
        return self.uow.applications.find(self.organization_id, candidate_id=candidate_id, deleted_at=None)

    def applications_of_all(self, candidate_ids: Sequence[str]) -> list[Application]:
        """The live applications of each of these people (a page of them), in id order."""
        self.principal.require(Scope.READ_CANDIDATES)
        return self.uow.applications.find(self.organization_id, candidate_id=list(candidate_ids), deleted_at=None)

    def attempts_of_all(self, candidate_ids: Sequence[str]) -> list[Attempt]:
        """The live attempts of each of these people, oldest first."""
        self.principal.require(Scope.READ_CANDIDATES)
        return self.uow.attempts.find(self.organization_id, candidate_id=list(candidate_ids), deleted_at=None)

    def attempts_of(self, candidate_id: str) -> list[Attempt]:
        """A person's live attempts at every step of every application, oldest first."""
        self.principal.require(Scope.READ_CANDIDATES)
        return self.uow.attempts.find(self.organization_id, candidate_id=candidate_id, deleted_at=None)

    def sessions_of(self, application_id: str) -> list[Attempt]:
        """Every attempt of a live application, oldest first."""
        self.application(application_id)
        return self.uow.attempts.find(self.organization_id, application_id=application_id)

    def events_of(self, candidate_id: str) -> list[Event]:
        """A live person's event log, in order."""
        self.candidate(candidate_id)
        return self.uow.events.for_candidate(self.organization_id, candidate_id)

    def everything_about(self, candidate_id: str) -> PersonalData:
        """All Candidly holds about a live person."""
        org = self.organization_id
        return PersonalData(
            candidate=self.candidate(candidate_id),
            applications=self.applications_of(candidate_id),
            notes=self.uow.blobs.notes(org, candidate_id),
            attachments=self.uow.blobs.attachments(org, candidate_id),
            events=self.uow.events.for_candidate(org, candidate_id),
        )

    def webhooks(self) -> list[WebhookSubscription]:
        self.principal.require(Scope.ADMIN)
        return self.uow.webhooks.find(self.organization_id, deleted_at=None)

    def status_maps(self) -> list[StatusMap]:
        self.principal.require(Scope.READ_CANDIDATES)
        return self.uow.status_maps.find(self.organization_id)

    # Sessions a page at a time, and how many of each kind match (a numbered page's total).

    def sessions(self, filters: Filters, request: PageRequest) -> Page[Attempt]:
        return self._page(Scope.READ_CANDIDATES, self.uow.attempts, filters, request)

    def count_candidates(self, filters: Filters) -> int:
        return self._count(Scope.READ_CANDIDATES, self.uow.candidates, filters)

    def count_applications(self, filters: Filters) -> int:
        return self._count(Scope.READ_CANDIDATES, self.uow.applications, filters)

    def count_openings(self, filters: Filters) -> int:
        return self._count(Scope.READ_OPENINGS, self.uow.openings, filters)

    def count_sessions(self, filters: Filters) -> int:
        return self._count(Scope.READ_CANDIDATES, self.uow.attempts, filters)

    def _count(self, scope: Scope, repo: _Counted, filters: Filters) -> int:
        self.principal.require(scope)
        return repo.count(self.organization_id, filters)

    def notes_by_candidate(self, candidate_ids: Sequence[str]) -> dict[str, list[Note]]:
        """Each candidate's notes, oldest first (a page of candidates at a time)."""
        self.principal.require(Scope.READ_CANDIDATES)
        return {cid: self.uow.blobs.notes(self.organization_id, cid) for cid in candidate_ids}

    def events_by_candidate(self, candidate_ids: Sequence[str]) -> dict[str, list[Event]]:
        """Each candidate's event log, in order (a page of candidates at a time)."""
        self.principal.require(Scope.READ_CANDIDATES)
        return {cid: self.uow.events.for_candidate(self.organization_id, cid) for cid in candidate_ids}

    def owner(self, kind: Literal["candidate", "opening", "session"], ident: str) -> str | None:
        """The organization holding a candidate, an opening or a session, whoever asks.

        Only for surfaces whose vendor answers 403, not 404, for another organization's resource (InstaView):
        it tells which organization, never what the resource holds.
        """
        repos: dict[str, _Owned] = {
            "candidate": self.uow.candidates,
            "opening": self.uow.openings,
            "session": self.uow.attempts,
        }
        return repos[kind].owner(ident)

    def organizations(self) -> list[Organization]:
        """The organizations the principal's key spans, oldest first."""
        return self.uow.organizations.many(self.principal.organization_ids)

    def opening_members(self, user_ids: list[str]) -> dict[str, User]:
        """The users openings name (a position's lead recruiter), by id: part of the opening, read with its scope."""
        self.principal.require(Scope.READ_OPENINGS)
        wanted = sorted(set(user_ids))
        if not wanted:
            return {}
        filters = Filters(equal={"id": wanted}, include_deleted=True)
        found = self.uow.users.page(self.organization_id, filters, PageRequest(limit=len(wanted)))
        return {u.id: u for u in found.items}

    def attachment(self, ident: str) -> tuple[Attachment, bytes]:
        """An attachment with its bytes."""
        self.principal.require(Scope.READ_CANDIDATES)
        found = self.uow.blobs.attachment(self.organization_id, ident)
        if found is None:
            raise NotFound("attachment", ident)
        return found


def views(uow: UnitOfWork, org: str, page: Page[Application]) -> Page[ApplicationView]:
    """Join a page of applications with their people, openings, sessions and attachments (no N+1 for the rows)."""
    applications = page.items
    if not applications:
        return Page(items=[], next_cursor=page.next_cursor, prev_cursor=page.prev_cursor)
    person_ids = sorted({a.candidate_id for a in applications})
    everyone = Filters(equal={"id": person_ids}, include_deleted=True)
    people = {p.id: p for p in uow.candidates.page(org, everyone, PageRequest(limit=len(person_ids))).items}
    openings = {oid: uow.openings.get(org, oid) for oid in {a.opening_id for a in applications}}
    attempts = Filters(equal={"application_id": [a.id for a in applications]})
    sessions = uow.attempts.page(org, attempts, PageRequest(limit=10_000)).items
    files = [f for pid in person_ids for f in uow.blobs.attachments(org, pid)]
    views = []
    for a in applications:
        opening = openings[a.opening_id]
        assert opening is not None  # an application's opening is never removed, only marked deleted
        views.append(
            ApplicationView(
                application=a,
                candidate=people[a.candidate_id],
                opening=opening,
                sessions=[s for s in sessions if s.application_id == a.id],
                attachments=[f for f in files if f.application_id == a.id],
            )
        )
    return Page(items=views, next_cursor=page.next_cursor, prev_cursor=page.prev_cursor)
