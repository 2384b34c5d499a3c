"""Invitation emails: what a template sees, and the delivery payload that carries template and variables.

Fan-out only copies the template and its variables into the delivery (it runs in a write transaction);
the worker renders them just before sending, in a child process under a budget (``delivery/renderer.py``).
"""

from __future__ import annotations

from typing import Any

from candidly.delivery.gender import detect_gender
from candidly.domain.applications import Application
from candidly.domain.openings import EmailTemplate, Opening
from candidly.domain.people import Candidate


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


def invitation_payload(
    to: str, application_id: str, template: EmailTemplate, context: dict[str, Any]
) -> dict[str, Any]:
    """An email delivery's payload before rendering: the template as it was when the invitation was fanned out."""
    return {
        "to": to,
        "application_id": application_id,
        "variables": context,
        "template": {"name": template.name, "subject": template.subject, "body": template.body},
    }
