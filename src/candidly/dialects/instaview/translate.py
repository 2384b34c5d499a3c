"""Pure translation between InstaView's wire format and Candidly's commands and entities."""

from __future__ import annotations

from typing import Any

from candidly.dialects.base import iso
from candidly.dialects.instaview import schemas as wire
from candidly.domain.applications import Application
from candidly.domain.openings import Opening
from candidly.domain.people import Candidate
from candidly.service.gender import detect_gender

# Core field -> InstaView field, for the candidate fields that map one to one.
_CANDIDATE_FIELDS = {"first_name": "first_name", "last_name": "last_name", "email": "email", "phone": "phone_number",
                     "gdpr_expiry_date": "gdpr_expiry_date", "metadata": "metadata", "gender": "gender", "cv": "cv",
                     "status": "status"}  # fmt: skip


def candidate_fields(body: wire.CandidateCreate | wire.CandidateUpdate) -> dict[str, Any]:
    """The fields the client sent (null included: it clears), as Candidate attributes."""
    given = body.model_fields_set
    return {core: getattr(body, attr) for core, attr in _CANDIDATE_FIELDS.items() if attr in given}


def job_ids_of(body: wire.CandidateCreate | wire.CandidateUpdate) -> list[str] | None:
    """``jobIds`` wins over the deprecated ``jobId`` (section 6, InstaView 26)."""
    if body.job_ids is not None:
        return body.job_ids
    job_id = getattr(body, "job_id", None)
    return [job_id] if job_id else None


def candidate(person: Candidate, applications: list[Application], prefix: str) -> dict[str, Any]:
    jobs = [a.opening_id for a in sorted(applications, key=lambda a: a.id)]
    links = f"{prefix}/candidates/{person.id}"
    return {
        "id": person.id, "firstName": person.first_name, "lastName": person.last_name, "status": person.status,
        "createdAt": iso(person.created_at), "updatedAt": iso(person.updated_at),
        "jobId": jobs[0] if jobs else None, "jobIds": jobs, "email": person.email, "phoneNumber": person.phone,
        "gdprExpiryDate": person.gdpr_expiry_date.isoformat() if person.gdpr_expiry_date else None,
        "overallRating": None, "metadata": person.metadata, "analysisCount": 0, "interviewCount": 0,
        "links": {"analyses": f"{links}/analyses", "interviews": f"{links}/interviews"},
        # An explicit gender wins; null falls back to detection from the first name (the seed's rule).
        "gender": person.gender or detect_gender(person.first_name), "cv": person.cv,
    }  # fmt: skip


def job(opening: Opening) -> dict[str, Any]:
    return {
        "id": opening.id, "companyId": opening.organization_id, "title": opening.name,
        "description": opening.settings.get("description"), "status": opening.status,
        "jobUrl": opening.settings.get("jobUrl"), "createdAt": iso(opening.created_at), "updatedAt": iso(opening.updated_at),
    }  # fmt: skip
