"""Invitation emails: an opening's template rendered in a sandboxed Jinja2 environment."""

from __future__ import annotations

from typing import Any

from jinja2 import TemplateError
from jinja2.sandbox import SandboxedEnvironment

from candidly.domain.applications import Application
from candidly.domain.openings import EmailTemplate, Opening
from candidly.domain.people import Candidate
from candidly.service.gender import detect_gender

# Templates are written by API clients: the sandbox keeps them away from Python internals, and
# plain text needs no HTML escaping.
_ENV = SandboxedEnvironment(autoescape=False)


class RenderError(Exception):
    """A template that cannot be rendered (a syntax error, or an operation the sandbox forbids)."""


def variables(person: Candidate, application: Application, opening: Opening, public_base_url: str) -> dict[str, Any]:
    """The variables every template sees (DESIGN.md, "Email templates")."""
    code = application.invitation_code
    return {
        # gender: as set, else as detected from the first name, so a template can address the candidate by it.
        "candidate": {
            "fullname": person.fullname or "",
            "email": person.email or "",
            "gender": person.gender or detect_gender(person.first_name),
        },
        "invitation_code": code or "",
        "access_url": f"{public_base_url.rstrip('/')}/access/{code}" if code else "",
        "opening": {"name": opening.name},
    }


def render(template: EmailTemplate, context: dict[str, Any]) -> tuple[str, str]:
    """The (subject, body) of ``template`` with ``context``; the subject is kept to one line."""
    try:
        subject = _ENV.from_string(template.subject).render(context)
        body = _ENV.from_string(template.body).render(context)
    except TemplateError as exc:
        raise RenderError(f"template {template.name!r}: {exc}") from exc
    return " ".join(subject.split()), body
