"""TestInvite wire models: the bodies of the create and update seeds, with TestInvite's field names.

A request model's attribute is TestInvite's name in snake_case; its name on the wire is derived from it (camelCase,
the ``Wire`` models' alias generator), or declared beside it where TestInvite's name is irregular (``from``,
``externalEmails``). Which core field each attribute carries is declared in fields.py.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import AliasChoices, BaseModel, ConfigDict, Field, PrivateAttr, StrictBool, model_validator

from candidly.dialects.fields import wire_name

Lang = Literal["tr", "en", "es", "fr", "nl", "it", "sr", "sv", "de", "no", "ru", "pt"]
Seconds = Annotated[int, Field(ge=0, le=32_503_680_000)]  # up to year 3000
Name = Annotated[str, Field(max_length=200)]
EXTERNAL_EMAILS = "externalEmails"


class Wire(BaseModel):
    # Vendor clients send fields we may not know yet; TestInvite ignores them, and so do we. Each attribute's wire
    # name is derived from it: external_id is externalId, customized_steps customizedSteps, uniq_id uniqId.
    model_config = ConfigDict(extra="ignore", populate_by_name=True, alias_generator=wire_name)


class Answer(BaseModel):
    # What an answer carries, each attribute under its derived wire name (a renderer spells its keys through
    # dialects.fields.spelled): candidate_id is candidateId, active_after activeAfter, last_doc_id lastDocId.
    model_config = ConfigDict(alias_generator=wire_name)


class Dates(Wire):
    before: Seconds | None = None
    after: Seconds | None = None


class Price(Wire):
    amount: float = Field(ge=0, le=1_000_000_000)
    currency: Literal["USD", "EUR", "TRY"]


class Customization(Wire):
    active_after: Seconds | None = None
    active_before: Seconds | None = None


class CustomizedStep(Wire):
    step_id: str = Field(max_length=64)
    customization: Customization


class InviteByEmail(Wire):
    email_template_name: str = Field(min_length=1, max_length=200)
    date_to_send: Seconds | None = None


class Callback(Wire):
    url: str = Field(max_length=2000)
    params: dict[str, Any] | None = Field(default=None, max_length=100)
    resource: Literal["basic", "detailed"]


class Tracking(Wire):
    uniq_id: str = Field(min_length=1, max_length=255)
    scope: Literal["task", "group", "labels", "programs"] = "task"


class Common(Wire):
    group: str | None = Field(default=None, min_length=1, max_length=200)
    labels: list[Name] | None = Field(default=None, max_length=100)
    tags: dict[Name, Annotated[str, Field(max_length=1000)]] | None = Field(default=None, max_length=100)
    external_id: str | None = Field(default=None, max_length=255)
    external_data: dict[str, Any] | None = Field(default=None, max_length=1000)
    lang: Lang | None = None
    program_ids: list[Annotated[str, Field(max_length=64)]] | None = Field(default=None, max_length=100)
    # The seed's prose calls it externalEmails (docs/vendors/testinvite.md, decision 10): both names are accepted,
    # and a refusal names the one the client sent (``extra_emails_as``).
    extra_emails: list[Annotated[str, Field(max_length=320)]] | None = Field(
        default=None, validation_alias=AliasChoices(wire_name("extra_emails"), EXTERNAL_EMAILS), max_length=20
    )
    dates: Dates | None = None
    price: Price | None = None
    customized_steps: list[CustomizedStep] | None = Field(default=None, max_length=100)
    invite_by_email: InviteByEmail | None = None
    callback: Callback | None = None

    _extra_emails_as: str = PrivateAttr(default=wire_name("extra_emails"))

    @model_validator(mode="wrap")
    @classmethod
    def _spelling(cls, data: Any, handler: Any) -> Any:
        body = handler(data)
        if isinstance(data, dict) and EXTERNAL_EMAILS in data and wire_name("extra_emails") not in data:
            body._extra_emails_as = EXTERNAL_EMAILS
        return body

    @property
    def extra_emails_as(self) -> str:
        """The name this body gave its extra addresses: ``extraEmails`` or the prose's ``externalEmails``."""
        return self._extra_emails_as


class TemporaryCandidate(Common):
    kind: Literal["temporary-candidate"]
    fullname: str | None = Field(default=None, min_length=1, max_length=400)
    email: str | None = Field(default=None, max_length=320)
    credential1: str | None = Field(default=None, min_length=1, max_length=200)
    credential2: str | None = Field(default=None, min_length=1, max_length=200)
    tracking: Tracking | None = None


class InternalCandidate(Common):
    kind: Literal["internal-candidate"]
    id: str = Field(max_length=64)


CreateCandidate = Annotated[TemporaryCandidate | InternalCandidate, Field(discriminator="kind")]


class LabelChanges(Wire):
    add: list[Name] | None = Field(default=None, max_length=100)
    remove: list[Name] | None = Field(default=None, max_length=100)


class Fields(Wire):
    fullname: str | None = Field(default=None, min_length=1, max_length=400)
    email: str | None = Field(default=None, max_length=320)
    group: str | None = Field(default=None, min_length=1, max_length=200)
    labels: LabelChanges | None = None
    favorite: StrictBool | None = None
    active: StrictBool | None = None
    active_after: Seconds | None = None
    active_before: Seconds | None = None


class UpdateCandidate(Wire):
    fields: Fields | None = None
    # stepId -> {active?, dates?, limit?}, each {isDefault: true} or {isDefault: false, value: ...};
    # read by translate.step_changes, which names the exact path of anything malformed.
    steps: dict[Annotated[str, Field(max_length=64)], dict[str, Any]] | None = Field(default=None, max_length=100)


class BasicCandidate(Answer):
    candidate_id: str
    kind: Literal["user", "temp"]
    task_id: str
    logged_in: bool
    fullname: str | None = None
    email: str | None = None
    invitation_code: str | None
    direct_access_url: str | None


class DetailedCandidate(BasicCandidate):
    organization_id: str
    source: Literal["self-registration", "pre-registration"]
    active: bool
    active_after: int | None
    active_before: int | None
    group: str
    tags: dict[str, str]
    labels: list[str]
    rating: int | None
    stage: str | None


class Pagination(Answer):
    total_items: int
    total_pages: int
    current_page: int
    limit: int
    next: str | None
    previous: str | None


class CandidateList(Answer):
    candidates: list[DetailedCandidate | BasicCandidate]
    pagination: Pagination


class Error(BaseModel):
    message: str
    code: str


# Tasks (guide pages rest-api-listing-tasks, rest-api-fetch-task, rest-api-search-tasks).

TestSource = Literal[
    "own-test",
    "marketplace",
    "recruitment-test-library",
    "talent-library-test",
    "free-recruitment-test-library",
    "free-talent-library-test",
    "trial",
    "unknown",
]


AccessMethod = Literal["invitation-code", "single-credential", "double-credential", "no-auth"]


class TaskFilter(Wire):
    """The body of ``POST /tasks/filter``: a task must satisfy every filter given."""

    folder: list[Name] | None = Field(default=None, max_length=100)
    labels: list[Name] | None = Field(default=None, max_length=100)
    favorite: StrictBool | None = None
    title: str | None = Field(default=None, max_length=200)


class StepTest(Answer):
    test_id: str
    organization_id: str
    source: TestSource


class TaskStep(Answer):
    id: str
    title: str
    active: bool
    active_before: int | None
    active_after: int | None
    attempt_limit: int
    test: StepTest
    webcam_recording: Literal["NONE", "PHOTO", "VIDEO"]
    screen_recording: Literal["NONE", "SCREENSHOT", "SCREENCAPTURE"]
    fullscreen: bool
    post_ai_proctoring: bool
    practice_mode: bool


class TaskProgram(Answer):
    uuid: str
    name: str
    step_ids: list[str]  # beyond the guide: which steps the program opens


class TaskStage(Answer):
    uuid: str
    name: str


class TaskEmailTemplate(Answer):
    name: str
    subject: str


class BasicTask(Answer):
    task_id: str
    title: str
    created_at: int


class DetailedTask(BasicTask):
    organization_id: str
    favorite: bool
    folder: str
    labels: list[str]
    tags: dict[str, Any]
    lang: Literal["default"] | Lang
    access_method: AccessMethod
    active: bool
    active_after: int | None
    active_before: int | None
    steps: list[TaskStep]
    programs: list[TaskProgram]
    stages: list[TaskStage]
    email_templates: list[TaskEmailTemplate]
    private_chat_enabled: bool


class TaskList(Answer):
    tasks: list[DetailedTask | BasicTask]
    pagination: Pagination


# Test instances (guide pages rest-api-search-test-instances, rest-api-dynamic-fetch-test-session).

Milliseconds = Annotated[int, Field(ge=0, le=32_503_680_000_000)]  # up to year 3000


class MetaSearch(Wire):
    """General filters: every one given must hold."""

    kind: Literal["meta"]
    group: str | None = Field(default=None, max_length=200)
    label: str | None = Field(default=None, max_length=200)
    step_id: str | None = Field(default=None, max_length=64)
    status: Literal["STARTED", "COMPLETE", "RESETUP"] | None = None
    from_: Milliseconds | None = Field(default=None, alias="from")  # a Python keyword, so its name is spelled out
    to: Milliseconds | None = None


class InfoSearch(Wire):
    """A pinpoint search by what identifies the candidate."""

    kind: Literal["info"]
    display_name: str | None = Field(default=None, min_length=1, max_length=400)
    email: str | None = Field(default=None, max_length=320)
    credential1: str | None = Field(default=None, max_length=200)
    code: str | None = Field(default=None, max_length=20)
    uniq_id: str | None = Field(default=None, max_length=255)


TestInstanceSearch = Annotated[MetaSearch | InfoSearch, Field(discriminator="kind")]
Expansion = Literal["test", "uniqId", "creditCost", "roomForm", "identityPhoto"]


class Expand(Wire):
    expand: list[Expansion] = Field(default_factory=list, max_length=5)


class TestInstanceCandidate(Answer):
    id: str
    kind: Literal["user", "temp"]


class BasicTestInstance(Answer):
    test_instance_id: str
    task_id: str
    step_id: str
    ticket_id: str
    status: Literal["STARTED", "COMPLETE", "RESETUP"]
    ignored: bool
    result: Literal[False] | dict[str, Any]  # false until the session completes; then completedAt and scores


class DetailedTestInstance(BasicTestInstance):
    organization_id: str
    candidate: TestInstanceCandidate
    folder: str
    group: str
    labels: list[str]
    tags: dict[str, Any]


class IdentityPhoto(Answer):
    url: str | None


class ExpandedTestInstance(DetailedTestInstance):
    credit_cost: int | None = None
    uniq_id: str | None = None
    test: StepTest | None = None
    room_form: dict[str, Any] | None = None
    identity_photo: IdentityPhoto | None = None


class TestInstanceList(Answer):
    test_instances: list[DetailedTestInstance | BasicTestInstance]
    pagination: Pagination


class CursorPagination(Answer):
    limit: int
    last_doc_id: str | None
    next: str | None


class TestInstanceSearchResult(Answer):
    test_instances: list[DetailedTestInstance | BasicTestInstance]
    pagination: CursorPagination
