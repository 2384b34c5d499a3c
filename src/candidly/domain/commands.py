"""Commands: what a caller asks Candidly to change. Every write is one command in one transaction.

Each command names what its handler returns (``Command[R]``), so ``MessageBus.execute`` hands back an ``R``.
Partial updates carry ``changes``: only the keys present are changed, so "absent" and "set to null"
stay distinct, as every vendor's PATCH semantics need.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, Generic, TypedDict, TypeVar

from candidly.domain.applications import Application
from candidly.domain.attempts import Attempt
from candidly.domain.deliveries import WebhookSubscription
from candidly.domain.openings import Opening
from candidly.domain.openings import ProgramSpec as ProgramSpec  # an opening's parts, as commands name them
from candidly.domain.openings import StepSpec as StepSpec
from candidly.domain.openings import TemplateSpec as TemplateSpec
from candidly.domain.organizations import Organization
from candidly.domain.people import Candidate, ImportResult, User
from candidly.domain.principals import IssuedKey
from candidly.domain.status_maps import StatusMap

R = TypeVar("R")


class Command(Generic[R]):
    """A request to change something; ``R`` is what its handler returns (the bus's answer)."""

    __slots__ = ()


# What a partial update may carry, per entity: only the keys present change, and null clears where the field
# allows it. The handlers check every value (a surface may pass what its client sent) and name any other key.


class CandidateChanges(TypedDict, total=False):
    first_name: str | None
    last_name: str | None
    middle_name: str | None
    email: str | None
    phone: str | None
    external_id: str | None
    status: str | None
    language: str | None
    gender: str | None
    cv: str | None
    gdpr_expiry_date: date | None
    metadata: dict[str, Any] | None
    attributes: dict[str, Any] | None
    # Merged into ``attributes`` (a null value drops that key), so that each surface keeps only its own keys.
    attributes_patch: dict[str, Any]


class ApplicationChanges(TypedDict, total=False):
    group: str
    labels: list[str] | None
    tags: dict[str, str] | None
    external_id: str | None
    external_data: dict[str, Any] | None
    language: str | None
    program_ids: list[str] | None
    extra_emails: list[str] | None
    active: bool
    active_after: datetime | None
    active_before: datetime | None
    price_amount: float | None
    price_currency: str | None
    favorite: bool
    rating: int | None
    stage: str | None
    status: str | None
    credential1: str | None
    credential2: str | None
    logged_in: bool
    source: str
    callback: dict[str, Any] | None
    attributes: dict[str, Any] | None
    # step id -> the settings it overrides (active, active_after, active_before, attempt_limit)
    step_overrides: dict[str, dict[str, Any]] | None
    salary_expectations: str | None
    # Edits rather than values: labels added or removed, attributes merged (a null value drops that key).
    labels_add: list[str]
    labels_remove: list[str]
    attributes_patch: dict[str, Any]
    # Set by the handler for a user's own application, never by a surface.
    kind: str
    uniq_id: str


class OpeningChanges(TypedDict, total=False):
    name: str
    external_id: str | None
    language: str
    default_group: str
    settings: dict[str, Any] | None
    status: str | None
    department: str | None
    location: dict[str, str | None] | None
    experience_level: str | None
    employment_type: str | None
    details: list[dict[str, str]] | None
    lead_recruiter_id: str | None
    email_templates: Sequence[TemplateSpec] | None
    # step id -> the step's settings to change (name, type, active, active_after, active_before, ...)
    steps: dict[str, dict[str, Any]] | None


class UserChanges(TypedDict, total=False):
    username: str
    fullname: str | None
    email: str | None
    tags: dict[str, str]


@dataclass(frozen=True, slots=True)
class CreateOrganization(Command[tuple[Organization, IssuedKey]]):
    name: str


@dataclass(frozen=True, slots=True)
class CreateOrganizationForKey(Command[Organization]):
    """A key the operator allowed to create organizations makes one, and spans it from then on (an ATS company)."""

    name: str
    description: str | None = None
    metadata: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class CreateApiKey(Command[IssuedKey]):
    name: str
    scopes: tuple[str, ...]
    organization_ids: tuple[str, ...] = ()
    can_create_organizations: bool = False


@dataclass(frozen=True, slots=True)
class RevokeApiKey(Command[None]):
    key_id: str


@dataclass(frozen=True, slots=True)
class CreateOpening(Command[Opening]):
    kind: str
    name: str
    external_id: str | None = None
    language: str = "en"
    default_group: str = "default"
    settings: dict[str, Any] = field(default_factory=dict)
    steps: tuple[StepSpec, ...] = ()
    programs: tuple[ProgramSpec, ...] = ()
    email_templates: tuple[TemplateSpec, ...] = ()
    # ``status`` and the position fields (department, location, ...), each checked as UpdateOpening checks it.
    fields: OpeningChanges = field(default_factory=lambda: OpeningChanges())


@dataclass(frozen=True, slots=True)
class UpdateOpening(Command[Opening]):
    opening_id: str
    changes: OpeningChanges
    if_version: int | None = None


@dataclass(frozen=True, slots=True)
class DeleteOpening(Command[None]):
    opening_id: str
    if_version: int | None = None


@dataclass(frozen=True, slots=True)
class CreateUser(Command[User]):
    username: str
    fullname: str | None = None
    email: str | None = None
    tags: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class UpdateUser(Command[User]):
    user_id: str
    changes: UserChanges
    if_version: int | None = None


@dataclass(frozen=True, slots=True)
class DeleteUser(Command[None]):
    user_id: str
    if_version: int | None = None


@dataclass(frozen=True, slots=True)
class AttachmentSpec:
    """A file to store with a candidate in the same transaction (a resume, an offer letter)."""

    kind: str
    name: str
    content_type: str
    content: bytes


@dataclass(frozen=True, slots=True)
class CreateCandidate(Command[Candidate]):
    """Create a person. ``fields`` holds Candidate attributes (first_name, email, metadata, ...)."""

    fields: CandidateChanges
    opening_ids: tuple[str, ...] = ()
    attachments: tuple[AttachmentSpec, ...] = ()
    notes: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class UpdateCandidate(Command[Candidate]):
    candidate_id: str
    changes: CandidateChanges
    if_version: int | None = None
    opening_ids: tuple[str, ...] | None = None
    attachments: tuple[AttachmentSpec, ...] = ()
    notes: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class DeleteCandidate(Command[None]):
    candidate_id: str
    if_version: int | None = None


@dataclass(frozen=True, slots=True)
class SetSubscription(Command[Candidate]):
    """A candidate stops (``unsubscribed``) or resumes receiving messages; the outbox honours the flag."""

    candidate_id: str
    unsubscribed: bool


@dataclass(frozen=True, slots=True)
class MessageCandidate(Command[None]):
    """Send a candidate a free-text message: recorded in the event log, emailed by the outbox when it can be."""

    candidate_id: str
    message: str
    subject: str | None = None


@dataclass(frozen=True, slots=True)
class EraseCandidate(Command[Candidate]):
    """GDPR erasure: blank personal data and attachments, keep a tombstone."""

    candidate_id: str
    reason: str = "request"


class Invitation(TypedDict):
    """An invitation email to send with a new application: the opening's template, now or at ``send_at``."""

    template_name: str
    send_at: datetime | None


@dataclass(frozen=True, slots=True)
class CreateApplication(Command[Application]):
    """Put a candidate into an opening.

    The candidate is ``candidate_id`` (an existing person), ``user_id`` (an internal candidate made
    from a user), or a new person from ``candidate`` (Candidate attributes).
    ``fields`` holds Application attributes; ``step_overrides`` maps step id -> override.
    ``attachments`` and ``notes`` are stored with the person and this application.
    """

    opening_id: str
    candidate_id: str | None = None
    user_id: str | None = None
    candidate: CandidateChanges = field(default_factory=lambda: CandidateChanges())
    fields: ApplicationChanges = field(default_factory=lambda: ApplicationChanges())
    uniq_scope: str | None = None
    invite: Invitation | None = None
    reuse_person_by_email: bool = False
    attachments: tuple[AttachmentSpec, ...] = ()
    notes: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class UpdateApplication(Command[Application]):
    """Change an application; ``candidate_changes`` change its person in the same transaction."""

    application_id: str
    changes: ApplicationChanges = field(default_factory=lambda: ApplicationChanges())
    candidate_changes: CandidateChanges = field(default_factory=lambda: CandidateChanges())
    step_changes: dict[str, dict[str, Any]] = field(default_factory=dict)
    if_version: int | None = None
    opening_id: str | None = None
    attachments: tuple[AttachmentSpec, ...] = ()
    notes: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class DeleteApplication(Command[None]):
    application_id: str
    if_version: int | None = None
    opening_id: str | None = None
    only_if_untouched: bool = False


@dataclass(frozen=True, slots=True)
class GdprSweep(Command[int]):
    """Erase every candidate whose GDPR expiry date is before ``today``."""

    today: date


@dataclass(frozen=True, slots=True)
class StartAttempt(Command[Attempt]):
    """Begin an application's next attempt at a step."""

    application_id: str
    step_id: str
    settings: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class DeleteAttempt(Command[None]):
    """Withdraw an attempt (an InstaView interview): hidden from then on, still counted against the attempt limit."""

    session_id: str


@dataclass(frozen=True, slots=True)
class CompleteAttempt(Command[Attempt]):
    """End a started session with its result (a scoreboard, and optionally sections, dimensions, effects)."""

    session_id: str
    result: dict[str, Any]


@dataclass(frozen=True, slots=True)
class ImportCandidates(Command[ImportResult]):
    """Create many people at once (bulk import); each row is validated on its own.

    ``rows`` maps each row's number in the source to its Candidate attributes. Rows that fail
    validation are reported back and skipped; the valid ones commit together.
    """

    rows: tuple[tuple[int, CandidateChanges], ...]
    opening_id: str | None = None


@dataclass(frozen=True, slots=True)
class CreateWebhook(Command[WebhookSubscription]):
    """Subscribe ``url`` to event types; deliveries are signed with a secret made for it."""

    url: str
    events: tuple[str, ...]
    description: str | None = None


@dataclass(frozen=True, slots=True)
class DeleteWebhook(Command[None]):
    webhook_id: str


@dataclass(frozen=True, slots=True)
class RetryDelivery(Command[None]):
    """Send a pending or dead-lettered delivery again now, with a fresh round of attempts."""

    delivery_id: str


@dataclass(frozen=True, slots=True)
class SetStatusMap(Command[StatusMap]):
    """Create or replace the organization's status map called ``name``: external status id -> journey status."""

    name: str
    entries: dict[str, str]


@dataclass(frozen=True, slots=True)
class RecordLogin(Command[Application]):
    """A candidate came in through the access page (``method``: invitation_code or credentials).

    Marks the application logged in, once: a later login changes nothing. TestInvite refuses to
    delete a candidate who has logged in.
    """

    application_id: str
    method: str
