"""TestInvite's candidate fields: which core field each body carries in which attribute, and so how errors name it.

TestInvite's names themselves are declared once, in the request models (schemas.py): an attribute's camelCase, or
an explicit alias beside it. The tables here say which attribute carries which core field: the translation reads
the attribute, and an error about a core field names it by that attribute's path on the wire (``alias_path``), so
a field is renamed in schemas.py and nowhere else.
"""

from __future__ import annotations

from candidly.dialects.fields import alias_path, wire_name, wire_names
from candidly.dialects.testinvite import schemas as wire

# Core Application field -> the create body's attribute, for the common properties stored as given.
COMMON = {
    "group": "group",
    "labels": "labels",
    "tags": "tags",
    "external_id": "external_id",
    "external_data": "external_data",
    "language": "lang",
    "program_ids": "program_ids",
    "extra_emails": "extra_emails",
}
# Core field -> the path of the create body's attribute that carries it: the common properties, and those the
# translation shapes (a full name split in two, seconds as times, the invitation, the uniqId and its scope).
CREATE = {
    **COMMON,
    "first_name": "fullname",
    "last_name": "fullname",
    "email": "email",
    "active_after": "dates.after",
    "active_before": "dates.before",
    "price_amount": "price.amount",
    "price_currency": "price.currency",
    "step_overrides": "customized_steps",
    "callback": "callback",
    "invite": "invite_by_email",
    "invite.template_name": "invite_by_email.email_template_name",
    "uniq_id": "tracking.uniq_id",
    "uniq_scope": "tracking.scope",
    "user_id": "id",  # an internal candidate's user
}
# A core step override's setting -> the attribute of a ``customizedSteps`` item's ``customization``.
CUSTOMIZATION = {"active_after": "active_after", "active_before": "active_before"}
# Core Application field -> the attribute of an update's ``fields`` that carries it as given, or as seconds.
UPDATE_AS_GIVEN = {"group": "group", "favorite": "favorite", "active": "active"}
UPDATE_SECONDS = {"active_after": "active_after", "active_before": "active_before"}
# Core field -> the path of the update's ``fields`` attribute that carries it (of labels, the translation checks each
# one added, naming its index, and the core the number the candidate ends with).
UPDATE = {
    **UPDATE_AS_GIVEN,
    **UPDATE_SECONDS,
    "first_name": "fullname",
    "last_name": "fullname",
    "email": "email",
    "labels": "labels.add",
}


def in_create(path: str) -> str:
    """A create body's attribute path as the wire spells it: ``tracking.uniq_id`` -> ``tracking.uniqId``."""
    return alias_path(wire.CreateCandidate, path)


def in_update(path: str) -> str:
    """An update's ``fields`` attribute path as the wire spells it: ``active_after`` -> ``fields.activeAfter``."""
    return alias_path(wire.UpdateCandidate, f"fields.{path}")


# Core field -> TestInvite's name for it, where the two differ: how errors name a field a core rule refused. The
# create body's names serve every operation but the update's ``fields``; the task is the path's :taskId.
CREATE_NAMES = wire_names(CREATE, in_create) | {"opening_id": wire_name("task_id")}
# An internal candidate's uniqId is its user's username: a refused uniqId is the user the body names.
INTERNAL_NAMES = CREATE_NAMES | {"uniq_id": in_create(CREATE["user_id"])}
UPDATE_NAMES = {core: in_update(path) for core, path in UPDATE.items()}
# How a create body spells a step override: ``customizedSteps[i].stepId``, ``...customization.activeAfter``.
CUSTOMIZED_STEPS = CREATE_NAMES["step_overrides"]
STEP_ID = alias_path(wire.CustomizedStep, "step_id")
CUSTOMIZATION_AT = alias_path(wire.CustomizedStep, "customization")
CUSTOMIZATION_NAMES = {core: alias_path(wire.Customization, attribute) for core, attribute in CUSTOMIZATION.items()}

# An update's ``steps`` maps a step id to an entry that translate.step_changes reads by hand, under TestInvite's
# names: each setting is {isDefault: true} (the task step's own) or {isDefault: false, value: ...}; ``dates`` holds
# its two bounds, each such a setting again.
STEPS = alias_path(wire.UpdateCandidate, "steps")
IS_DEFAULT, VALUE = "isDefault", "value"
# TestInvite's step setting -> the core step setting it carries; ``dates`` carries the bounds below.
STEP_SETTINGS = {"active": "active", "limit": "attempt_limit"}
DATES = "dates"
DATE_BOUNDS = {"after": "active_after", "before": "active_before"}
# Core step setting -> its path in a ``steps`` entry: how errors name it (``limit.value``, ``dates.value.after``).
STEP_SETTING_NAMES = {core: f"{name}.{VALUE}" for name, core in STEP_SETTINGS.items()} | {
    core: f"{DATES}.{VALUE}.{bound}" for bound, core in DATE_BOUNDS.items()
}

# The test-instance list's and search's query parameters (a candidate's externalId is the one a create sets).
TICKET_ID, CANDIDATE_ID, LAST_DOC_ID = wire_name("ticket_id"), wire_name("candidate_id"), wire_name("last_doc_id")
EXTERNAL_ID = in_create("external_id")
