"""Comeet wire models: the candidate body of create and update (seed 003, Comeet's create page) and the answers."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from candidly.dialects.comeet.fields import answer_name, wire_name

PROSPECT_STATUSES = ("Sourced", "Contacted", "Responded", "Interested", "Not interested", "Do not contact")
STATUSES = ("In progress", "On hold", "Awaiting Decision", "Rejected", "Withdrawn", "Hired")
ProspectStatus = Literal["Sourced", "Contacted", "Responded", "Interested", "Not interested", "Do not contact"]
UpdaterType = Literal["user", "source_contact", "other", "app"]
# Comeet's source types (the Hires model's list: docs/vendors/comeet.md, decision 12).
SourceType = Literal[
    "Agency",
    "Campus",
    "Comeet Elastic Recruiting",
    "Internal",
    "Job Board",
    "Job fairs",
    "Other",
    "Referrer: Compensated",
    "Referrer: Uncompensated",
    "Social network",
    "Sourcing",
    "Web",
]
TEXT_MAX = 255  # docs/vendors/comeet.md, decision 10
NOTE_MAX = 10_000
NOTE_POST_MAX = 30_000  # a posted note (comeet-core cuts its notes at 30 000 characters)
FILE_B64_MAX = 8_400_000  # 6 MB of content, base64-encoded, plus slack; the decoded size is checked exactly


def _s(limit: int = TEXT_MAX) -> Any:
    return Field(default=None, max_length=limit)


class Strict(BaseModel):
    """A request body: unknown fields refused; each attribute's name on the wire is derived from it (fields.py)."""

    model_config = ConfigDict(extra="forbid", alias_generator=wire_name)


class Answer(BaseModel):
    """An answer's shape, for the OpenAPI document: each attribute's name in an answer is derived from it."""

    model_config = ConfigDict(alias_generator=answer_name)


class UpdatedBy(Strict):
    """Who made the change, recorded in the event log as its actor."""

    type: UpdaterType
    name: str = Field(min_length=1, max_length=TEXT_MAX)
    email: str | None = _s()


class FileIn(Strict):
    """An inline file: its name and its bytes in base64."""

    name: str | None = _s()
    file: str = Field(max_length=FILE_B64_MAX)


class LinkIn(Strict):
    name: str | None = _s()
    url: str = Field(max_length=2048)


class SourceContactIn(Strict):
    """The person who brought the candidate (a headhunter); ``full_name`` and ``email`` are required."""

    full_name: str = Field(min_length=1, max_length=TEXT_MAX)
    email: str = Field(max_length=TEXT_MAX)
    phone: str | None = _s()


class AddressIn(Strict):
    """A postal address; ``country`` is an ISO 3166 alpha-2 code (docs/vendors/comeet.md, decision 11)."""

    country: str | None = _s(2)
    state: str | None = _s()
    city: str | None = _s()
    street: str | None = _s()
    postal_code: str | None = _s(20)


CustomKey = Annotated[str, StringConstraints(min_length=1, max_length=TEXT_MAX)]
CustomValue = Annotated[str, StringConstraints(max_length=1000)] | int | float | bool | None


class CandidateFields(Strict):
    """The fields create and update share (the seed's table)."""

    partner_candidate_id: str | None = _s()
    first_name: str | None = _s()
    middle_name: str | None = _s()
    last_name: str | None = _s()
    email: str | None = _s()
    phone: str | None = _s(40)
    mobile_phone: str | None = _s(40)
    national_id: str | None = _s(40)
    linkedin_url: str | None = _s(2048)
    salary_expectations: str | None = _s()
    prospect_status: ProspectStatus | None = None
    resume: FileIn | None = None
    picture: FileIn | None = None
    links: list[LinkIn] | None = Field(default=None, max_length=20)
    files: list[FileIn] | None = Field(default=None, max_length=10)
    source_contact: SourceContactIn | None = None
    address: AddressIn | None = None
    custom_fields: dict[CustomKey, CustomValue] | None = Field(default=None, max_length=100)
    note: str | None = _s(NOTE_MAX)


class SourceIn(Strict):
    """Where the candidate came from: a source's name (a referrer, a job board) and its type."""

    uid: str | None = _s(64)
    name: str = Field(min_length=1, max_length=TEXT_MAX)
    type: SourceType


class TagIn(Strict):
    name: str = Field(min_length=1, max_length=200)


Tag = Annotated[str, StringConstraints(min_length=1, max_length=200)] | TagIn


class CandidateCreate(CandidateFields):
    """``POST /candidates``: a new hiring process of a person in a position.

    ``partner_candidate_id`` is optional, as the newer create page has it; when given, it is the duplicate check's
    key (409 while the same id is in progress in the same position: docs/vendors/comeet.md, decision 6).
    """

    position_uid: str = Field(max_length=64)
    first_name: str = Field(min_length=1, max_length=TEXT_MAX)
    last_name: str = Field(min_length=1, max_length=TEXT_MAX)
    source: SourceIn | None = None
    tags: list[Tag] | None = Field(default=None, max_length=100)


class CandidateUpdate(CandidateFields):
    """``PATCH /candidates/{uid}``: only the properties that change, and who changed them."""

    updated_by: UpdatedBy | None = None


class NoteAuthor(Strict):
    """Who wrote a note; recorded as the actor of the change."""

    type: UpdaterType = "user"
    first_name: str | None = _s()
    last_name: str | None = _s()
    email: str | None = _s()


class NoteIn(Strict):
    """``POST /candidates/{uid}/notes``: text with Comeet's <b>, <i> and <u>, and who wrote it."""

    text: str = Field(min_length=1, max_length=NOTE_POST_MAX)
    created_by: NoteAuthor | None = None
    time_created: str | None = _s(40)  # the client's clock; the note is dated by Candidly's


class NoteOut(Answer):
    text: str
    time_created: str
    created_by: dict[str, str | None]


class StepOut(Answer):
    position_step_uid: str
    name: str
    type: str | None
    time_scheduled: str | None
    time_completed: str | None = None


class SourceOut(Answer):
    uid: str | None
    name: str
    type: str


class LocationOut(Answer):
    name: str | None = None
    city: str | None = None
    state: str | None = None
    country: str | None = None


class UserOut(Answer):
    uid: str
    first_name: str | None
    last_name: str | None
    email: str | None


class PositionUsers(Answer):
    lead_recruiter: UserOut | None


class DetailOut(Answer):
    name: str
    value: str


class PositionOut(Answer):
    """A position (an opening of kind position)."""

    uid: str
    name: str
    status: str
    department: str | None
    location: LocationOut | None
    experience_level: str | None
    employment_type: str | None
    details: list[DetailOut]
    users: PositionUsers
    time_created: str
    time_updated: str


class PositionsOut(Answer):
    positions: list[PositionOut]
    next_page: str | None


class FileOut(Answer):
    name: str
    url: str


class CandidateOut(Answer):
    """The candidate object (docs/vendors/comeet.md, decision 13): one hiring process of a person in a position."""

    model_config = ConfigDict(extra="allow", alias_generator=answer_name)

    uid: str
    person_uid: str | None = None
    position_uid: str | None = None
    deleted: bool = False
    first_name: str | None = None
    last_name: str | None = None
    email: str | None = None
    status: str | None = None
    prospect_status: str | None = None
    time_created: str | None = None
    time_last_status_changed: str | None = None
    current_steps: list[StepOut] = []
    completed_steps: list[StepOut] = []
    future_steps: list[StepOut] = []
    resume: FileOut | None = None
    source: SourceOut | None = None
    tags: list[TagIn] = []


class CandidatesOut(Answer):
    """A page of candidates; ``next_page`` is the full URL of the next page, null on the last."""

    candidates: list[CandidateOut]
    next_page: str | None


class FilesOut(Answer):
    files: list[FileOut]
