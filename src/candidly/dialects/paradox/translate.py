"""Pure translation between Paradox's candidate fields and Candidly's candidate changes and entities.

Name, contact, ``ex_id``, ``status`` and ``language_preference`` map onto core fields; everything only Paradox
speaks lives in ``Candidate.attributes`` under ``paradox.<field>`` keys, merged by the core (a null drops one).
Fields are named by their wire models' attributes; fields.py says what each is called on the wire.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any, cast

from candidly.dialects.base import iso
from candidly.dialects.paradox import files
from candidly.dialects.paradox.errors import MissingField
from candidly.dialects.paradox.fields import CONVERSATION, CORE, NS, PROFILE, PROFILE_EMAILS, key, on_wire, wire_name
from candidly.dialects.paradox.schemas import CandidateIn
from candidly.domain.commands import AttachmentSpec, CandidateChanges
from candidly.domain.errors import InvalidField
from candidly.domain.events import Event, EventType
from candidly.domain.people import Candidate
from candidly.domain.status_maps import StatusMap, journey_status
from candidly.domain.values import email_address, is_digits

STATUSES = {1: "APPROVED", 2: "PENDING", 3: "ARCHIVED", 4: "DRAFT", 5: "SPAM"}
STATUS_CODES = {name: code for code, name in STATUSES.items()}
CONTACT_METHODS = {1: "Email", 2: "SMS", 3: "Email & SMS", 4: "WhatsApp & Email", 5: "WhatsApp"}
DEFAULT_CONTACT_METHOD = 3
FREE_TEXT = 1  # the conversation's message_type of a free-text message
# The 57 codes of the reference's language-code page. The eleven seen in the create page and clients (en, es,
# fr_fr, it_it, ja_jp, ko_kr, pt_br, ru_ru, tr_tr, zh_cn, zh_tw) are certain; the rest follow their
# ``language_country`` pattern (the page itself is not public: docs/vendors/paradox.md, decision 16).
LANGUAGES = (
    "ar_ae",
    "bg_bg",
    "bn_bd",
    "cs_cz",
    "cy_gb",
    "da_dk",
    "de_de",
    "el_gr",
    "en",
    "en_gb",
    "es",
    "es_es",
    "et_ee",
    "fa_ir",
    "fi_fi",
    "fil_ph",
    "fr_ca",
    "fr_fr",
    "gu_in",
    "he_il",
    "hi_in",
    "hr_hr",
    "ht_ht",
    "hu_hu",
    "hy_am",
    "id_id",
    "it_it",
    "ja_jp",
    "km_kh",
    "ko_kr",
    "lo_la",
    "lt_lt",
    "lv_lv",
    "ms_my",
    "my_mm",
    "nl_nl",
    "no_no",
    "pa_in",
    "pl_pl",
    "pt_br",
    "pt_pt",
    "ro_ro",
    "ru_ru",
    "sk_sk",
    "sl_si",
    "so_so",
    "sr_rs",
    "sv_se",
    "sw_ke",
    "ta_in",
    "th_th",
    "tr_tr",
    "uk_ua",
    "ur_pk",
    "vi_vn",
    "zh_cn",
    "zh_tw",
)
NAME_MAX = 50
ATTRIBUTE_VALUE_MAX = 255
StatusMapLookup = Callable[[str], StatusMap | None]


def code(value: int | str | None, field: str, names: dict[int, str]) -> int | None:
    """A Paradox code: an integer or a numeric string in ``names`` (or, for status, the name itself)."""
    if value is None:
        return None
    if isinstance(value, str) and value.strip().upper() in names.values() and field == "status":
        return STATUS_CODES[value.strip().upper()]
    text = str(value).strip()
    # Nine digits at most: int() refuses very long strings, and every code is small.
    if isinstance(value, bool) or not is_digits(text) or len(text) > 9 or int(text) not in names:
        allowed = ", ".join(f"{k} = {v}" for k, v in names.items())
        raise InvalidField(field, f"must be one of {allowed}")
    return int(text)


def _names(body: CandidateIn, given: set[str], current: Candidate | None) -> dict[str, Any]:
    """first_name/last_name win over ``name``, split on its first space (docs/vendors/paradox.md, decision 8)."""
    parts = {core: CORE[core] for core in ("first_name", "last_name")}
    out: dict[str, Any] = {}
    if given & set(parts.values()):
        out = {core: getattr(body, attr) for core, attr in parts.items() if attr in given}
    elif "name" in given:
        head, _, tail = (body.name or "").strip().partition(" ")
        if not head:
            raise InvalidField("name", "must not be empty")
        out = {"first_name": head, "last_name": tail.strip() or None}
    first = out.get("first_name", current.first_name if current else None)
    last = out.get("last_name", current.last_name if current else None)
    both = " and ".join(wire_name(attr) for attr in parts.values())
    if len(" ".join(p for p in (first, last) if p)) > NAME_MAX:
        raise InvalidField("first_name", f"{both} together must be at most {NAME_MAX} characters")
    if current is None and not first:
        raise MissingField("name", f"{wire_name('name')}, or {both}, is required")
    return out


def merged_attribute_data(
    value: dict[str, str | None] | None, current: Candidate | None, field: str = "candidate_attribute_data"
) -> dict[str, str]:
    """Merged into what the candidate holds (docs/vendors/paradox.md, decision 12); a null value drops a key."""
    merged: dict[str, str | None] = {**attribute_data(current)} if current else {}
    for name, item in (value or {}).items():
        if item is not None and len(item) > ATTRIBUTE_VALUE_MAX:
            raise InvalidField(f"{field}.{name}", f"must be at most {ATTRIBUTE_VALUE_MAX} characters")
        merged[name] = item
    return {k: v for k, v in merged.items() if v is not None}


def _journey_status(body: CandidateIn, given: set[str], lookup: StatusMapLookup) -> tuple[bool, str | None]:
    """(given, value): a status map, when asked for, decides the journey status (docs/vendors/paradox.md,
    decision 11)."""
    if body.use_paradox_status_map:
        for field in ("status_map_name", "status_map_ex_id"):
            if not getattr(body, field):
                raise MissingField(field, f"is required when {wire_name('use_paradox_status_map')} is true")
        found = lookup(body.status_map_name or "")
        if found is None:
            raise InvalidField("status_map_name", f"no status map named {body.status_map_name!r}")
        if body.status_map_ex_id not in found.entries:
            raise InvalidField("status_map_ex_id", f"{body.status_map_ex_id!r} is not in status map {found.name!r}")
        return True, found.entries[body.status_map_ex_id or ""]
    if "candidate_journey_status" not in given:
        return False, None
    value = body.candidate_journey_status
    return True, None if value is None else journey_status(value, "candidate_journey_status")


def _extras(body: CandidateIn, given: set[str], current: Candidate | None, lookup: StatusMapLookup) -> dict[str, Any]:
    patch: dict[str, Any] = {key(f): getattr(body, f) for f in PROFILE if f in given}
    for field in PROFILE_EMAILS:
        if field in given:
            value = getattr(body, field)
            patch[key(field)] = None if value is None else email_address(value, field)
    if "hiring_email" in given:
        if "hiring_manager" in given and body.hiring_manager != body.hiring_email:
            manager = wire_name("hiring_manager")
            raise InvalidField("hiring_email", f"is an alias of {manager}: give one, or both equal")
        value = body.hiring_email
        patch[key("hiring_manager")] = None if value is None else email_address(value, "hiring_email")
    if body.use_application_id_for_identity and not body.job_application_id:
        flag = wire_name("use_application_id_for_identity")
        raise MissingField("job_application_id", f"is required when {flag} is true")
    if "primary_contact_method" in given:
        patch[key("primary_contact_method")] = code(
            body.primary_contact_method, "primary_contact_method", CONTACT_METHODS
        )
    if "hired_date" in given:
        patch[key("hired_date")] = iso(body.hired_date)
    if "candidate_attribute_data" in given:
        patch[key("candidate_attribute_data")] = merged_attribute_data(body.candidate_attribute_data, current) or None
    journey_given, journey = _journey_status(body, given, lookup)
    if journey_given:
        patch[key("candidate_journey_status")] = journey
    return patch


def candidate_changes(body: CandidateIn, current: Candidate | None, lookup: StatusMapLookup) -> CandidateChanges:
    """The core changes the body asks for (only the fields sent; null clears)."""
    given = set(body.model_fields_set)
    changes = _names(body, given, current)
    for core in ("email", "phone"):  # as sent: the core checks them
        if CORE[core] in given:
            changes[core] = getattr(body, CORE[core])
    if "ex_id" in given:  # a blank ex_id (a form's empty part) clears it (docs/vendors/paradox.md, decision 4)
        changes["external_id"] = (body.ex_id or "").strip() or None
    if "status" in given:
        status = code(body.status, "status", STATUSES)
        changes["status"] = None if status is None else STATUSES[status]
    if "language_preference" in given or current is None:
        language = (body.language_preference or "en").lower()
        if language not in LANGUAGES:
            raise InvalidField("language_preference", f"must be one of {', '.join(LANGUAGES)}")
        changes["language"] = language
    email = changes.get("email", current.email if current else None)
    phone = changes.get("phone", current.phone if current else None)
    if not email and not phone:
        raise MissingField("email", "an email or a phone number (with its country code) is required")
    extras = _extras(body, given, current, lookup)
    if extras:
        changes["attributes_patch"] = extras
    return cast(CandidateChanges, changes)


def attachments(body: CandidateIn, uploads: Mapping[str, bytes]) -> tuple[AttachmentSpec, ...]:
    """The resume and offer letter: multipart file parts (``uploads``, checked even when empty) or base64 strings."""
    found = []
    resume = uploads.get("resume", body.resume)
    if resume is not None and resume != "":
        found.append(files.resume(resume))
    offer = uploads.get("offer_letter", body.offer_letter)
    if offer is not None and offer != "":
        found.append(files.offer_letter(offer, body.offer_file_name))
    return tuple(found)


def notes(body: CandidateIn) -> tuple[str, ...]:
    return (body.note,) if body.note and body.note.strip() else ()


def attribute_data(person: Candidate) -> dict[str, str]:
    return dict(person.attributes.get(key("candidate_attribute_data")) or {})


def candidate(person: Candidate, notes: Sequence[str] | None = None, with_attributes: bool = True) -> dict[str, Any]:
    """The Paradox candidate object: core fields, then every Paradox field (null when never set).

    ``notes`` are shown as one text, oldest first (None: not asked for); ``attributes`` is always an object, empty
    unless ``with_attributes``. Written with the wire models' attributes, answered under Paradox's names.
    """
    extra = {name.removeprefix(NS): v for name, v in person.attributes.items() if name.startswith(NS)}
    status = STATUS_CODES.get(person.status or "")
    body: dict[str, Any] = {field: extra.get(field) for field in (*PROFILE, *PROFILE_EMAILS, *CONVERSATION)}
    body.update(
        {
            wire_name("oid"): person.seq,  # named already: on_wire then has nothing to copy (lists render many)
            "external_oid": person.public_ref,
            "ex_id": person.external_id,
            "name": person.fullname,
            "edited_name": person.fullname,
            "first_name": person.first_name,
            "last_name": person.last_name,
            "email": person.email,
            "phone": person.phone,
            "phone_number": person.phone,
            "formatted_number": person.phone,
            "status": status,
            "language_preference": person.language or "en",
            "primary_contact_method": extra.get("primary_contact_method") or DEFAULT_CONTACT_METHOD,
            "hired_date": extra.get("hired_date"),
            "candidate_journey_status": extra.get("candidate_journey_status"),
            "hiring_email": extra.get("hiring_manager"),
            "candidate_attribute_data": attribute_data(person),
            "attributes": attribute_data(person) if with_attributes else {},
            "note": "\n".join(notes) if notes else None,
            "talent_community": bool(extra.get("talent_community")),
            "unsubscribed": person.unsubscribed,
            "created_at": iso(person.created_at),
            "updated_at": iso(person.updated_at),
        }
    )
    return on_wire(body)


def stage(person: Candidate) -> dict[str, str | None]:
    """The journey stage: ``candidate_journey_status`` ("Stage: Status") split, beside the journey's name.

    Its keys differ from the candidate's, so a client may flatten the two into one row (the export does).
    """
    journey_status = person.attributes.get(key("candidate_journey_status"))
    stage_name, _, status_name = (journey_status or "").partition(":")
    return on_wire(
        {
            "journey_name": person.attributes.get(key("candidate_journey")),
            "stage_name": stage_name.strip() or None,
            "status_name": status_name.strip() or None,
        }
    )


def conversation(events: Sequence[Event]) -> list[dict[str, Any]]:
    """The messages sent to the candidate (``send_message``), as conversation entries from a company user."""
    return [
        on_wire(
            {
                "message_type": FREE_TEXT,
                "question_text": None,
                "answer_text": e.data.get("message"),
                "media_url": None,
                "from_who": 1,
                "created_at": iso(e.occurred_at),
                "updated_at": iso(e.occurred_at),
            }
        )
        for e in events
        if e.type == EventType.CANDIDATE_MESSAGED
    ]
