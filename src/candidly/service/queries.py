"""Read side: fetch and list what a principal may see, without changing anything."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

from candidly.domain.applications import Application, EffectiveStep, effective_steps
from candidly.domain.attachments import Attachment, Note
from candidly.domain.attempts import Attempt
from candidly.domain.deliveries import Delivery, DeliveryAttempt, WebhookSubscription
from candidly.domain.errors import InvalidField, NotFound
from candidly.domain.events import Event
from candidly.domain.logins import second_credential_matches
from candidly.domain.openings import Opening
from candidly.domain.organizations import Organization
from candidly.domain.people import Candidate, User
from candidly.domain.principals import Principal, Scope
from candidly.domain.status_maps import StatusMap
from candidly.domain.values import is_digits
from candidly.service.ports import Database, Filters, Page, PageRequest, UnitOfWork
from candidly.service.reader import ApplicationView as ApplicationView  # re-exported for the unported dialects
from candidly.service.reader import PersonalData, Reader

T = TypeVar("T")


class Queries:
    """Every read a surface makes. Deleted resources are hidden unless a query says otherwise."""

    def __init__(self, database: Database) -> None:
        self.database = database

    def read(self, fn: Callable[[UnitOfWork], T]) -> T:
        """Run ``fn`` in a read-only unit of work (for reads that combine several lookups)."""
        with self.database.unit_of_work(write=False) as uow:
            return fn(uow)

    def _visible(
        self, principal: Principal, scope: Scope, fetch: Callable[[UnitOfWork], T | None], kind: str, ident: str
    ) -> T:
        """The entity ``fetch`` finds, unless it is missing or deleted (then NotFound)."""
        principal.require(scope)
        entity = self.read(fetch)
        if entity is None or getattr(entity, "deleted_at", None) is not None:
            raise NotFound(kind, ident)
        return entity

    def candidate(self, principal: Principal, org: str, ident: str) -> Candidate:
        return self._visible(
            principal, Scope.READ_CANDIDATES, lambda u: u.candidates.get(org, ident), "candidate", ident
        )

    def candidate_by_reference(self, principal: Principal, org: str, ref: str) -> Candidate:
        """A live candidate named by its sequence number (all digits), its public reference or its external id.

        The three are tried in that order; an external id that several live candidates share is ambiguous.
        """

        def fetch(uow: UnitOfWork) -> Candidate | None:
            tries: list[dict[str, Any]] = [{"public_ref": ref}, {"external_id": ref}]
            if is_digits(ref) and len(ref) < 19:
                tries.insert(0, {"seq": int(ref)})
            for equal in tries:
                found = [p for p in uow.candidates.find(org, **equal) if p.deleted_at is None]
                if len(found) > 1:
                    raise InvalidField("id", f"{ref} names {len(found)} candidates")
                if found:
                    return found[0]
            return None

        return self._visible(principal, Scope.READ_CANDIDATES, fetch, "candidate", ref)

    def status_map(self, principal: Principal, org: str, name: str) -> StatusMap | None:
        principal.require(Scope.READ_CANDIDATES)
        found = self.read(lambda u: u.status_maps.find(org, name=name))
        return found[0] if found else None

    def status_maps(self, principal: Principal, org: str) -> list[StatusMap]:
        principal.require(Scope.READ_CANDIDATES)
        return self.read(lambda u: u.status_maps.find(org))

    def application(self, principal: Principal, org: str, ident: str) -> Application:
        return self._visible(
            principal, Scope.READ_CANDIDATES, lambda u: u.applications.get(org, ident), "application", ident
        )

    def opening(self, principal: Principal, org: str, ident: str) -> Opening:
        return self._visible(principal, Scope.READ_OPENINGS, lambda u: u.openings.get(org, ident), "opening", ident)

    def opening_members(self, principal: Principal, org: str, user_ids: list[str]) -> dict[str, User]:
        """The users openings name (a position's lead recruiter), by id: part of the opening, read with its scope."""
        principal.require(Scope.READ_OPENINGS)
        wanted = sorted(set(user_ids))
        if not wanted:
            return {}
        filters = Filters(equal={"id": wanted}, include_deleted=True)
        found = self.read(lambda uow: uow.users.page(org, filters, PageRequest(limit=len(wanted))))
        return {u.id: u for u in found.items}

    def user(self, principal: Principal, org: str, ident: str) -> User:
        return self._visible(principal, Scope.READ_USERS, lambda u: u.users.get(org, ident), "user", ident)

    def owner(self, kind: str, ident: str) -> str | None:
        """The organization that holds a candidate or an opening, whoever asks.

        Only for surfaces whose vendor answers 403, not 404, for another organization's resource
        (InstaView); it tells which organization, never what the resource holds.
        """
        repo = {"candidate": "candidates", "opening": "openings", "session": "attempts"}[kind]
        found: str | None = self.read(lambda uow: getattr(uow, repo).owner(ident))
        return found

    def page(
        self,
        principal: Principal,
        scope: Scope,
        repo: str,
        org: str,
        filters: Filters,
        request: PageRequest,
    ) -> Page[Any]:
        """One page of ``repo`` (candidates, applications, openings, users)."""
        principal.require(scope)
        return self.read(lambda uow: getattr(uow, repo).page(org, filters, request))

    def count(self, principal: Principal, scope: Scope, repo: str, org: str, filters: Filters) -> int:
        principal.require(scope)
        return int(self.read(lambda uow: getattr(uow, repo).count(org, filters)))

    def effective_steps(self, principal: Principal, org: str, application: Application) -> list[EffectiveStep]:
        """The steps an application sees, each with the opening's settings under its overrides."""
        opening = self.opening_of(principal, org, application)
        return effective_steps(application, opening)

    def opening_of(self, principal: Principal, org: str, application: Application) -> Opening:
        principal.require(Scope.READ_CANDIDATES)
        opening = self.read(lambda uow: uow.openings.get(org, application.opening_id))
        if opening is None:
            raise NotFound("opening", application.opening_id)
        return opening

    def applications_by_candidate(
        self, principal: Principal, org: str, candidate_ids: list[str]
    ) -> dict[str, list[Application]]:
        """Live applications of many people in one query (for rendering a page without N+1 reads)."""
        principal.require(Scope.READ_CANDIDATES)
        if not candidate_ids:
            return {}
        filters = Filters(equal={"candidate_id": list(candidate_ids)})
        found = self.read(lambda uow: uow.applications.page(org, filters, PageRequest(limit=len(candidate_ids) * 50)))
        grouped: dict[str, list[Application]] = {cid: [] for cid in candidate_ids}
        for application in found.items:
            grouped[application.candidate_id].append(application)
        return grouped

    def everything_about(self, principal: Principal, org: str, candidate_id: str) -> PersonalData:
        """All Candidly holds about a person (GDPR access request)."""
        person, applications = self.candidate_with_applications(principal, org, candidate_id)

        def fetch(uow: UnitOfWork) -> tuple[list[Note], list[Attachment], list[Event]]:
            return (
                uow.blobs.notes(org, candidate_id),
                uow.blobs.attachments(org, candidate_id),
                uow.events.for_candidate(org, candidate_id),
            )

        notes, attachments, events = self.read(fetch)
        return PersonalData(person, applications, notes, attachments, events)

    def candidate_with_applications(
        self, principal: Principal, org: str, ident: str
    ) -> tuple[Candidate, list[Application]]:
        """A person and their live applications, read in one unit of work."""
        principal.require(Scope.READ_CANDIDATES)

        def fetch(uow: UnitOfWork) -> tuple[Candidate | None, list[Application]]:
            person = uow.candidates.get(org, ident)
            if person is None or person.deleted_at is not None:
                return None, []
            return person, uow.applications.find(org, candidate_id=ident, deleted_at=None)

        person, applications = self.read(fetch)
        if person is None:
            raise NotFound("candidate", ident)
        return person, applications

    def applications_of(self, principal: Principal, org: str, candidate_id: str) -> list[Application]:
        principal.require(Scope.READ_CANDIDATES)
        return self.read(lambda uow: uow.applications.find(org, candidate_id=candidate_id, deleted_at=None))

    def notes_of(self, principal: Principal, org: str, candidate_ids: Sequence[str]) -> dict[str, list[Note]]:
        """Each candidate's notes, oldest first, read in one unit of work (a page of candidates at a time)."""
        principal.require(Scope.READ_CANDIDATES)
        return self.read(lambda uow: {cid: uow.blobs.notes(org, cid) for cid in candidate_ids})

    def events_of_many(self, principal: Principal, org: str, candidate_ids: Sequence[str]) -> dict[str, list[Event]]:
        """Each candidate's event log, in order, read in one unit of work."""
        principal.require(Scope.READ_CANDIDATES)
        return self.read(lambda uow: {cid: uow.events.for_candidate(org, cid) for cid in candidate_ids})

    def events_of(self, principal: Principal, org: str, candidate_id: str) -> list[Event]:
        principal.require(Scope.READ_CANDIDATES)
        return self.read(lambda uow: uow.events.for_candidate(org, candidate_id))

    def session(self, principal: Principal, org: str, ident: str) -> Attempt:
        return self._visible(principal, Scope.READ_CANDIDATES, lambda u: u.attempts.get(org, ident), "session", ident)

    def attempts_by_candidate(
        self, principal: Principal, org: str, candidate_ids: list[str]
    ) -> dict[str, list[Attempt]]:
        """Live sessions of many people in one query, oldest first (for rendering a page without N+1 reads)."""
        principal.require(Scope.READ_CANDIDATES)
        grouped: dict[str, list[Attempt]] = {cid: [] for cid in candidate_ids}
        if not candidate_ids:
            return grouped
        filters = Filters(equal={"candidate_id": list(candidate_ids)})
        found = self.read(lambda uow: uow.attempts.page(org, filters, PageRequest(limit=10_000)))
        for session in found.items:
            grouped[session.candidate_id].append(session)
        return grouped

    def organizations(self, principal: Principal) -> list[Organization]:
        """The organizations a key spans, oldest first."""
        return self.read(lambda uow: uow.organizations.many(principal.organization_ids))

    def sessions_of(self, principal: Principal, org: str, application_id: str) -> list[Attempt]:
        """Every attempt of an application, oldest first."""
        principal.require(Scope.READ_CANDIDATES)
        return self.read(lambda uow: uow.attempts.find(org, application_id=application_id))

    # The access page's door. A candidate is known by what they hold (an invitation code, credentials),
    # not by an API key, so these reads find the organization instead of being told it.

    def application_by_invitation_code(self, code: str) -> Application | None:
        """The live application holding ``code``, in whichever organization: the code is the candidate's credential."""
        return self.read(lambda uow: uow.applications.by_invitation_code(code))

    def opening_for_access(self, opening_id: str) -> Opening | None:
        """A live opening by id, in whichever organization holds it (for its credentials sign-in page)."""

        def fetch(uow: UnitOfWork) -> Opening | None:
            org = uow.openings.owner(opening_id)
            return None if org is None else uow.openings.get(org, opening_id)

        return self.read(fetch)

    def application_by_credentials(
        self, opening: Opening, credential1: str, credential2: str | None
    ) -> Application | None:
        """The one live application of ``opening`` these credentials open; None when none or several do."""
        found = self.read(
            lambda uow: uow.applications.find(
                opening.organization_id, opening_id=opening.id, credential1=credential1, deleted_at=None
            )
        )
        matching = [a for a in found if second_credential_matches(a, opening, credential2)]
        return matching[0] if len(matching) == 1 else None

    def application_progress(
        self, principal: Principal, org: str, application_id: str
    ) -> tuple[Application, Opening, dict[str, int]]:
        """A live application, its opening, and the attempts it has used at each step, read together."""
        principal.require(Scope.READ_CANDIDATES)

        def fetch(uow: UnitOfWork) -> tuple[Application, Opening, dict[str, int]] | None:
            application = uow.applications.get(org, application_id)
            if application is None or application.deleted_at is not None:
                return None
            opening = uow.openings.get(org, application.opening_id)
            if opening is None:
                return None
            used = Counter(s.step_id for s in uow.attempts.find(org, application_id=application_id))
            return application, opening, dict(used)

        found = self.read(fetch)
        if found is None:
            raise NotFound("application", application_id)
        return found

    def webhooks(self, principal: Principal, org: str) -> list[WebhookSubscription]:
        principal.require(Scope.ADMIN)
        return self.read(lambda uow: uow.webhooks.find(org, deleted_at=None))

    def webhook(self, principal: Principal, org: str, ident: str) -> WebhookSubscription:
        return self._visible(principal, Scope.ADMIN, lambda u: u.webhooks.get(org, ident), "webhook", ident)

    def delivery(self, principal: Principal, org: str, ident: str) -> tuple[Delivery, list[DeliveryAttempt]]:
        """A delivery with every attempt made at it."""
        principal.require(Scope.ADMIN)
        found = self.read(lambda u: (u.deliveries.get(org, ident), u.deliveries.attempts(org, ident)))
        if found[0] is None:
            raise NotFound("delivery", ident)
        return found[0], found[1]

    def sessions_page(
        self, principal: Principal, org: str, filters: Filters, request: PageRequest
    ) -> tuple[Page[Attempt], int, dict[str, Application]]:
        """A page of sessions, the total matching, and the applications the page's sessions belong to."""
        principal.require(Scope.READ_CANDIDATES)

        def fetch(uow: UnitOfWork) -> tuple[Page[Attempt], int, dict[str, Application]]:
            page = uow.attempts.page(org, filters, request)
            ids = sorted({s.application_id for s in page.items})
            wanted = Filters(equal={"id": ids}, include_deleted=True)
            applications = uow.applications.page(org, wanted, PageRequest(limit=len(ids))).items if ids else []
            return page, uow.attempts.count(org, filters), {a.id: a for a in applications}

        return self.read(fetch)

    def application_views(
        self, principal: Principal, org: str, filters: Filters, request: PageRequest
    ) -> Page[ApplicationView]:
        """A page of applications, each with its person, opening, sessions and attachments, in one read."""
        return self.read(lambda uow: Reader(uow, principal, org).application_views(filters, request))

    def application_view(self, principal: Principal, org: str, ident: str) -> ApplicationView | None:
        """One application, deleted or not (a surface may render a deleted one as a tombstone); None if unknown."""
        return self.read(lambda uow: Reader(uow, principal, org).application_view(ident))

    def attachment(self, principal: Principal, org: str, ident: str) -> tuple[Attachment, bytes]:
        """An attachment with its bytes."""
        principal.require(Scope.READ_CANDIDATES)
        found = self.read(lambda uow: uow.blobs.attachment(org, ident))
        if found is None:
            raise NotFound("attachment", ident)
        return found
