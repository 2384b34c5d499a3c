"""Comeet's candidate fields, each declared once: the core field each is, and what Comeet calls it where.

Comeet writes snake_case, so a request model's attribute is Comeet's name for the field (``linkedin_url``); the
models take their names on the wire from ``wire_name`` and ``answer_name`` (their alias generators), and the
translation, the answers, the errors and the duplicate search take theirs from the same functions. A field Comeet
names irregularly is declared so here, as an alias, and a field is renamed here and nowhere else.
"""

from __future__ import annotations

from typing import Any

from candidly.dialects.fields import wire_names, with_names

# Request attribute -> Comeet's name for it in a request body, where the two differ: none do today.
REQUEST_ALIASES: dict[str, str] = {}
# Request attribute -> Comeet's name for it in the candidate object, where that is not the request's: the id
# number is sent as national_id and read as id_number (Comeet's model).
ANSWER_ALIASES = {"national_id": "id_number"}
# Request attribute -> find_duplicates' query parameter, where that is not the request's name.
QUERY_ALIASES = {"phone": "phone_number"}

# Core Candidate (person) field -> request attribute: the names, taken as sent.
NAMES = {"first_name": "first_name", "middle_name": "middle_name", "last_name": "last_name"}
# The core fields of NAMES a PATCH may not set to null: create requires them, so a candidate always has them. Any other
# field's null clears it (the seed: a PATCH sends only what changes).
NOT_NULL = ("first_name", "last_name")
# Core Application (hiring process) field -> request attribute, taken as sent.
PROCESS = {"external_id": "partner_candidate_id", "salary_expectations": "salary_expectations"}
# The process's opening: the position a create names (a change cannot move a process).
POSITION = {"opening_id": "position_uid"}
# The restricted field: sending it, or reading it (``include``), needs the read:salary scope.
SALARY = PROCESS["salary_expectations"]
# Comeet's fields the core has none for, kept as sent under ``comeet.<attribute>`` attributes of the person and of
# the process (the phone is kept so too, as written, beside the core's E.164 phone). Stored objects are keyed by the
# attribute, not the wire name, so a field renamed on the wire keeps what is already stored.
NS = "comeet."
PERSON_EXTRAS = ("mobile_phone", "national_id")
PROCESS_EXTRAS = ("prospect_status",)


def wire_name(attribute: str) -> str:
    """Comeet's name in a request body for a request model's attribute."""
    return REQUEST_ALIASES.get(attribute, attribute)


def answer_name(attribute: str) -> str:
    """Comeet's name in an answer for what a request calls ``attribute`` (``national_id`` is ``id_number``)."""
    return ANSWER_ALIASES.get(attribute, wire_name(attribute))


def answered(values: dict[str, Any]) -> dict[str, Any]:
    """An answer keyed by the request's names, with Comeet's names for an answer (in the same order)."""
    return with_names(values, _ANSWER_RENAMES)


def query_name(attribute: str) -> str:
    """find_duplicates' query parameter for a request attribute (the phone is ``phone_number``)."""
    return QUERY_ALIASES.get(attribute, wire_name(attribute))


def path(*parts: str | int) -> str:
    """Comeet's name for a field inside a request body: ``path("links", 0, "url")`` is ``links[0].url``."""
    named = ""
    for part in parts:
        named += f"[{part}]" if isinstance(part, int) else f"{'.' if named else ''}{wire_name(part)}"
    return named


_ANSWER_RENAMES = {attribute: answer_name(attribute) for attribute in {*REQUEST_ALIASES, *ANSWER_ALIASES}}
# Core field -> Comeet's name, where the two differ: how errors name a field a core rule refused.
WIRE_NAMES = wire_names({**NAMES, **PROCESS, **POSITION}, wire_name)
