"""The door's machinery: templates in the visitor's language, security headers, the candidate's actor, messages."""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Protocol, TypeVar
from urllib.parse import urlsplit

from fastapi import Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from jinja2 import Environment, PackageLoader, StrictUndefined

from candidly.access_page.cookies import COOKIE, CandidateSession, CookieSigner
from candidly.access_page.i18n import Translator, choose, load_catalogs, translator
from candidly.access_page.limiter import CODES, FailureLimiter, Verdict
from candidly.domain.applications import Application, Refusal
from candidly.domain.ids import Clock
from candidly.domain.logins import StepState, StepStatus, login_refusal
from candidly.domain.principals import Actor, Principal, Scope
from candidly.service.caller import Backend, Caller
from candidly.service.ports import UnitOfWork

R = TypeVar("R", bound=Response)
T = TypeVar("T")


class AccessSettings(Protocol):
    @property
    def public_base_url(self) -> str: ...

    @property
    def secret_key(self) -> str | None: ...


class AccessServices(Protocol):
    """What the page is given by the composition root (``bootstrap.Services`` fits)."""

    @property
    def backend(self) -> Backend: ...

    @property
    def clock(self) -> Clock: ...

    @property
    def settings(self) -> AccessSettings: ...


# A candidate acts on their own application only: the routes name no other. The organization is
# theirs alone, and the scopes are what reading their steps and starting a session need.
CANDIDATE_SCOPES = frozenset({Scope.READ_CANDIDATES.value, Scope.WRITE_CANDIDATES.value, Scope.READ_OPENINGS.value})


def candidate_actor(organization_id: str) -> Actor:
    principal = Principal(key_id=None, organization_ids=(organization_id,), scopes=CANDIDATE_SCOPES)
    return Actor(principal, surface="access", type="candidate")


def content_security_policy(form_targets: Iterable[str] = ()) -> str:
    """Nothing but the page's own stylesheet; forms post here, or to a step's launch origin (a redirect
    that follows a form post is checked against form-action too)."""
    form_action = " ".join(["'self'", *sorted(set(form_targets))])
    return f"default-src 'none'; style-src 'self'; form-action {form_action}; frame-ancestors 'none'; base-uri 'none'"


_HOST = re.compile(r"^[a-z0-9.-]+$|^\[[0-9a-f:.]+\]$")


def launch_origin(url: str | None) -> str | None:
    """The origin of an http(s) launch URL fit to name in a header; None for anything else."""
    if not url:
        return None
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return None
    host = parts.hostname or ""
    host = f"[{host}]" if ":" in host else host
    if parts.scheme not in ("http", "https") or not _HOST.match(host):
        return None
    return f"{parts.scheme}://{host}" + (f":{port}" if port is not None else "")


def moment(when: datetime) -> str:
    """A date and time every reader of the three languages reads the same way."""
    return when.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")


def wait(t: Translator, seconds: int) -> str:
    if seconds < 120:
        return t.count("seconds", seconds)
    return t.count("minutes", math.ceil(seconds / 60))


@dataclass(frozen=True, slots=True)
class StepView:
    """One line of the steps page, in the candidate's language."""

    step_id: str
    name: str
    status: str
    status_text: str
    attempts_text: str | None
    startable: bool
    note: str | None


def step_view(t: Translator, state: StepState) -> StepView:
    status = state.status
    texts = {
        StepStatus.OPEN: t("step_open"),
        StepStatus.EXHAUSTED: t("step_exhausted"),
        StepStatus.NOT_YET: t("step_not_yet", date=moment(state.when)) if state.when else t("step_closed"),
        StepStatus.CLOSED: t("step_closed_on", date=moment(state.when)) if state.when else t("step_closed"),
    }
    attempts = None
    if status in (StepStatus.OPEN, StepStatus.NOT_YET):
        left = state.attempts_left
        attempts = t("attempts_unlimited") if left is None else t.count("attempts_left", left)
    startable = status is StepStatus.OPEN and launch_origin(state.step.launch_url) is not None
    note = t("step_no_link") if status is StepStatus.OPEN and not startable else None
    return StepView(state.step.step_id, state.step.name, status.value, texts[status], attempts, startable, note)


class Door:
    """Everything the routes share: services, the limiter, the cookie signer, templates and catalogs."""

    def __init__(self, services: AccessServices, limiter: FailureLimiter, signer: CookieSigner) -> None:
        self.services = services
        self.limiter = limiter
        self.signer = signer
        self.catalogs = load_catalogs()
        self.templates = Environment(
            loader=PackageLoader("candidly.access_page", "templates"), autoescape=True, undefined=StrictUndefined
        )

    # Language, rendering, headers

    def language(self, request: Request, *preferred: str | None) -> Translator:
        """The first supported of ``preferred`` (application, then opening), else the browser's, else English."""
        lang = choose(*preferred, accept_language=request.headers.get("accept-language"))
        return translator(self.catalogs, lang)

    def render(
        self,
        request: Request,
        template: str,
        t: Translator,
        *,
        heading: str,
        status: int = 200,
        error: Sequence[str] = (),
        form_targets: Iterable[str] = (),
        **context: Any,
    ) -> HTMLResponse:
        page = self.templates.get_template(template)
        html = page.render(t=t, prefix=prefix(request), heading=heading, error=list(error), **context)
        return HTMLResponse(
            html,
            status_code=status,
            headers={
                "Content-Security-Policy": content_security_policy(form_targets),
                "Cache-Control": "no-store",
                # Same-origin posts then carry their Origin (checked by ``same_origin``); other sites get nothing.
                "Referrer-Policy": "same-origin",
            },
        )

    def sign_in_page(
        self, request: Request, t: Translator, *, status: int = 200, error: Sequence[str] = (), code: str = ""
    ) -> HTMLResponse:
        return self.render(request, "sign_in.html", t, heading=t("code_heading"), status=status, error=error, code=code)

    def message_page(self, request: Request, t: Translator, heading: str, message: str, status: int) -> HTMLResponse:
        return self.render(request, "message.html", t, heading=heading, status=status, error=[message])

    # The limiter

    def throttled(self, request: Request, t: Translator, target: str = CODES) -> HTMLResponse | None:
        """The 429 page when this address must not try ``target`` now; None when it may."""
        verdict = self.limiter.check(address(request), target)
        return None if verdict.allowed else self.too_many(request, t, verdict)

    def too_many(self, request: Request, t: Translator, verdict: Verdict) -> HTMLResponse:
        key = "locked" if verdict.locked else "slowed"
        page = self.message_page(request, t, t("code_heading"), t(key, wait=wait(t, verdict.retry_after)), 429)
        page.headers["Retry-After"] = str(verdict.retry_after)
        return page

    def failure(
        self, request: Request, t: Translator, key: str, target: str = CODES
    ) -> tuple[HTMLResponse | None, list[str]]:
        """Count a wrong code or credential: the 429 page if that locks the address out, else what to say."""
        verdict = self.limiter.fail(address(request), target)
        if verdict.locked:
            return self.too_many(request, t, verdict), []
        error = [t(key)]
        if verdict.retry_after:
            error.append(t("retry_in", wait=wait(t, verdict.retry_after)))
        return None, error

    # The database: each request's reads in one unit of work, on the services' database executor

    async def at_door(self, fn: Callable[[UnitOfWork], T]) -> T:
        """``fn(uow)`` in one read-only unit of work: the reads made before anyone is signed in, which look
        across organizations (a code or an opening id names its own), so no principal scopes them."""
        database = self.services.backend.database

        def read() -> T:
            with database.unit_of_work(write=False) as uow:
                return fn(uow)

        return await self.services.backend.executor.run(read)

    def candidate(self, organization_id: str) -> Caller:
        """The signed-in (or entering) candidate as a caller: their reads and commands, scoped to their organization."""
        actor = candidate_actor(organization_id)
        return Caller(actor.principal, organization_id, actor, self.services.backend)

    # Who is signed in

    def refusal(self, t: Translator, application: Application) -> str | None:
        """Why the candidate cannot come in now, in their language; None when they can."""
        found = login_refusal(application, self.services.clock.now())
        if found is None:
            return None
        reason, when = found
        if reason is Refusal.INACTIVE or when is None:
            return t("inactive")
        return t("access_not_yet" if reason is Refusal.NOT_YET else "access_closed", date=moment(when))

    def session(self, request: Request) -> CandidateSession | None:
        return self.signer.read(request.cookies.get(COOKIE))

    def signed_in(self, request: Request, application: Application) -> RedirectResponse:
        """Set the signed cookie and send the candidate to their steps (303: the form post is done)."""
        response = RedirectResponse(f"{prefix(request)}/steps", status_code=303)
        response.set_cookie(
            COOKIE,
            self.signer.issue(application),
            max_age=int(self.signer.ttl.total_seconds()),
            path=prefix(request) or "/",
            secure=request.url.scheme == "https",
            httponly=True,
            samesite="strict",
        )
        return response

    def signed_out(self, request: Request, response: R) -> R:
        """``response``, dropping the cookie."""
        response.delete_cookie(
            COOKIE, path=prefix(request) or "/", secure=request.url.scheme == "https", httponly=True, samesite="strict"
        )
        return response

    def same_origin(self, request: Request) -> bool:
        """A form post from another site is refused; a browser that sends no Origin still meets SameSite."""
        origin = request.headers.get("origin")
        if origin is None:
            return True
        own = {f"{request.url.scheme}://{request.headers.get('host', '')}", launch_origin(self.public_base_url)}
        return origin in own

    @property
    def public_base_url(self) -> str:
        return self.services.settings.public_base_url.rstrip("/")


def prefix(request: Request) -> str:
    """Where the page is mounted (``/access``), as the mount tells the sub-app."""
    return str(request.scope.get("root_path", "")).rstrip("/")


def address(request: Request) -> str:
    return request.client.host if request.client else "unknown"
