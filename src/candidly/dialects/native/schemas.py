"""Native wire models: what /api/v1 accepts and answers (snake_case, RFC 3339 times)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from candidly.domain.openings import MAX_ATTEMPTS

Str200 = Field(max_length=200)
# Bounded items: every string and list a client sends has a limit the schema states.
Id = Annotated[str, Field(max_length=64)]
Label = Annotated[str, Field(max_length=200)]
Email = Annotated[str, Field(max_length=320)]
Tags = dict[Annotated[str, Field(max_length=200)], Annotated[str, Field(max_length=1000)]]


class In(BaseModel):
    """Inputs reject unknown fields, so a typo is an error and not a silent no-op."""

    model_config = ConfigDict(extra="forbid")


class OrganizationCreate(In):
    name: str = Field(min_length=1, max_length=200)


class ApiKeyCreate(In):
    name: str = Field(min_length=1, max_length=200)
    scopes: list[Annotated[str, Field(max_length=40)]] = Field(max_length=20)
    organization_ids: list[Id] = Field(default_factory=list, max_length=100)
    # Operator only: the key may create organizations (InstaView's POST /company), which it then spans.
    can_create_organizations: bool = False


class ApiKeyOut(BaseModel):
    id: str
    token: str
    scopes: list[str]
    organization_ids: list[str]
    signing_secret: str | None = None


class OrganizationOut(BaseModel):
    id: str
    name: str
    api_key: ApiKeyOut


class StepIn(In):
    key: str | None = Field(default=None, max_length=100)
    name: str = Field(min_length=1, max_length=200)
    type: str | None = Field(default=None, max_length=100)
    active: bool = True
    active_after: datetime | None = None
    active_before: datetime | None = None
    attempt_limit: int = Field(default=-1, ge=-1, le=MAX_ATTEMPTS)
    launch_url: str | None = Field(default=None, max_length=2000)


class ProgramIn(In):
    name: str = Field(min_length=1, max_length=200)
    step_keys: list[Annotated[str, Field(max_length=100)]] = Field(default_factory=list, max_length=100)


class TemplateIn(In):
    name: str = Field(min_length=1, max_length=200)
    subject: str = Field(max_length=1000)
    body: str = Field(max_length=100_000)


class LocationIn(In):
    name: str | None = Field(default=None, max_length=200)
    city: str | None = Field(default=None, max_length=200)
    state: str | None = Field(default=None, max_length=200)
    country: str | None = Field(default=None, max_length=200)


class DetailIn(In):
    name: str = Field(min_length=1, max_length=200)
    value: str = Field(max_length=20_000)


class PositionFields(In):
    """What a position shows of itself (Comeet's position object); any opening may hold them."""

    department: str | None = Field(default=None, max_length=200)
    location: LocationIn | None = None
    experience_level: str | None = Field(default=None, max_length=100)
    employment_type: str | None = Field(default=None, max_length=100)
    details: list[DetailIn] | None = Field(default=None, max_length=100)
    lead_recruiter_id: Id | None = None


class OpeningCreate(PositionFields):
    kind: Literal["task", "job", "position"]
    name: str = Field(min_length=1, max_length=200)
    external_id: str | None = Field(default=None, max_length=255)
    language: str = Field(default="en", min_length=2, max_length=10)
    default_group: str = Field(default="default", min_length=1, max_length=200)
    settings: dict[str, Any] = Field(default_factory=dict, max_length=1000)
    status: str = Field(default="open", min_length=1, max_length=40)
    steps: list[StepIn] = Field(default_factory=list, max_length=100)
    programs: list[ProgramIn] = Field(default_factory=list, max_length=100)
    email_templates: list[TemplateIn] = Field(default_factory=list, max_length=100)


class StepPatch(In):
    name: str | None = Field(default=None, min_length=1, max_length=200)
    type: str | None = Field(default=None, max_length=100)
    active: bool | None = None
    active_after: datetime | None = None
    active_before: datetime | None = None
    attempt_limit: int | None = Field(default=None, ge=-1, le=MAX_ATTEMPTS)
    launch_url: str | None = Field(default=None, max_length=2000)


class OpeningPatch(PositionFields):
    name: str | None = Field(default=None, min_length=1, max_length=200)
    external_id: str | None = Field(default=None, max_length=255)
    language: str | None = Field(default=None, min_length=2, max_length=10)
    default_group: str | None = Field(default=None, min_length=1, max_length=200)
    settings: dict[str, Any] | None = Field(default=None, max_length=1000)
    status: str | None = Field(default=None, max_length=40)
    steps: dict[Id, StepPatch] | None = Field(default=None, max_length=100)
    email_templates: list[TemplateIn] | None = Field(default=None, max_length=100)


class StepOut(BaseModel):
    id: str
    key: str | None
    name: str
    type: str | None
    position: int
    active: bool
    active_after: datetime | None
    active_before: datetime | None
    attempt_limit: int
    launch_url: str | None


class ProgramOut(BaseModel):
    id: str
    name: str
    step_ids: list[str]


class TemplateOut(BaseModel):
    id: str
    name: str
    subject: str
    body: str


class OpeningOut(BaseModel):
    id: str
    kind: str
    name: str
    external_id: str | None
    language: str
    default_group: str
    settings: dict[str, Any]
    status: str
    department: str | None = None
    location: dict[str, str] | None = None
    experience_level: str | None = None
    employment_type: str | None = None
    details: list[dict[str, str]] = []
    lead_recruiter_id: str | None = None
    application_count: int
    created_at: datetime
    updated_at: datetime
    version: int
    steps: list[StepOut]
    programs: list[ProgramOut]
    email_templates: list[TemplateOut]


class UserCreate(In):
    username: str = Field(min_length=1, max_length=200)
    fullname: str | None = Field(default=None, max_length=200)
    email: str | None = Field(default=None, max_length=320)
    tags: Tags = Field(default_factory=dict, max_length=100)


class UserPatch(In):
    username: str | None = Field(default=None, min_length=1, max_length=200)
    fullname: str | None = Field(default=None, max_length=200)
    email: str | None = Field(default=None, max_length=320)
    tags: Tags | None = Field(default=None, max_length=100)


class UserOut(BaseModel):
    id: str
    username: str
    fullname: str | None
    email: str | None
    tags: dict[str, str]
    created_at: datetime
    updated_at: datetime
    version: int


class CandidateFields(In):
    first_name: str | None = Field(default=None, min_length=1, max_length=200)
    last_name: str | None = Field(default=None, min_length=1, max_length=200)
    middle_name: str | None = Field(default=None, min_length=1, max_length=200)
    email: str | None = Field(default=None, max_length=320)
    phone: str | None = Field(default=None, max_length=32)
    external_id: str | None = Field(default=None, max_length=255)
    status: str | None = Field(default=None, max_length=40)
    language: str | None = Field(default=None, max_length=20)
    gender: Literal["male", "female"] | None = None
    gdpr_expiry_date: date | None = None
    metadata: dict[str, Any] | None = Field(default=None, max_length=50)


class CandidateCreate(CandidateFields):
    opening_ids: list[Id] = Field(default_factory=list, max_length=50)


class CandidatePatch(CandidateFields):
    opening_ids: list[Id] | None = Field(default=None, max_length=50)


class CandidateOut(BaseModel):
    id: str
    seq: int
    first_name: str | None
    last_name: str | None
    middle_name: str | None
    fullname: str | None
    email: str | None
    phone: str | None
    external_id: str | None
    status: str | None
    language: str | None
    gender: str | None
    gdpr_expiry_date: date | None
    metadata: dict[str, Any]
    attributes: dict[str, Any]
    created_at: datetime
    updated_at: datetime
    version: int
    erased_at: datetime | None


class StepOverrideIn(In):
    active: bool | None = None
    active_after: datetime | None = None
    active_before: datetime | None = None
    attempt_limit: int | None = Field(default=None, ge=-1, le=MAX_ATTEMPTS)


class ApplicationFields(In):
    group: str | None = Field(default=None, min_length=1, max_length=200)
    labels: list[Label] | None = Field(default=None, max_length=100)
    tags: Tags | None = Field(default=None, max_length=100)
    external_id: str | None = Field(default=None, max_length=255)
    external_data: dict[str, Any] | None = Field(default=None, max_length=1000)
    language: str | None = Field(default=None, max_length=10)
    program_ids: list[Id] | None = Field(default=None, max_length=100)
    extra_emails: list[Email] | None = Field(default=None, max_length=20)
    active: bool | None = None
    active_after: datetime | None = None
    active_before: datetime | None = None
    favorite: bool | None = None
    rating: int | None = Field(default=None, ge=1, le=5)
    stage: str | None = Field(default=None, max_length=200)
    status: str | None = Field(default=None, max_length=40)
    step_overrides: dict[Id, StepOverrideIn] | None = Field(default=None, max_length=100)


class ApplicationCreate(ApplicationFields):
    opening_id: str = Field(max_length=64)
    candidate_id: str | None = Field(default=None, max_length=64)
    candidate: CandidateFields | None = None


class ApplicationPatch(ApplicationFields):
    pass


class EffectiveStepOut(BaseModel):
    step_id: str
    name: str
    position: int
    active: bool
    active_after: datetime | None
    active_before: datetime | None
    attempt_limit: int
    launch_url: str | None
    overridden: list[str]


class ApplicationOut(BaseModel):
    id: str
    candidate_id: str
    opening_id: str
    kind: str
    user_id: str | None
    group: str
    labels: list[str]
    tags: dict[str, str]
    external_id: str | None
    external_data: dict[str, Any]
    language: str | None
    program_ids: list[str]
    extra_emails: list[str]
    active: bool
    active_after: datetime | None
    active_before: datetime | None
    price_amount: float | None
    price_currency: str | None
    favorite: bool
    rating: int | None
    stage: str | None
    status: str | None
    status_changed_at: datetime | None = None
    invitation_code: str | None
    logged_in: bool
    source: str
    uniq_id: str | None
    session_count: int
    step_overrides: dict[str, Any]
    steps: list[EffectiveStepOut]
    created_at: datetime
    updated_at: datetime
    version: int


class EventOut(BaseModel):
    id: str
    type: str
    subject_type: str
    subject_id: str
    occurred_at: datetime
    actor: dict[str, Any]
    changes: dict[str, Any]
    data: dict[str, Any]


class PageOut(BaseModel):
    items: list[Any]
    next_cursor: str | None
    prev_cursor: str | None = None


class Problem(BaseModel):
    type: str
    title: str
    status: int
    detail: str
    field: str | None = None
    errors: list[dict[str, Any]] | None = None
