"""The access page's routes: sign in by code, direct link or credentials; see your steps; start one; sign out."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.exceptions import HTTPException

from candidly.access_page.cookies import COOKIE, CandidateSession
from candidly.access_page.i18n import Translator
from candidly.access_page.limiter import CODES
from candidly.access_page.pages import Door, StepView, candidate_actor, launch_origin, prefix, step_view
from candidly.domain.applications import Application, effective_steps
from candidly.domain.commands import RecordLogin, StartAttempt
from candidly.domain.errors import NotAllowed, NotFound
from candidly.domain.ids import normalize_invitation_code
from candidly.domain.logins import asks_second_credential, requires_second_credential, step_state
from candidly.domain.openings import Opening

router = APIRouter()
MAX_CODE = 64  # far above a real code (14 characters), so pasted spaces and dashes still fit
MAX_CREDENTIAL = 200  # as stored
FormText = Annotated[str, Form()]


def door(request: Request) -> Door:
    found: Door = request.app.state.door
    return found


# Signing in with an invitation code: typed, or from the direct link's page.


@router.get("/", response_class=HTMLResponse)
def sign_in_page(request: Request) -> Response:
    """The invitation-code form."""
    d = door(request)
    return d.sign_in_page(request, d.language(request))


def refused_post(request: Request, d: Door, t: Translator, target: str = CODES) -> Response | None:
    """A sign-in post from another site, or from an address that must wait at ``target``: the page that says so."""
    if not d.same_origin(request):
        return d.message_page(request, t, t("code_heading"), t("form_expired"), 403)
    return d.throttled(request, t, target)


@router.post("/", response_class=HTMLResponse)
def sign_in_with_code(request: Request, code: FormText = "") -> Response:
    """Check the code; inside the candidate's window, record the login and go to their steps."""
    d = door(request)
    t = d.language(request)
    if (refused := refused_post(request, d, t)) is not None:
        return refused
    typed = code.strip()
    if not typed:
        return d.sign_in_page(request, t, status=400, error=[t("code_missing")])
    application = by_code(d, typed)
    if application is None:
        locked, error = d.failure(request, t, "wrong_code")
        return locked or d.sign_in_page(request, t, status=403, error=error, code=typed[:MAX_CODE])
    return enter(request, application, "invitation_code")


def by_code(d: Door, typed: str) -> Application | None:
    if len(typed) > MAX_CODE:
        return None
    return d.services.queries.application_by_invitation_code(normalize_invitation_code(typed))


# Signing in with credentials, on the sign-in page of one opening (the address an organizer shares).


@router.get("/login/{opening_id}", response_class=HTMLResponse)
def credentials_page(request: Request, opening_id: str) -> Response:
    """The credentials form of one opening: one field, or two when the opening asks for two."""
    d = door(request)
    t = d.language(request)
    opening = d.services.queries.opening_for_access(opening_id)
    if opening is None:
        return d.throttled(request, t) or unknown_opening(request, d)
    if (throttled := d.throttled(request, t, opening.id)) is not None:
        return throttled
    return credentials_form(request, d, opening)


@router.post("/login/{opening_id}", response_class=HTMLResponse)
def sign_in_with_credentials(
    request: Request, opening_id: str, credential1: FormText = "", credential2: FormText = ""
) -> Response:
    """Check the credentials against the opening's candidates; then as with a code."""
    d = door(request)
    t = d.language(request)
    opening = d.services.queries.opening_for_access(opening_id)
    if (refused := refused_post(request, d, t, opening.id if opening else CODES)) is not None:
        return refused
    if opening is None:
        return unknown_opening(request, d)
    t = d.language(request, opening.language)
    first, second = credential1.strip(), credential2 or None
    if not first or (requires_second_credential(opening) and not second):
        return credentials_form(request, d, opening, 400, [t("credentials_missing")], first[:MAX_CREDENTIAL])
    application = None
    if len(first) <= MAX_CREDENTIAL and len(second or "") <= MAX_CREDENTIAL:
        application = d.services.queries.application_by_credentials(opening, first, second)
    if application is None:
        locked, error = d.failure(request, t, "wrong_credentials", opening.id)
        return locked or credentials_form(request, d, opening, 403, error, first[:MAX_CREDENTIAL])
    return enter(request, application, "credentials")


def credentials_form(
    request: Request, d: Door, opening: Opening, status: int = 200, error: list[str] | None = None, typed: str = ""
) -> HTMLResponse:
    t = d.language(request, opening.language)
    return d.render(
        request, "credentials.html", t, heading=t("credentials_heading", opening=opening.name), status=status,
        error=error or [], opening_id=opening.id, credential1=typed, second=asks_second_credential(opening),
        second_required=requires_second_credential(opening),
    )  # fmt: skip


def unknown_opening(request: Request, d: Door) -> Response:
    """An opening id nobody holds counts as a wrong guess, like a wrong code."""
    t = d.language(request)
    locked, error = d.failure(request, t, "unknown_opening")
    return locked or d.render(request, "message.html", t, heading=t("code_heading"), status=404, error=error)


def enter(request: Request, application: Application, method: str) -> Response:
    """Let a known candidate in: inside their window, record the login and set the cookie; else say why not."""
    d = door(request)
    actor = candidate_actor(application.organization_id)
    try:
        _, opening, _ = d.services.queries.application_progress(
            actor.principal, application.organization_id, application.id
        )
    except NotFound:  # deleted between the two reads
        t = d.language(request)
        return d.sign_in_page(request, t, status=403, error=[t("wrong_code")])
    t = d.language(request, application.language, opening.language)
    if (why := d.refusal(t, application)) is not None:
        return d.message_page(request, t, opening.name, why, 403)
    try:
        d.services.bus.execute(RecordLogin(application.id, method), actor, application.organization_id)
    except NotAllowed:  # the window closed between the read and the write
        return d.message_page(request, t, opening.name, d.refusal(t, application) or t("inactive"), 403)
    return d.signed_in(request, application)


# Signed in: the steps, starting one, signing out.


@router.get("/steps", response_class=HTMLResponse)
def steps_page(request: Request) -> Response:
    """The candidate's steps, each with what it allows now."""
    d = door(request)
    session = d.session(request)
    if session is None:
        return not_signed_in(request, d)
    return steps(request, d, session)


def steps(request: Request, d: Door, session: CandidateSession, status: int = 200, error: str = "") -> Response:
    actor = candidate_actor(session.organization_id)
    try:
        application, opening, used = d.services.queries.application_progress(
            actor.principal, session.organization_id, session.application_id
        )
    except NotFound:  # deleted while signed in
        return not_signed_in(request, d)
    t = d.language(request, application.language, opening.language)
    if (why := d.refusal(t, application)) is not None:
        return d.signed_out(request, d.message_page(request, t, opening.name, why, 403))
    now = d.services.clock.now()
    views = [step_view(t, step_state(s, used.get(s.step_id, 0), now)) for s in effective_steps(application, opening)]
    return d.render(
        request, "steps.html", t, heading=opening.name, status=status, error=[error] if error else [],
        steps=views, token=d.signer.form_token(session), form_targets=launch_targets(views, opening),
    )  # fmt: skip


def launch_targets(views: list[StepView], opening: Opening) -> list[str]:
    """The origins the start buttons lead to (after the 303), for the page's form-action."""
    urls = {s.id: s.launch_url for s in opening.steps}
    return [origin for v in views if v.startable and (origin := launch_origin(urls.get(v.step_id)))]


def not_signed_in(request: Request, d: Door) -> Response:
    """No cookie: to the sign-in page. An expired or no longer valid one: say so, and drop it."""
    if request.cookies.get(COOKIE) is None:
        return RedirectResponse(f"{prefix(request)}/", status_code=303)
    t = d.language(request)
    return d.signed_out(request, d.sign_in_page(request, t, error=[t("session_expired")]))


@router.post("/steps/{step_id}/start", response_class=HTMLResponse)
def start_step(request: Request, step_id: str, token: FormText = "") -> Response:
    """Start a test session at an open step and send the candidate to the step's launch URL."""
    d = door(request)
    session = d.session(request)
    if session is None:
        return not_signed_in(request, d)
    if not d.same_origin(request) or not d.signer.form_token_valid(session, token):
        return steps(request, d, session, 403, d.language(request)("form_expired"))
    actor = candidate_actor(session.organization_id)
    try:
        application, opening, _ = d.services.queries.application_progress(
            actor.principal, session.organization_id, session.application_id
        )
    except NotFound:
        return not_signed_in(request, d)
    t = d.language(request, application.language, opening.language)
    step = next((s for s in effective_steps(application, opening) if s.step_id == step_id), None)
    target = step.launch_url if step is not None and launch_origin(step.launch_url) else None
    if target is None:
        return steps(request, d, session, 409, t("start_refused"))
    try:
        d.services.bus.execute(StartAttempt(application.id, step_id), actor, session.organization_id)
    except (NotAllowed, NotFound):  # closed, outside the window, or no attempts left: the handler decides
        return steps(request, d, session, 409, t("start_refused"))
    return RedirectResponse(target, status_code=303)


@router.post("/sign-out")
def sign_out(request: Request, token: FormText = "") -> Response:
    """Drop the cookie (the form token keeps other sites from signing a candidate out)."""
    d = door(request)
    session = d.session(request)
    if session is not None and not (d.same_origin(request) and d.signer.form_token_valid(session, token)):
        return steps(request, d, session, 403, d.language(request)("form_expired"))
    return d.signed_out(request, RedirectResponse(f"{prefix(request)}/", status_code=303))


# The direct link, ``{public_base_url}/access/{invitation_code}``. Registered last: its single path
# segment would otherwise catch /steps.


@router.get("/{code}", response_class=HTMLResponse)
def direct_link(request: Request, code: str) -> Response:
    """Show whose link it is and one button to continue: opening the link alone changes nothing, so a mail
    scanner that fetches it does not mark the candidate as logged in."""
    d = door(request)
    t = d.language(request)
    if (throttled := d.throttled(request, t)) is not None:
        return throttled
    application = by_code(d, code)
    if application is None:
        locked, error = d.failure(request, t, "unknown_link")
        return locked or d.sign_in_page(request, t, status=404, error=error)
    session = d.session(request)
    if session is not None and session.application_id == application.id:
        return RedirectResponse(f"{prefix(request)}/steps", status_code=303)
    actor = candidate_actor(application.organization_id)
    try:
        _, opening, _ = d.services.queries.application_progress(
            actor.principal, application.organization_id, application.id
        )
    except NotFound:
        return d.sign_in_page(request, t, status=404, error=[t("unknown_link")])
    t = d.language(request, application.language, opening.language)
    if (why := d.refusal(t, application)) is not None:
        return d.message_page(request, t, opening.name, why, 403)
    return d.render(
        request, "welcome.html", t, heading=t("welcome_heading"), opening_name=opening.name,
        code=application.invitation_code,
    )  # fmt: skip


# What the framework raises, as pages rather than JSON.


def http_error(request: Request, exc: Exception) -> Response:
    """Unknown paths and methods, and what the edge answers for the page (a database fault, a rate limit): a page in
    the visitor's language, with the framework's status and headers (Retry-After)."""
    d = door(request)
    t = d.language(request)
    status = exc.status_code if isinstance(exc, HTTPException) else 500
    message = t("not_found") if status in (404, 405) else t("unavailable")
    page = d.message_page(request, t, message, message, status)
    page.headers.update((exc.headers or {}) if isinstance(exc, HTTPException) else {})
    return page


def unreadable_form(request: Request, exc: Exception) -> Response:  # noqa: ARG001 - the handler's signature
    """A body FastAPI could not read as the form (a field sent as a file, say): nothing is done."""
    d = door(request)
    t = d.language(request)
    return d.message_page(request, t, t("code_heading"), t("form_expired"), 400)
