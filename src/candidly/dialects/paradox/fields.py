"""Paradox's candidate fields, each declared once: what Paradox calls it, and where Candidly keeps it.

Paradox writes its names in snake_case, so a wire model's attribute is Paradox's name as it stands (``ex_id``,
``language_preference``); a name Paradox spells otherwise is an explicit alias in ``ALIASES``. The wire models
(schemas.py) take ``wire_name`` as their alias generator, and the form parts, the answers and the error messages
name a field by its attribute through it too: a field is renamed on the wire by one entry here and nowhere else.
Query and path parameters are named by their endpoints' signatures (routes.py).
"""

from __future__ import annotations

from typing import Any

from candidly.dialects.fields import wire_names, with_names

# Attribute -> Paradox's name, where the two differ: the candidate's number is in capitals.
ALIASES = {"oid": "OID"}

# The path's candidate parameter, as Paradox's reference names it (``/candidates/{ID}``): what a refusal of the
# candidate a path names (unknown, or an ex_id several candidates share) names as its field.
PATH_ID = "ID"
# Core Candidate field -> the attribute it is read from and shown as (translate.py gives each its rule).
CORE = {
    "first_name": "first_name",
    "last_name": "last_name",
    "email": "email",
    "phone": "phone",
    "external_id": "ex_id",
    "status": "status",
    "language": "language_preference",
}
# A core field no attribute maps one to one -> the attribute an error about it names.
NAMED_BY = {"note": "note", "attachments": "resume"}
# Paradox fields kept as profile data, as sent (after the schema's limits), in ``Candidate.attributes``.
PROFILE = (
    "candidate_location_info",
    "hirevue_link",
    "pymetrics_link",
    "adp_link",
    "ex_step",
    "ex_status",
    "ex_reason",
    "job_req_id",
    "job_title",
    "job_loc_code",
    "audience_type",
    "hm_cid",
    "external_group_id",
    "hirevue_instructions",
    "referrer_name",
    "external_referrer",
    "hiring_manager",
    "candidate_journey",
    "external_source_id",
    "offer_file_name",
    "job_application_id",
    "talent_community",
    "consent_to_marketing",
    "location",
    "skip_send_opt_in",
    "community_of_interest",
)
PROFILE_EMAILS = ("referrer_email", "recruiter_email")  # profile data too, once checked as email addresses
# Paradox's own fields that its conversations set, not its API: Candidly shows them when an importer or the native
# API has put them in the candidate's attributes (``paradox.source``, ...), and the list filters on them.
CONVERSATION = ("source", "start_keyword", "group_name", "location_id", "profile_id")
FILES = ("resume", "offer_letter")  # a base64 string, or a file part of a multipart form
JSON_TEXT = ("candidate_attribute_data",)  # an object, which a form part carries as JSON text

NS = "paradox."


def wire_name(attribute: str) -> str:
    """Paradox's name for a wire model's attribute: the attribute itself unless ``ALIASES`` says otherwise."""
    return ALIASES.get(attribute, attribute)


def key(attribute: str) -> str:
    """Where a field only Paradox speaks is kept in ``Candidate.attributes`` (the core merges it; null drops it)."""
    return NS + attribute


def on_wire(answer: dict[str, Any]) -> dict[str, Any]:
    """An answer written with attribute names, under Paradox's names (in the same order)."""
    return with_names(answer, ALIASES)  # wire_name is ALIASES or the attribute itself


# Core field or attribute -> Paradox's name, where the two differ: how errors name the field they refuse.
WIRE_NAMES = {**wire_names({**CORE, **NAMED_BY}, wire_name), **ALIASES}
