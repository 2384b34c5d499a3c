"""Paradox wire models: the candidate body of create and update (section 4.4) and the answers' envelopes."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field

AUDIENCE_TYPES = ("Blue Collar", "White Collar", "Blue Collar & White Collar")
Code = Annotated[str, Field(max_length=40)]  # a number, or for status its name
AttributeKey = Annotated[str, Field(max_length=255)]
Text = Annotated[str, Field(max_length=10_000)]
FILE_B64_MAX = 14_000_000  # 10 MB of content, base64-encoded, plus slack; the decoded size is checked exactly


def _s(limit: int | None = None) -> Any:
    return Field(default=None, max_length=limit or 10_000)


class CandidateIn(BaseModel):
    """Every field of the seed (update) and the create page; all optional, so PUT and PATCH are partial."""

    model_config = ConfigDict(extra="forbid")

    name: str | None = _s(50)
    first_name: str | None = _s(50)
    last_name: str | None = _s(50)
    phone: str | None = _s(20)
    email: str | None = _s(50)
    status: int | Code | None = None
    candidate_location_info: str | None = _s(100)
    ex_id: str | None = _s(255)
    hirevue_link: str | None = _s(255)
    pymetrics_link: str | None = _s(255)
    adp_link: str | None = _s(255)
    ex_step: str | None = _s()
    ex_status: str | None = _s()
    ex_reason: str | None = _s()
    job_req_id: str | None = _s(255)
    job_title: str | None = _s(255)
    job_loc_code: str | None = _s(20)
    primary_contact_method: int | Code | None = None
    hired_date: datetime | None = None
    audience_type: Literal["Blue Collar", "White Collar", "Blue Collar & White Collar"] | None = None
    hm_cid: str | None = _s(255)
    external_group_id: str | None = _s()
    hirevue_instructions: str | None = _s(255)
    referrer_email: str | None = _s(50)
    referrer_name: str | None = _s(50)
    external_referrer: str | None = _s(1000)
    recruiter_email: str | None = _s(255)
    hiring_manager: str | None = _s(255)
    language_preference: str | None = _s(10)
    resume: str | None = Field(default=None, max_length=FILE_B64_MAX)
    candidate_journey: str | None = _s(255)
    candidate_journey_status: str | None = _s(255)
    # Values over 255 characters get the translation's own message; this bound only stops huge ones early.
    candidate_attribute_data: dict[AttributeKey, Text | None] | None = Field(default=None, max_length=100)
    note: str | None = _s()
    external_source_id: str | None = _s(255)
    offer_letter: str | None = Field(default=None, max_length=FILE_B64_MAX)
    offer_file_name: str | None = _s(150)
    use_paradox_status_map: bool = False
    status_map_name: str | None = _s(255)
    status_map_ex_id: str | None = _s(255)
    job_application_id: str | None = _s(255)
    talent_community: bool | None = None
    consent_to_marketing: str | None = _s(255)


class CandidateOut(BaseModel):
    """The candidate as Paradox renders it (section 4.5 and the 3P schema); every input field is echoed."""

    model_config = ConfigDict(extra="allow")

    OID: int
    external_oid: str
    ex_id: str | None
    name: str | None
    email: str | None
    phone: str | None
    status: int | None
    primary_contact_method: int
    language_preference: str | None
    created_at: str
    updated_at: str


class CandidateEnvelope(BaseModel):
    success: bool
    candidate: CandidateOut


class CandidateList(BaseModel):
    success: bool
    candidates: list[CandidateOut]
    limit: int
    count: int
    offset: int


class Success(BaseModel):
    success: bool


class Failure(BaseModel):
    success: bool
    message: str
