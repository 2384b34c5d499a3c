"""Pure translation between Comeet's candidate fields and Candidly's person, application and their changes.

A Comeet candidate is an application; its person carries the name, email and phone (core fields) and, under
``comeet.`` attribute keys, the contact details only Comeet speaks. The hiring process (the application)
holds ``partner_candidate_id`` as its external id, the restricted ``salary_expectations``, and under its own
``comeet.`` keys the prospect status, source contact, links and custom fields.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any, cast
from urllib.parse import urlsplit

import iso3166

from candidly.dialects.comeet import files
from candidly.dialects.comeet.errors import Code, ComeetError
from candidly.dialects.comeet.fields import (
    NAMES,
    NOT_NULL,
    NS,
    PERSON_EXTRAS,
    PROCESS,
    PROCESS_EXTRAS,
    answered,
    path,
    query_name,
)
from candidly.dialects.comeet.schemas import STATUSES, CandidateCreate, CandidateFields
from candidly.domain.applications import effective_steps
from candidly.domain.attempts import COMPLETE
from candidly.domain.commands import ApplicationChanges, AttachmentSpec, CandidateChanges
from candidly.domain.errors import InvalidField
from candidly.domain.openings import Opening
from candidly.domain.people import User, split_fullname
from candidly.domain.values import email_address, phone_number
from candidly.service.ports import Filters
from candidly.service.reader import ApplicationView

IN_PROGRESS = "In progress"
FileUrl = Callable[[str], str | None]  # an attachment id -> its signed link (None for a key that cannot sign)


def comeet_time(value: datetime | None) -> str | None:
    """Comeet writes times as ``YYYY-MM-DDTHH:mm:ssZ``: UTC, whole seconds."""
    return None if value is None else value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def parse_time(value: str, field: str) -> datetime:
    """A ``YYYY-MM-DDTHH:mm:ssZ`` time (an offset instead of Z is accepted); ``invalid_datetime`` otherwise."""
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError as exc:
        raise ComeetError(400, "invalid_datetime", f"{field}: must be a time as YYYY-MM-DDTHH:mm:ssZ") from exc
    return parsed if parsed.tzinfo is not None else parsed.replace(tzinfo=UTC)


def web_url(value: str, field: str, code: Code, hosts: tuple[str, ...] = ()) -> str:
    """An absolute http(s) URL (on one of ``hosts`` when given)."""
    parts = urlsplit(value.strip())
    host = (parts.hostname or "").lower()
    ok = parts.scheme in ("http", "https") and "." in host and " " not in value.strip()
    if ok and hosts:
        ok = any(host == h or host.endswith(f".{h}") for h in hosts)
    if not ok:
        where = f" on {' or '.join(hosts)}" if hosts else ""
        raise ComeetError(400, code, f"{field}: must be an http or https URL{where}")
    return value.strip()


def _phone(value: str | None, out: dict[str, Any], extras: dict[str, Any]) -> None:
    """Comeet takes phone numbers as written: kept as given, and in E.164 as the core phone when valid."""
    extras[NS + "phone"] = value
    try:
        out["phone"] = None if value is None else phone_number(value, path("phone"))
    except InvalidField:
        out["phone"] = None


def _address(body: CandidateFields) -> dict[str, Any] | None:
    if body.address is None:
        return None
    address = body.address.model_dump(exclude_none=True)
    country = address.get("country")
    if country is not None:
        if country.upper() not in iso3166.countries_by_alpha2:
            where = path("address", "country")
            raise ComeetError(400, "incorrect_country_code", f"{where}: must be an ISO 3166 alpha-2 code")
        address["country"] = country.upper()
    return address or None


def person_changes(body: CandidateFields) -> CandidateChanges:
    """Core candidate changes (only the fields sent; null clears, but for NOT_NULL's), with ``attributes_patch`` for
    the rest."""
    given = body.model_fields_set
    for core in NOT_NULL:
        if NAMES[core] in given and getattr(body, NAMES[core]) is None:
            raise InvalidField(core, "must not be null")
    out: dict[str, Any] = {core: getattr(body, attr) for core, attr in NAMES.items() if attr in given}
    if "email" in given:
        out["email"] = None if body.email is None else email_address(body.email, path("email"))
    extras: dict[str, Any] = {NS + k: getattr(body, k) for k in PERSON_EXTRAS if k in given}
    if "phone" in given:
        _phone(body.phone, out, extras)
    if "linkedin_url" in given:
        url = body.linkedin_url
        where = path("linkedin_url")
        extras[NS + "linkedin_url"] = (
            None if url is None else web_url(url, where, "invalid_linkedin_url", ("linkedin.com",))
        )
    if "address" in given:
        extras[NS + "address"] = _address(body)
    if extras:
        out["attributes_patch"] = extras
    return cast(CandidateChanges, out)


def _custom_fields(body: CandidateFields, allowed: list[str], held: dict[str, Any]) -> dict[str, Any] | None:
    """Merged into what the process holds; only the position's declared fields are accepted."""
    merged = dict(held)
    for key, value in (body.custom_fields or {}).items():
        if key not in allowed:
            where = f"{path('custom_fields')}.{key}"
            raise ComeetError(400, "invalid_custom_candidate_field", f"{where}: is not a custom field")
        merged[key] = value
    return {k: v for k, v in merged.items() if v is not None} or None


def _source_contact(body: CandidateFields) -> dict[str, Any] | None:
    contact = body.source_contact
    if contact is None:
        return None
    return {
        "full_name": contact.full_name.strip(),
        "email": email_address(contact.email, path("source_contact", "email")),
        "phone": contact.phone,
    }


def process_changes(body: CandidateFields, allowed_custom: list[str], held: dict[str, Any]) -> ApplicationChanges:
    """Application changes: the partner id, the restricted salary, and the process's own Comeet fields."""
    given = body.model_fields_set
    out: dict[str, Any] = {core: getattr(body, attr) for core, attr in PROCESS.items() if attr in given}
    extras: dict[str, Any] = {NS + k: getattr(body, k) for k in PROCESS_EXTRAS if k in given}
    if "source_contact" in given:
        extras[NS + "source_contact"] = _source_contact(body)
    if "links" in given:
        extras[NS + "links"] = [
            {"name": link.name, "url": web_url(link.url, path("links", i, "url"), "invalid_url")}
            for i, link in enumerate(body.links or [])
        ] or None
    if "custom_fields" in given:
        extras[NS + "custom_fields"] = _custom_fields(body, allowed_custom, held.get(NS + "custom_fields") or {})
    if extras:
        out["attributes_patch"] = extras
    return cast(ApplicationChanges, out)


def tags(body: CandidateCreate) -> list[str]:
    """Tag names (sent as strings or as ``{name}`` objects) become the process's labels."""
    return [t if isinstance(t, str) else t.name for t in body.tags or []]


def source(body: CandidateCreate) -> dict[str, Any] | None:
    return None if body.source is None else body.source.model_dump()


def attachments(body: CandidateFields) -> tuple[AttachmentSpec, ...]:
    found = []
    if body.resume is not None:
        found.append(files.attachment(body.resume, path("resume"), "resume", files.RESUME_TYPES))
    if body.picture is not None:
        found.append(files.attachment(body.picture, path("picture"), "picture", files.PICTURE_TYPES))
    for i, item in enumerate(body.files or []):
        found.append(files.attachment(item, path("files", i), "file", files.FILE_TYPES))
    return tuple(found)


def notes(body: CandidateFields) -> tuple[str, ...]:
    return (body.note,) if body.note and body.note.strip() else ()


def status(view: ApplicationView) -> str:
    """Comeet's status of the process; Candidly runs no workflow, so a process is in progress until told."""
    value = view.application.status
    return value if value in STATUSES else IN_PROGRESS


def steps(view: ApplicationView) -> dict[str, list[dict[str, Any]]]:
    """Completed steps have a completed attempt; the first other one is current while the process runs."""
    completed: list[dict[str, Any]] = []
    rest: list[dict[str, Any]] = []
    for step in effective_steps(view.application, view.opening):
        attempts = [s for s in view.sessions if s.step_id == step.step_id]
        done = [s for s in attempts if s.status == COMPLETE]
        kind = view.opening.step(step.step_id)
        entry = {
            "position_step_uid": step.step_id,
            "name": step.name,
            "type": kind.type if kind else None,
            "time_scheduled": comeet_time(attempts[0].started_at) if attempts else None,
        }
        if done:
            completed.append(answered({**entry, "time_completed": comeet_time(done[-1].completed_at)}))
        else:
            rest.append(answered({**entry, "time_completed": None}))
    running = status(view) == IN_PROGRESS
    return {
        "completed_steps": completed,
        "current_steps": rest[:1] if running else [],
        "future_steps": rest[1:] if running else rest,
    }


def _files(view: ApplicationView, url: FileUrl) -> dict[str, Any]:
    """The latest resume and picture, and every other file, each as a name and an expiring URL."""
    latest: dict[str, dict[str, Any]] = {}
    others = []
    for item in view.attachments:  # oldest first
        shown = answered({"name": item.name, "url": url(item.id)})
        if item.kind in ("resume", "picture"):
            latest[item.kind] = shown
        else:
            others.append(shown)
    return {"resume": latest.get("resume"), "picture": latest.get("picture"), "files": others}


def _source_contact_out(value: dict[str, Any] | None) -> dict[str, Any] | None:
    """The model's shape (first and last name) with what was sent kept too (docs/vendors/comeet.md, decision 12)."""
    if not value:
        return None
    first, _, last = value["full_name"].partition(" ")
    return answered(
        {
            "uid": None,
            "first_name": first,
            "last_name": last or None,
            "email": value["email"],
            "full_name": value["full_name"],
            "phone": value.get("phone"),
        }
    )


def _stored(value: dict[str, Any] | None) -> dict[str, Any] | None:
    """An object kept as the request sent it (an address, a source): keyed by the request's names."""
    return None if value is None else answered(value)


def candidate(view: ApplicationView, url: FileUrl, show_salary: bool, base_url: str) -> dict[str, Any]:
    """The candidate object (docs/vendors/comeet.md, decision 13); ``url(attachment_id)`` signs a file's URL."""
    a, person = view.application, view.candidate
    if a.deleted_at is not None or person.deleted_at is not None:
        return answered({"uid": a.id, "deleted": True})
    p_extra = {k.removeprefix(NS): v for k, v in person.attributes.items() if k.startswith(NS)}
    a_extra = {k.removeprefix(NS): v for k, v in a.attributes.items() if k.startswith(NS)}
    # Keyed by the request's names; Comeet's names in an answer are derived from them at the end.
    body: dict[str, Any] = {
        "uid": a.id,
        "person_uid": person.id,
        "position_uid": a.opening_id,
        "deleted": False,
        "partner_candidate_id": a.external_id,
        "first_name": person.first_name,
        "middle_name": person.middle_name,
        "last_name": person.last_name,
        "email": person.email,
        "phone": p_extra.get("phone", person.phone),
        "mobile_phone": p_extra.get("mobile_phone"),
        "national_id": p_extra.get("national_id"),
        "linkedin_url": p_extra.get("linkedin_url"),
        "address": _stored(p_extra.get("address")),
        "source_contact": _source_contact_out(a_extra.get("source_contact")),
        "prospect_status": a_extra.get("prospect_status"),
        "status": status(view),
        "source": _stored(a_extra.get("source")),
        "time_created": comeet_time(a.created_at),
        "time_last_status_changed": comeet_time(a.status_changed_at or a.created_at),
        "URL": f"{base_url.rstrip('/')}/comeet/candidates/{a.id}",
        "links": [answered(link) for link in a_extra.get("links") or []],
        "custom_fields": a_extra.get("custom_fields") or {},
        "tags": [answered({"name": label}) for label in a.labels],
        **steps(view),
        **_files(view, url),
    }
    if body["status"] == "Hired":
        # Hired is the last status change, so its time is the hire date (never read time_last_status_changed).
        body["opening"] = answered(
            {
                "uid": a.opening_id,
                "time_start_to_work": None,
                "hired_candidate_hire_date": body["time_last_status_changed"],
            }
        )
    if show_salary:
        body["salary_expectations"] = a.salary_expectations
    return answered(body)


def _user(user: User | None) -> dict[str, Any] | None:
    if user is None or user.deleted_at is not None:
        return None
    first, last = split_fullname(user.fullname) if user.fullname else (user.username, None)
    return answered({"uid": user.id, "first_name": first, "last_name": last, "email": user.email})


LOCATION_KEYS = ("name", "city", "state", "country")


def _location(value: dict[str, Any] | None) -> dict[str, Any] | None:
    """Every key of Comeet's location, null when not known: clients index it (``location["state"]``)."""
    return None if value is None else answered({key: value.get(key) for key in LOCATION_KEYS})


def position(opening: Opening, lead_recruiter: User | None) -> dict[str, Any]:
    """Comeet's position object: an opening of kind position, with the users it names."""
    return answered(
        {
            "uid": opening.id,
            "name": opening.name,
            "status": opening.status,
            "department": opening.department,
            "location": _location(opening.location),
            "experience_level": opening.experience_level,
            "employment_type": opening.employment_type,
            "details": [answered(detail) for detail in opening.details],
            "users": answered({"lead_recruiter": _user(lead_recruiter)}),
            "time_created": comeet_time(opening.created_at),
            "time_updated": comeet_time(opening.updated_at),
        }
    )


# What find_duplicates finds a person by, as the request attributes they are; its parameters are their query names.
DUPLICATE_FIELDS = ("email", "first_name", "last_name", "linkedin_url", "phone")
DUPLICATE_KEYS = tuple(query_name(attribute) for attribute in DUPLICATE_FIELDS)


def duplicate_criteria(params: dict[str, str]) -> list[Filters]:
    """One person filter per thing that identifies someone: email, full name, LinkedIn URL, phone (as written or
    as E.164). A first name or a last name alone identifies no one."""
    given = {k: params.get(query_name(k), "").strip() for k in DUPLICATE_FIELDS}
    given = {k: v for k, v in given.items() if v}
    found: list[Filters] = []
    if "email" in given:
        found.append(Filters(equal={"email": email_address(given["email"], query_name("email"))}))
    if "first_name" in given and "last_name" in given:
        found.append(Filters(equal={"first_name": given["first_name"], "last_name": given["last_name"]}))
    if "linkedin_url" in given:
        found.append(Filters(attributes={NS + "linkedin_url": given["linkedin_url"]}))
    if "phone" in given:
        found.append(Filters(attributes={NS + "phone": given["phone"]}))
        # A number phonenumbers does not know can match only as written.
        with contextlib.suppress(InvalidField):
            found.append(Filters(equal={"phone": phone_number(given["phone"], query_name("phone"))}))
    if not found:
        email, first, last, linkedin, phone = DUPLICATE_KEYS
        raise ComeetError(400, "required_field", f"give {email}, {first} and {last}, {linkedin} or {phone}")
    return found
