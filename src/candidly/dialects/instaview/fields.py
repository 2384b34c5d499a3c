"""InstaView's candidate fields, each declared once: which core field it is, and what InstaView calls it.

A request model's attribute is InstaView's name in snake_case (``phone_number``); the name on the wire is the same
in camelCase (``phoneNumber``: the candidate models' alias generator), and an error about a core field names the
field so too. A field is renamed here and nowhere else.
"""

from __future__ import annotations

# InstaView's models and routes import ``wire_name`` from here: it is re-exported.
from candidly.dialects.fields import wire_name as wire_name
from candidly.dialects.fields import wire_names

# Core Candidate field -> the request models' attribute, for the candidate fields that map one to one.
CANDIDATE = {
    "first_name": "first_name",
    "last_name": "last_name",
    "email": "email",
    "phone": "phone_number",
    "gdpr_expiry_date": "gdpr_expiry_date",
    "metadata": "metadata",
    "gender": "gender",
    "cv": "cv",
    "status": "status",
}
# The core's openings are InstaView's jobs: core field -> the request models' attribute.
JOBS = {"opening_ids": "job_ids", "opening_id": "job_id"}
# What a PATCH may not set to null: a candidate always has them (create requires them). ``gender``, ``cv`` and
# ``metadata`` null clear; ``email``/``phone_number`` null clear while the other remains (docs/vendors/instaview.md,
# decision 9).
NOT_NULL = ("first_name", "last_name", "status", "gdpr_expiry_date", "job_ids")


# Core field -> InstaView's name, where the two differ: how errors name the field a core rule refused.
WIRE_NAMES = wire_names({**CANDIDATE, **JOBS})
