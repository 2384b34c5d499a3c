"""The access page's routes: sign in by code, direct link or credentials; see your steps; start one; sign out."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.exceptions import HTTPException

from candidly.access_page.cookies import COOKIE, CandidateSession
from candidly.access_page.i18n import Translator
from candidly.access_page.limiter import CODES
from candidly.access_page.pages import Door, StepView, launch_origin, prefix, step_view
from candidly.access_page.reads import Entry, entry_by_code, entry_by_credentials, opening_for_access, progress
from candidly.domain.applications import effective_steps
from candidly.domain.commands import RecordLogin, StartAttempt
from candidly.domain.errors import NotAllowed, NotFound
from candidly.domain.ids import normalize_invitation_code
from candidly.domain.logins import asks_second_credential, requires_second_credential, step_state
from candidly.domain.openings import Opening
from candidly.service.reader import Reader

router = APIRouter()
MAX_CODE = 64  # far above a real code (14 characters), so pasted spaces and dashes still fit
MAX_CREDENTIAL = 200  # as stored
FormText = Annotated[str, Form()]
# What a steps page says went wrong, in the language it chooses (the candidate's, read with the steps).
Said = Callable[[Translator], str]


def door(request: Request) -> Door:
    found: Door = request.app.state.door
    return found


# Signing in with an invitation code: typed, or from the direct link's page.


@router.get("/", response_class=HTMLResponse)
async def sign_in_page(request: Request) -> Response:
    """The invitation-code form."""
    d = door(request)
    return d.sign_in_page(request, d.language(request))


def refused_post(request: Request, d: Door, t: Translator, target: str = CODES) -> Response | None:
    """A sign-in post from another site, or from an address that must wait at ``target``: the page that says so."""
    if not d.same_origin(request):
        return d.message_page(request, t, t("code_heading"), t("form_expired"), 403)
    return d.throttled(request, t, target)


@router.post("/", response_class=HTMLResponse)
async def sign_in_with_code(request: Request, code: FormText = "") -> Response:
    """Check the code; inside the candidate's window, record the login and go to their steps."""
    d = door(request)
    t = d.language(request)
    if (refused := refused_post(request, d, t)) is not None:
        return refused
    typed = code.strip()
    if not typed:
        return d.sign_in_page(request, t, status=400, error=[t("code_missing")])
    entry = await by_code(d, typed)
    if entry is None:
        locked, error = d.failure(request, t, "wrong_code")
        return locked or d.sign_in_page(request, t, status=403, error=error, code=typed[:MAX_CODE])
    return await enter(request, d, entry, "invitation_code")


async def by_code(d: Door, typed: str) -> Entry | None:
    if len(typed) > MAX_CODE:
        return None
    code = normalize_invitation_code(typed)
    return await d.at_door(lambda uow: entry_by_code(uow, code))


# Signing in with credentials, on the sign-in page of one opening (the address an organizer shares).


@router.get("/login/{opening_id}", response_class=HTMLResponse)
async def credentials_page(request: Request, opening_id: str) -> Response:
    """The credentials form of one opening: one field, or two when the opening asks for two."""
    d = door(request)
    t = d.language(request)
    opening = await d.at_door(lambda uow: opening_for_access(uow, opening_id))
    if opening is None:
        return d.throttled(request, t) or unknown_opening(request, d)
    if (throttled := d.throttled(request, t, opening.id)) is not None:
        return throttled
    return credentials_form(request, d, opening)


@router.post("/login/{opening_id}", response_class=HTMLResponse)
async def sign_in_with_credentials(
    request: Request, opening_id: str, credential1: FormText = "", credential2: FormText = ""
) -> Response:
    """Check the credentials against the opening's candidates; then as with a code."""
    d = door(request)
    t = d.language(request)
    opening = await d.at_door(lambda uow: opening_for_access(uow, opening_id))
    if (refused := refused_post(request, d, t, opening.id if opening else CODES)) is not None:
        return refused
    if opening is None:
        return unknown_opening(request, d)
    t = d.language(request, opening.language)
    first, second = credential1.strip(), credential2 or None
    if not first or (requires_second_credential(opening) and not second):
        return credentials_form(request, d, opening, 400, [t("credentials_missing")], first[:MAX_CREDENTIAL])
    entry = None
    if len(first) <= MAX_CREDENTIAL and len(second or "") <= MAX_CREDENTIAL:
        # A second read, after the limiter's verdict on this opening: a locked-out address gets no credential checked.
        entry = await d.at_door(lambda uow: entry_by_credentials(uow, opening, first, second))
    if entry is None:
        locked, error = d.failure(request, t, "wrong_credentials", opening.id)
        return locked or credentials_form(request, d, opening, 403, error, first[:MAX_CREDENTIAL])
    return await enter(request, d, entry, "credentials")


def credentials_form(
    request: Request, d: Door, opening: Opening, status: int = 200, error: list[str] | None = None, typed: str = ""
) -> HTMLResponse:
    t = d.language(request, opening.language)
    return d.render(
        request,
        "credentials.html",
        t,
        heading=t("credentials_heading", opening=opening.name),
        status=status,
        error=error or [],
        opening_id=opening.id,
        credential1=typed,
        second=asks_second_credential(opening),
        second_required=requires_second_credential(opening),
    )


def unknown_opening(request: Request, d: Door) -> Response:
    """An opening id nobody holds counts as a wrong guess, like a wrong code."""
    t = d.language(request)
    locked, error = d.failure(request, t, "unknown_opening")
    return locked or d.render(request, "message.html", t, heading=t("code_heading"), status=404, error=error)


async def enter(request: Request, d: Door, entry: Entry, method: str) -> Response:
    """Let a known candidate in: inside their window, record the login and set the cookie; else say why not."""
    application, opening = entry.application, entry.opening
    t = d.language(request, application.language, opening.language)
    if (why := d.refusal(t, application)) is not None:
        return d.message_page(request, t, opening.name, why, 403)
    try:
        await d.candidate(application.organization_id).execute(RecordLogin(application.id, method))
    except NotFound:  # deleted between the read and the write
        t = d.language(request)
        return d.sign_in_page(request, t, status=403, error=[t("wrong_code")])
    except NotAllowed:  # the window closed between the read and the write
        return d.message_page(request, t, opening.name, d.refusal(t, application) or t("inactive"), 403)
    return d.signed_in(request, application)


# Signed in: the steps, starting one, signing out.


@router.get("/steps", response_class=HTMLResponse)
async def steps_page(request: Request) -> Response:
    """The candidate's steps, each with what it allows now."""
    d = door(request)
    session = d.session(request)
    if session is None:
        return not_signed_in(request, d)
    return await steps(request, d, session)


async def steps(
    request: Request, d: Door, session: CandidateSession, status: int = 200, said: Said | None = None
) -> Response:
    try:
        found = await d.candidate(session.organization_id).read(lambda r: progress(r, session.application_id))
    except NotFound:  # deleted while signed in
        return not_signed_in(request, d)
    application, opening, used = found.application, found.opening, found.used
    t = d.language(request, application.language, opening.language)
    error = said(t) if said is not None else ""
    if (why := d.refusal(t, application)) is not None:
        return d.signed_out(request, d.message_page(request, t, opening.name, why, 403))
    now = d.services.clock.now()
    views = [step_view(t, step_state(s, used.get(s.step_id, 0), now)) for s in effective_steps(application, opening)]
    return d.render(
        request,
        "steps.html",
        t,
        heading=opening.name,
        status=status,
        error=[error] if error else [],
        steps=views,
        token=d.signer.form_token(session),
        form_targets=launch_targets(views, opening),
    )


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


def form_expired(request: Request, d: Door) -> Said:
    """A refused form's message, in the browser's language (said before the candidate's is known)."""
    text = d.language(request)("form_expired")
    return lambda _t: text


class NoLaunch(Exception):
    """The step is not one of the application's, or has no launch URL to send the candidate to."""


def launch_target(r: Reader, application_id: str, step_id: str) -> str:
    """Where a just-started step sends the candidate; NoLaunch (the start rolls back) when nowhere."""
    application = r.application(application_id)
    step = next((s for s in r.effective_steps(application) if s.step_id == step_id), None)
    if step is None or step.launch_url is None or launch_origin(step.launch_url) is None:
        raise NoLaunch(step_id)
    return step.launch_url


@router.post("/steps/{step_id}/start", response_class=HTMLResponse)
async def start_step(request: Request, step_id: str, token: FormText = "") -> Response:
    """Start a test session at an open step and send the candidate to the step's launch URL.

    One transaction: the start, then where it leads, read in the start's own transaction. A step the candidate
    may not start, or one without a launch URL (its page shows no button: only a hand-made post gets here), is
    refused and the start rolls back.
    """
    d = door(request)
    session = d.session(request)
    if session is None:
        return not_signed_in(request, d)
    if not d.same_origin(request) or not d.signer.form_token_valid(session, token):
        return await steps(request, d, session, 403, form_expired(request, d))
    command = StartAttempt(session.application_id, step_id)
    try:
        target = await d.candidate(session.organization_id).execute(
            command, answer=lambda r, _attempt: launch_target(r, session.application_id, step_id)
        )
    except (NotAllowed, NotFound, NoLaunch):  # closed, outside the window, no attempts left, deleted, no link
        return await steps(request, d, session, 409, lambda t: t("start_refused"))
    return RedirectResponse(target, status_code=303)


@router.post("/sign-out")
async def sign_out(request: Request, token: FormText = "") -> Response:
    """Drop the cookie (the form token keeps other sites from signing a candidate out)."""
    d = door(request)
    session = d.session(request)
    if session is not None and not (d.same_origin(request) and d.signer.form_token_valid(session, token)):
        return await steps(request, d, session, 403, form_expired(request, d))
    return d.signed_out(request, RedirectResponse(f"{prefix(request)}/", status_code=303))


# The direct link, ``{public_base_url}/access/{invitation_code}``. Registered last: its single path
# segment would otherwise catch /steps.


@router.get("/{code}", response_class=HTMLResponse)
async def direct_link(request: Request, code: str) -> Response:
    """Show whose link it is and one button to continue: opening the link alone changes nothing, so a mail
    scanner that fetches it does not mark the candidate as logged in."""
    d = door(request)
    t = d.language(request)
    if (throttled := d.throttled(request, t)) is not None:
        return throttled
    entry = await by_code(d, code)
    if entry is None:
        locked, error = d.failure(request, t, "unknown_link")
        return locked or d.sign_in_page(request, t, status=404, error=error)
    application, opening = entry.application, entry.opening
    session = d.session(request)
    if session is not None and session.application_id == application.id:
        return RedirectResponse(f"{prefix(request)}/steps", status_code=303)
    t = d.language(request, application.language, opening.language)
    if (why := d.refusal(t, application)) is not None:
        return d.message_page(request, t, opening.name, why, 403)
    return d.render(
        request,
        "welcome.html",
        t,
        heading=t("welcome_heading"),
        opening_name=opening.name,
        code=application.invitation_code,
    )


# What the framework raises, as pages rather than JSON.


async def http_error(request: Request, exc: Exception) -> Response:
    """Unknown paths and methods, and what the edge answers for the page (a database fault, a rate limit): a page in
    the visitor's language, with the framework's status and headers (Retry-After)."""
    d = door(request)
    t = d.language(request)
    status = exc.status_code if isinstance(exc, HTTPException) else 500
    message = t("not_found") if status in (404, 405) else t("unavailable")
    page = d.message_page(request, t, message, message, status)
    page.headers.update((exc.headers or {}) if isinstance(exc, HTTPException) else {})
    return page


async def unreadable_form(request: Request, exc: Exception) -> Response:  # noqa: ARG001 - the handler's signature
    """A body FastAPI could not read as the form (a field sent as a file, say): nothing is done."""
    d = door(request)
    t = d.language(request)
    return d.message_page(request, t, t("code_heading"), t("form_expired"), 400)
