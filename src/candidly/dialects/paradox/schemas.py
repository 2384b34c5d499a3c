"""Paradox wire models: the candidate body of create and update and the answers' envelopes (docs/vendors/paradox.md)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from candidly.dialects.paradox.fields import wire_name

AUDIENCE_TYPES = ("Blue Collar", "White Collar", "Blue Collar & White Collar")
Code = Annotated[str, Field(max_length=40)]  # a number, or for status its name
AttributeKey = Annotated[str, Field(max_length=255)]
Text = Annotated[str, Field(max_length=10_000)]
FILE_B64_MAX = 14_000_000  # 10 MB of content, base64-encoded, plus slack; the decoded size is checked exactly


def _s(limit: int | None = None) -> Any:
    return Field(default=None, max_length=limit or 10_000)


class Wire(BaseModel):
    """A model of Paradox's bodies and answers: each attribute's name on the wire is ``wire_name``'s (fields.py)."""

    model_config = ConfigDict(alias_generator=wire_name)


class Body(Wire):
    """A request body: a field Paradox does not define is refused (code 1012), not ignored."""

    model_config = ConfigDict(extra="forbid")


class CandidateIn(Body):
    """Every field of the seed (update) and the create page; all optional, so PUT and PATCH are partial."""

    name: str | None = _s(50)
    first_name: str | None = _s(50)
    last_name: str | None = _s(50)
    phone: str | None = _s(20)
    email: str | None = _s(50)
    status: int | Code | None = None
    location: str | None = _s(255)  # the official update body's own field, beside candidate_location_info
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
    hiring_email: str | None = _s(255)  # the create page: works the same as hiring_manager
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
    use_application_id_for_identity: bool = False
    skip_send_opt_in: bool | None = None
    talent_community: bool | None = None
    community_of_interest: int | None = Field(default=None, ge=0, le=2**31 - 1)
    consent_to_marketing: str | None = _s(255)


class AttributesIn(Body):
    """``PATCH``/``PUT /candidate/attributes/{OID}``: the candidate's attribute data (merged, or replaced whole)."""

    attributes: dict[AttributeKey, Text | None] = Field(max_length=100)


class UnsubscribeIn(Body):
    """``PUT /candidates/unsubscribe``: ``action_id`` 1 unsubscribes (the default), 0 subscribes again."""

    oid: int | Annotated[str, Field(max_length=255)]
    action_id: Literal[0, 1, "0", "1"] = 1  # codes come as numbers or text (docs/vendors/paradox.md, decision 15)


class MessageIn(Body):
    """``POST /candidates/send_message``: a free-text message to the candidate (sent by email when possible)."""

    oid: int | Annotated[str, Field(max_length=255)]
    message: str = Field(min_length=1, max_length=5_000)
    email_subject: str | None = Field(default=None, min_length=1, max_length=200)
    send_as: str | None = Field(default=None, max_length=255)
    contact_method: int | Code | None = None


class CandidateOut(Wire):
    """The candidate as Paradox renders it: every field it takes is echoed (docs/vendors/paradox.md, decision 21)."""

    model_config = ConfigDict(extra="allow")

    oid: int
    external_oid: str
    ex_id: str | None
    name: str | None
    first_name: str | None
    last_name: str | None
    edited_name: str | None
    email: str | None
    phone: str | None
    phone_number: str | None
    formatted_number: str | None = Field(description="The phone in E.164")
    status: int | None = Field(description="1 APPROVED, 2 PENDING, 3 ARCHIVED, 4 DRAFT, 5 SPAM")
    primary_contact_method: int
    language_preference: str
    location: str | None
    candidate_location_info: str | None
    source: int | None = Field(
        description="1 SMS, 2 WIDGET, 3 RECRUITER_PAGE, 4 COMPANY_PAGE, 5 EMBEDDED_WIDGET, 6 WIT"
    )
    start_keyword: str | None
    group_name: str | None
    location_id: str | None
    profile_id: str | None
    hiring_manager: str | None
    hiring_email: str | None = Field(description="The hiring manager, by the create page's other name")
    recruiter_email: str | None
    referrer_email: str | None
    referrer_name: str | None
    external_referrer: str | None
    ex_step: str | None
    ex_status: str | None
    ex_reason: str | None
    job_req_id: str | None
    job_title: str | None
    job_loc_code: str | None
    hirevue_link: str | None
    hirevue_instructions: str | None
    pymetrics_link: str | None
    adp_link: str | None
    audience_type: str | None
    hm_cid: str | None
    external_group_id: str | None
    external_source_id: str | None
    offer_file_name: str | None
    consent_to_marketing: str | None
    hired_date: str | None
    candidate_journey: str | None
    candidate_journey_status: str | None
    candidate_attribute_data: dict[str, str]
    attributes: dict[str, str] = Field(description="The candidate's attribute data; always an object")
    note: str | None = Field(description="The candidate's notes, oldest first, one per line")
    talent_community: bool
    community_of_interest: int | None
    skip_send_opt_in: bool | None
    job_application_id: str | None
    unsubscribed: bool
    created_at: str
    updated_at: str


class Stage(Wire):
    """Where the candidate is in their journey: ``candidate_journey_status`` split into stage and status."""

    journey_name: str | None
    stage_name: str | None
    status_name: str | None


class Message(Wire):
    """One message of the conversation (messages sent through ``send_message``; the AI's own are not kept)."""

    message_type: int = Field(description="1 FREE_TEXT")
    question_text: str | None
    answer_text: str | None
    media_url: str | None
    from_who: int = Field(description="0 for the AI, else the sender")
    created_at: str
    updated_at: str


class Interview(Wire):
    past_interview_at: str | None
    scheduled_at: str | None
    interviewed: bool


class ListItem(Wire):
    """One candidate of the list: the candidate, its stage, its conversation and its notes."""

    candidate: CandidateOut
    stage: Stage
    conversation: list[Message] = Field(description="Filled when the list is asked with conversation=true")
    note: str | None = Field(description="Filled when the list is asked with note=true")
    interview: Interview | None = Field(default=None, description="Present when asked with interviews=true")


class CandidateEnvelope(Wire):
    success: bool
    candidate: CandidateOut
    stage: Stage
    conversation: list[Message] = Field(description="Filled when asked with conversation=true")


class CandidateList(Wire):
    success: bool
    limit: int
    count: int = Field(description="How many candidates match the filters, over every page")
    offset: int
    candidates: list[ListItem]


class Success(Wire):
    success: bool


class AttributesOut(Wire):
    success: bool
    oid: int
    attributes: dict[str, str]


class UnsubscribeOut(Wire):
    success: bool
    oid: int
    unsubscribed: bool


class TokenOut(BaseModel):
    access_token: str
    expires_in: int
    token_type: Literal["bearer"]


class ErrorItem(BaseModel):
    code: int = Field(description="Paradox's application error code (see the dialect's documentation)")
    message: str
    field: str = Field(description="The offending input, or empty")


class Failure(BaseModel):
    errors: list[ErrorItem]
