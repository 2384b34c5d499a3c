"""InstaView wire models: candidates, jobs, interviews and companies, with InstaView's field names (docs/vendors/instaview.md)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Annotated, Any, Generic, Literal, TypeVar

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, model_validator

from candidly.dialects.instaview.fields import wire_name

T = TypeVar("T")
Status = Literal["UNDEFINED", "APPLIED", "IN_PROCESS", "REJECTED", "ACCEPTED"]
Name = Annotated[str, Field(min_length=1, max_length=100)]
JobId = Annotated[str, Field(max_length=64)]
# E.164 as the seed states it; the number is then checked for real with phonenumbers by the core.
Phone = Annotated[str, Field(pattern=r"^\+[1-9]\d{1,14}$")]


def _date_part(value: Any) -> Any:
    """An ISO 8601 timestamp (a JavaScript client's ``toISOString()``) as its UTC date; anything else unchanged."""
    if isinstance(value, str) and len(value) > 10 and value[10:11] in ("T", "t", " "):
        try:
            moment = datetime.fromisoformat(value.replace("Z", "+00:00").replace("z", "+00:00"))
        except ValueError:
            return value  # left to the date validation, which names the field
        return (moment.astimezone(UTC) if moment.tzinfo else moment).date()
    return value


# "GDPR expiry date in ISO 8601 format": a date, or a timestamp whose date (in UTC) is kept (decision 8).
GdprDate = Annotated[date, BeforeValidator(_date_part)]
# An amount is echoed as it was sent: 3000 stays 3000 (an int), 3000.5 stays a float.
Amount = Annotated[int, Field(ge=0, le=10**12)] | Annotated[float, Field(ge=0, le=1e12)]


class Page(BaseModel, Generic[T]):
    """A list answer as the API reference writes it (docs/vendors/instaview.md, decision 2)."""

    data: list[T]
    total: int
    page: int
    limit: int
    totalPages: int


class Wire(BaseModel):
    # Unknown fields are ignored, as InstaView does (docs/vendors/instaview.md, decision 8).
    model_config = ConfigDict(extra="ignore", populate_by_name=True)


class CandidateWire(Wire):
    # Each attribute's wire name is derived from it (fields.py): firstName, phoneNumber, gdprExpiryDate, jobIds.
    model_config = ConfigDict(extra="ignore", populate_by_name=True, alias_generator=wire_name)


class CandidateCreate(CandidateWire):
    first_name: Name
    last_name: Name
    email: str | None = Field(default=None, max_length=254)
    phone_number: Phone | None = None
    gdpr_expiry_date: GdprDate | None = None
    job_id: JobId | None = None
    job_ids: list[JobId] | None = Field(default=None, min_length=1, max_length=50)
    metadata: dict[str, Any] | None = Field(default=None, max_length=50)
    gender: Literal["male", "female"] | None = None
    cv: str | None = Field(default=None, max_length=50_000)


class CandidateUpdate(CandidateWire):
    first_name: Name | None = None
    last_name: Name | None = None
    email: str | None = Field(default=None, max_length=254)
    phone_number: Phone | None = None
    gdpr_expiry_date: GdprDate | None = None
    status: Status | None = None
    job_ids: list[JobId] | None = Field(default=None, max_length=50)
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


Skill = Annotated[str, Field(min_length=1, max_length=100)]
Skills = Annotated[list[Skill], Field(max_length=50)]
Cefr = Literal["A1", "A2", "B1", "B2", "C1", "C2", "NATIVE"]
WorkMode = Literal["ONSITE", "ON_SITE", "REMOTE", "HYBRID"]
SalaryPeriod = Literal["HOURLY", "DAILY", "WEEKLY", "MONTHLY", "YEARLY"]


class LanguageRequirement(Wire):
    language: str = Field(max_length=2, pattern=r"^[A-Za-z]{2}$", description="ISO 639-1 code, e.g. EN")
    proficiency: Cefr


class Location(Wire):
    workMode: WorkMode | None = None
    street: str | None = Field(default=None, max_length=200)
    city: str | None = Field(default=None, max_length=100)
    postalCode: str | None = Field(default=None, max_length=20)
    countryCode: str | None = Field(default=None, max_length=2, pattern=r"^[A-Z]{2}$", description="ISO 3166-1 alpha-2")


class Salary(Wire):
    min: Amount | None = None
    max: Amount | None = None
    currency: str | None = Field(default=None, max_length=3, pattern=r"^[A-Z]{3}$", description="ISO 4217")
    period: SalaryPeriod | None = None

    @model_validator(mode="after")
    def _ordered(self) -> Salary:
        if self.min is not None and self.max is not None and self.min > self.max:
            raise ValueError("min must not exceed max")
        return self


class JobFields(Wire):
    """What a job holds beyond its title, with the limits Candidly enforces (docs/vendors/instaview.md, decision 15)."""

    job_url: str | None = Field(default=None, alias="jobUrl", max_length=2000)
    benefits: str | None = Field(default=None, max_length=5000)
    required_skills: Skills | None = Field(default=None, alias="requiredSkills")
    nice_to_have_skills: Skills | None = Field(default=None, alias="niceToHaveSkills")
    language_requirements: list[LanguageRequirement] | None = Field(
        default=None, alias="languageRequirements", max_length=20
    )
    location: Location | None = None
    salary: Salary | None = None
    metadata: dict[str, Any] | None = Field(default=None, max_length=50)


class JobCreate(JobFields):
    title: str = Field(min_length=1, max_length=200)
    description: str = Field(min_length=1, max_length=20_000)
    status: str = Field(default="OPEN", max_length=40)


class JobUpdate(JobFields):
    title: str | None = Field(default=None, min_length=1, max_length=200)
    description: str | None = Field(default=None, min_length=1, max_length=20_000)
    status: str | None = Field(default=None, min_length=1, max_length=40)


class Job(BaseModel):
    id: str
    companyId: str
    title: str
    description: str | None
    status: str
    jobUrl: str | None
    benefits: str | None
    requiredSkills: list[str]
    niceToHaveSkills: list[str]
    languageRequirements: list[dict[str, str]]
    location: dict[str, Any] | None
    salary: dict[str, Any] | None
    metadata: dict[str, Any]
    createdAt: str
    updatedAt: str


Question = Annotated[str, Field(min_length=1, max_length=1000)]
Language = Annotated[str, Field(max_length=2, pattern=r"^[A-Za-z]{2}$")]


class AgentSpec(Wire):
    """An inline agent (InstaView's interview template): its language and questions."""

    name: str | None = Field(default=None, max_length=200)
    language: Language | None = None
    questions: list[Question] | None = Field(default=None, max_length=50)
    duration: int | None = Field(default=None, ge=1, le=240)


class InterviewCreate(Wire):
    candidate_id: str = Field(alias="candidateId", max_length=64)
    job_id: str | None = Field(default=None, alias="jobId", max_length=64)
    agent_id: str | None = Field(default=None, alias="agentId", max_length=64)
    agent: AgentSpec | None = None
    language: Language | None = None
    questions: list[Question] | None = Field(default=None, max_length=50)
    scheduled_at: datetime | None = Field(default=None, alias="scheduledAt")
    schedule_time: datetime | None = Field(default=None, alias="scheduleTime")
    metadata: dict[str, Any] | None = Field(default=None, max_length=50)


class Criterion(BaseModel):
    name: str | None
    rating: int | None
    pointsAchieved: float | None
    maxAchievablePoints: float | None


class AnalysisGeneral(BaseModel):
    overallRating: int | None
    pointsAchieved: float | None
    maxAchievablePoints: float | None
    achievementRatio: float | None
    companyFitRating: str | None
    strongPoints: list[str]
    weakPoints: list[str]
    evaluation: list[str]
    createdAt: str | None
    updatedAt: str | None


class AnalysisSpecific(BaseModel):
    criteria: list[Criterion]


class Analysis(BaseModel):
    id: str
    interviewId: str
    candidateId: str
    jobId: str
    general: AnalysisGeneral
    specific: AnalysisSpecific | None
    createdAt: str | None
    updatedAt: str | None


class Interview(BaseModel):
    id: str
    candidateId: str
    jobId: str
    agentId: str
    status: Literal["IN_PROGRESS", "COMPLETED"]
    language: str | None
    questions: list[str]
    scheduledAt: str | None
    finishedDate: str | None
    durationMinutes: int | None
    metadata: dict[str, Any]
    callAttempts: list[dict[str, Any]]
    analysis: Analysis | None
    createdAt: str
    updatedAt: str


class CompanyCreate(Wire):
    name: str = Field(min_length=2, max_length=100)
    description: str | None = Field(default=None, min_length=1, max_length=1000)
    metadata: dict[str, Any] | None = Field(default=None, max_length=50)
    owner_email: str | None = Field(default=None, alias="ownerEmail", max_length=254)


class Company(BaseModel):
    id: str
    name: str
    description: str | None
    metadata: dict[str, Any]
    createdAt: str
    updatedAt: str


class Error(BaseModel):
    statusCode: int
    message: str
    error: str
    code: str
    details: dict[str, Any] | None = None
