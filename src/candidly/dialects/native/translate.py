"""Entities -> native JSON, and the ETag / If-Match conventions of the native API."""

from __future__ import annotations

from typing import Any

from candidly.dialects.base import iso
from candidly.domain.applications import Application, EffectiveStep
from candidly.domain.errors import InvalidField
from candidly.domain.events import Event
from candidly.domain.openings import Opening, Step
from candidly.domain.people import Candidate, User
from candidly.domain.principals import Principal
from candidly.domain.values import is_digits
from candidly.service.ports import Page


def etag(version: int) -> str:
    return f'"{version}"'


def parse_if_match(header: str | None) -> int | None:
    """The version named by an If-Match header (``"3"`` or ``W/"3"``); None when absent or ``*``."""
    if header is None or header.strip() == "*":
        return None
    value = header.strip().removeprefix("W/").strip('"')
    if not is_digits(value):
        raise InvalidField("If-Match", "must be an ETag this API gave out")
    return int(value)


def organization_for(principal: Principal, requested: str | None) -> str:
    """The organization a native call acts in (multi-organization keys name it in X-Organization-Id)."""
    if principal.is_operator:
        if requested is None:
            raise InvalidField("X-Organization-Id", "the operator must name the organization")
        return requested
    return principal.organization(requested)


def candidate_out(c: Candidate) -> dict[str, Any]:
    return {
        "id": c.id,
        "seq": c.seq,
        "first_name": c.first_name,
        "last_name": c.last_name,
        "middle_name": c.middle_name,
        "fullname": c.fullname,
        "email": c.email,
        "phone": c.phone,
        "external_id": c.external_id,
        "status": c.status,
        "language": c.language,
        "gender": c.gender,
        "gdpr_expiry_date": c.gdpr_expiry_date.isoformat() if c.gdpr_expiry_date else None,
        "metadata": c.metadata,
        "attributes": c.attributes,
        "created_at": iso(c.created_at),
        "updated_at": iso(c.updated_at),
        "version": c.version,
        "erased_at": iso(c.erased_at),
    }


def step_out(s: EffectiveStep) -> dict[str, Any]:
    return {"step_id": s.step_id, "name": s.name, **_access(s), "overridden": sorted(s.overridden)}


def _access(s: EffectiveStep | Step) -> dict[str, Any]:
    """A step's position and access settings, as an opening declares them and as one application sees them."""
    return {
        "position": s.position,
        "active": s.active,
        "active_after": iso(s.active_after),
        "active_before": iso(s.active_before),
        "attempt_limit": s.attempt_limit,
        "launch_url": s.launch_url,
    }


def _override_out(override: dict[str, Any]) -> dict[str, Any]:
    return {k: iso(v) if hasattr(v, "isoformat") else v for k, v in override.items()}


def application_out(a: Application, steps: list[EffectiveStep]) -> dict[str, Any]:
    return {
        "id": a.id,
        "candidate_id": a.candidate_id,
        "opening_id": a.opening_id,
        "kind": a.kind,
        "user_id": a.user_id,
        "group": a.group,
        "labels": a.labels,
        "tags": a.tags,
        "external_id": a.external_id,
        "external_data": a.external_data,
        "language": a.language,
        "program_ids": a.program_ids,
        "extra_emails": a.extra_emails,
        "active": a.active,
        "active_after": iso(a.active_after),
        "active_before": iso(a.active_before),
        "price_amount": a.price_amount,
        "price_currency": a.price_currency,
        "favorite": a.favorite,
        "rating": a.rating,
        "stage": a.stage,
        "status": a.status,
        "status_changed_at": iso(a.status_changed_at),
        "invitation_code": a.invitation_code,
        "logged_in": a.logged_in,
        "source": a.source,
        "uniq_id": a.uniq_id,
        "session_count": a.session_count,
        "step_overrides": {k: _override_out(v) for k, v in a.step_overrides.items()},
        "steps": [step_out(s) for s in steps],
        "created_at": iso(a.created_at),
        "updated_at": iso(a.updated_at),
        "version": a.version,
    }


def opening_out(o: Opening) -> dict[str, Any]:
    return {
        "id": o.id,
        "kind": o.kind,
        "name": o.name,
        "external_id": o.external_id,
        "language": o.language,
        "default_group": o.default_group,
        "settings": o.settings,
        "status": o.status,
        "department": o.department,
        "location": o.location,
        "experience_level": o.experience_level,
        "employment_type": o.employment_type,
        "details": o.details,
        "lead_recruiter_id": o.lead_recruiter_id,
        "application_count": o.application_count,
        "created_at": iso(o.created_at),
        "updated_at": iso(o.updated_at),
        "version": o.version,
        "steps": [{"id": s.id, "key": s.key, "name": s.name, "type": s.type, **_access(s)} for s in o.steps],
        "programs": [{"id": p.id, "name": p.name, "step_ids": p.step_ids} for p in o.programs],
        "email_templates": [
            {"id": t.id, "name": t.name, "subject": t.subject, "body": t.body} for t in o.email_templates
        ],
    }


def user_out(u: User) -> dict[str, Any]:
    return {
        "id": u.id,
        "username": u.username,
        "fullname": u.fullname,
        "email": u.email,
        "tags": u.tags,
        "created_at": iso(u.created_at),
        "updated_at": iso(u.updated_at),
        "version": u.version,
    }


def event_out(e: Event) -> dict[str, Any]:
    return {
        "id": e.id,
        "type": e.type,
        "subject_type": e.subject_type,
        "subject_id": e.subject_id,
        "occurred_at": iso(e.occurred_at),
        "actor": e.actor,
        "changes": e.changes,
        "data": e.data,
    }


def page_out(page: Page[Any], render: Any) -> dict[str, Any]:
    return {
        "items": [render(i) for i in page.items],
        "next_cursor": page.next_cursor,
        "prev_cursor": page.prev_cursor,
    }
