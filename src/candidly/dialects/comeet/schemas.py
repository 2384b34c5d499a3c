"""Comeet wire models: the candidate body of create and update (the seed and section 3.2) and the candidate object."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

PROSPECT_STATUSES = ("Sourced", "Contacted", "Responded", "Interested", "Not interested", "Do not contact")
STATUSES = ("In progress", "On hold", "Awaiting Decision", "Rejected", "Withdrawn", "Hired")
ProspectStatus = Literal["Sourced", "Contacted", "Responded", "Interested", "Not interested", "Do not contact"]
UpdaterType = Literal["user", "source_contact", "other", "app"]
TEXT_MAX = 255  # section 6, Comeet 46
NOTE_MAX = 10_000
FILE_B64_MAX = 8_400_000  # 6 MB of content, base64-encoded, plus slack; the decoded size is checked exactly


def _s(limit: int = TEXT_MAX) -> Any:
    return Field(default=None, max_length=limit)


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


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
    """A postal address; ``country`` is an ISO 3166 alpha-2 code (section 6, Comeet 47)."""

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


class CandidateCreate(CandidateFields):
    """``POST /candidates``: a new hiring process of a person in a position."""

    position_uid: str = Field(max_length=64)
    partner_candidate_id: str = Field(max_length=TEXT_MAX)  # required (section 6, Comeet 41)
    first_name: str = Field(min_length=1, max_length=TEXT_MAX)
    last_name: str = Field(min_length=1, max_length=TEXT_MAX)


class CandidateUpdate(CandidateFields):
    """``PATCH /candidates/{uid}``: only the properties that change, and who changed them."""

    updated_by: UpdatedBy | None = None


class StepOut(BaseModel):
    name: str
    type: str | None
    time_scheduled: str | None
    time_completed: str | None = None


class FileOut(BaseModel):
    name: str
    url: str


class CandidateOut(BaseModel):
    """The candidate object (section 3.6): one hiring process of a person in a position."""

    model_config = ConfigDict(extra="allow")

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
