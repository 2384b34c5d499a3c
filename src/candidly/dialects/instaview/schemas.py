"""InstaView wire models (reference section 2): candidates and jobs, with InstaView's field names."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field

Status = Literal["UNDEFINED", "APPLIED", "IN_PROCESS", "REJECTED", "ACCEPTED"]
Name = Annotated[str, Field(min_length=1, max_length=100)]
JobId = Annotated[str, Field(max_length=64)]
# E.164 as the seed states it; the number is then checked for real with phonenumbers by the core.
Phone = Annotated[str, Field(pattern=r"^\+[1-9]\d{1,14}$")]


class Wire(BaseModel):
    # Unknown fields are ignored, as InstaView does (section 6, InstaView 25).
    model_config = ConfigDict(extra="ignore", populate_by_name=True)


class CandidateCreate(Wire):
    first_name: Name = Field(alias="firstName")
    last_name: Name = Field(alias="lastName")
    email: str | None = Field(default=None, max_length=254)
    phone_number: Phone | None = Field(default=None, alias="phoneNumber")
    gdpr_expiry_date: date | None = Field(default=None, alias="gdprExpiryDate")
    job_id: JobId | None = Field(default=None, alias="jobId")
    job_ids: list[JobId] | None = Field(default=None, alias="jobIds", min_length=1, max_length=50)
    metadata: dict[str, Any] | None = Field(default=None, max_length=50)
    gender: Literal["male", "female"] | None = None
    cv: str | None = Field(default=None, max_length=50_000)


class CandidateUpdate(Wire):
    first_name: Name | None = Field(default=None, alias="firstName")
    last_name: Name | None = Field(default=None, alias="lastName")
    email: str | None = Field(default=None, max_length=254)
    phone_number: Phone | None = Field(default=None, alias="phoneNumber")
    gdpr_expiry_date: date | None = Field(default=None, alias="gdprExpiryDate")
    status: Status | None = None
    job_ids: list[JobId] | None = Field(default=None, alias="jobIds", max_length=50)
    metadata: dict[str, Any] | None = Field(default=None, max_length=50)
    gender: Literal["male", "female"] | None = None
    cv: str | None = Field(default=None, max_length=50_000)


class Links(BaseModel):
    analyses: str
    interviews: str


class Candidate(BaseModel):
    id: str
    firstName: str | None
    lastName: str | None
    status: str | None
    createdAt: str
    updatedAt: str
    jobId: str | None
    jobIds: list[str]
    email: str | None
    phoneNumber: str | None
    gdprExpiryDate: str | None
    overallRating: float | None
    metadata: dict[str, Any]
    analysisCount: int
    interviewCount: int
    links: Links
    gender: Literal["male", "female"] | None
    cv: str | None


class CandidatePage(BaseModel):
    data: list[Candidate]
    total: int
    page: int
    limit: int
    totalPages: int


class JobCreate(Wire):
    title: str = Field(min_length=1, max_length=200)
    description: str = Field(min_length=1, max_length=20_000)
    status: str = Field(default="OPEN", max_length=40)
    job_url: str | None = Field(default=None, alias="jobUrl", max_length=2000)


class Job(BaseModel):
    id: str
    companyId: str
    title: str
    description: str | None
    status: str
    jobUrl: str | None
    createdAt: str
    updatedAt: str


class JobPage(BaseModel):
    data: list[Job]
    total: int
    page: int
    limit: int
    totalPages: int


class Error(BaseModel):
    statusCode: int
    message: str
    error: str
    code: str
    details: dict[str, Any] | None = None
