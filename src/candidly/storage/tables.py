"""Table definitions. ``organization_id`` leads every primary key, foreign key and index.

That keeps tenants apart in every plan, and it is the distribution column should one PostgreSQL
node not be enough (Citus distributes by exactly such a column). The two global lookups that have
no organization yet, API-key hashes and invitation codes, have their own unique indexes, and the queues the
worker reads across organizations (unpublished events, due deliveries, the GDPR sweep) theirs. One table is not
a tenant's at all: ``deployment`` holds the single row that says whether this database serves tests.
"""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    Date,
    Float,
    ForeignKeyConstraint,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    PrimaryKeyConstraint,
    String,
    Table,
    Text,
    text,
)

from candidly.storage.types import Json, UTCDateTime

metadata = MetaData(
    naming_convention={
        "ix": "ix_%(table_name)s_%(column_0_N_name)s",
        "uq": "uq_%(table_name)s_%(column_0_N_name)s",
        "ck": "ck_%(table_name)s_%(constraint_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)

ID = 32


def _partial_index(name: str, *columns: str, where: str) -> Index:
    """An index of only the rows ``where`` holds for, on either database."""
    return Index(name, *columns, sqlite_where=text(where), postgresql_where=text(where))


def _org_fk(column: str, table: str) -> ForeignKeyConstraint:
    return ForeignKeyConstraint(
        ["organization_id", column], [f"{table}.organization_id", f"{table}.id"], ondelete="CASCADE"
    )


# One row (id 1): "test" when test mode created this database, "production" once anything else opened it.
deployment = Table(
    "deployment",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=False),
    Column("mode", String(20), nullable=False),
    Column("marked_at", UTCDateTime(), nullable=False),
)

organizations = Table(
    "organizations",
    metadata,
    Column("id", String(ID), primary_key=True),
    Column("name", String(200), nullable=False),
    Column("created_at", UTCDateTime(), nullable=False),
    Column("candidate_seq", BigInteger, nullable=False, default=0),
    Column("description", Text),
    Column("metadata", Json(), nullable=False),
    Column("created_by_key_id", String(ID)),
)

api_keys = Table(
    "api_keys",
    metadata,
    Column("id", String(ID), primary_key=True),
    Column("organization_id", String(ID), nullable=True),
    Column("name", String(200), nullable=False),
    Column("token_hash", String(64), nullable=False, unique=True),
    Column("scopes", Json(), nullable=False),
    Column("organization_ids", Json(), nullable=False),
    Column("signing_secret", String(255), nullable=True),  # sealed (storage/secrets.py)
    Column("can_create_organizations", Boolean, nullable=False, default=False),
    Column("created_at", UTCDateTime(), nullable=False),
    Column("revoked_at", UTCDateTime(), nullable=True),
)

users = Table(
    "users",
    metadata,
    Column("organization_id", String(ID), nullable=False),
    Column("id", String(ID), nullable=False),
    Column("username", String(200), nullable=False),
    Column("fullname", String(200)),
    Column("email", String(320)),
    Column("tags", Json(), nullable=False),
    Column("created_at", UTCDateTime(), nullable=False),
    Column("updated_at", UTCDateTime(), nullable=False),
    Column("version", Integer, nullable=False),
    Column("deleted_at", UTCDateTime()),
    PrimaryKeyConstraint("organization_id", "id"),
    Index(None, "organization_id", "username", unique=True),
)

openings = Table(
    "openings",
    metadata,
    Column("organization_id", String(ID), nullable=False),
    Column("id", String(ID), nullable=False),
    Column("kind", String(20), nullable=False),
    Column("name", String(200), nullable=False),
    Column("external_id", String(255)),
    Column("language", String(10), nullable=False),
    Column("default_group", String(200), nullable=False),
    Column("settings", Json(), nullable=False),
    Column("status", String(40), nullable=False),
    Column("department", String(200)),
    Column("location", Json()),
    Column("experience_level", String(100)),
    Column("employment_type", String(100)),
    Column("details", Json(), nullable=False),
    Column("lead_recruiter_id", String(ID)),
    Column("application_count", Integer, nullable=False),
    Column("created_at", UTCDateTime(), nullable=False),
    Column("updated_at", UTCDateTime(), nullable=False),
    Column("version", Integer, nullable=False),
    Column("deleted_at", UTCDateTime()),
    PrimaryKeyConstraint("organization_id", "id"),
    Index(None, "organization_id", "external_id", "id"),
)

steps = Table(
    "steps",
    metadata,
    Column("organization_id", String(ID), nullable=False),
    Column("id", String(ID), nullable=False),
    Column("opening_id", String(ID), nullable=False),
    Column("position", Integer, nullable=False),
    Column("key", String(100)),
    Column("name", String(200), nullable=False),
    Column("type", String(100)),
    Column("active", Boolean, nullable=False),
    Column("active_after", UTCDateTime()),
    Column("active_before", UTCDateTime()),
    Column("attempt_limit", Integer, nullable=False),
    Column("launch_url", String(2000)),
    PrimaryKeyConstraint("organization_id", "id"),
    _org_fk("opening_id", "openings"),
    Index(None, "organization_id", "opening_id", "position"),
)

programs = Table(
    "programs",
    metadata,
    Column("organization_id", String(ID), nullable=False),
    Column("id", String(ID), nullable=False),
    Column("opening_id", String(ID), nullable=False),
    Column("name", String(200), nullable=False),
    Column("step_ids", Json(), nullable=False),
    PrimaryKeyConstraint("organization_id", "id"),
    _org_fk("opening_id", "openings"),
    Index(None, "organization_id", "opening_id"),
)

email_templates = Table(
    "email_templates",
    metadata,
    Column("organization_id", String(ID), nullable=False),
    Column("id", String(ID), nullable=False),
    Column("opening_id", String(ID), nullable=False),
    Column("name", String(200), nullable=False),
    Column("subject", String(1000), nullable=False),
    Column("body", Text, nullable=False),
    PrimaryKeyConstraint("organization_id", "id"),
    _org_fk("opening_id", "openings"),
    Index(None, "organization_id", "opening_id", "name", unique=True),
)

candidates = Table(
    "candidates",
    metadata,
    Column("organization_id", String(ID), nullable=False),
    Column("id", String(ID), nullable=False),
    Column("seq", BigInteger, nullable=False),
    Column("public_ref", String(64), nullable=False),
    Column("first_name", String(200)),
    Column("last_name", String(200)),
    Column("middle_name", String(200)),
    Column("email", String(320)),
    Column("phone", String(32)),
    Column("external_id", String(255)),
    Column("status", String(40)),
    Column("language", String(20)),
    Column("gender", String(10)),
    Column("cv", Text),
    Column("gdpr_expiry_date", Date),
    Column("metadata", Json(), nullable=False),
    Column("attributes", Json(), nullable=False),
    Column("unsubscribed", Boolean, nullable=False),
    Column("created_at", UTCDateTime(), nullable=False),
    Column("updated_at", UTCDateTime(), nullable=False),
    Column("version", Integer, nullable=False),
    Column("deleted_at", UTCDateTime()),
    Column("erased_at", UTCDateTime()),
    PrimaryKeyConstraint("organization_id", "id"),
    Index(None, "organization_id", "seq", unique=True),
    Index(None, "organization_id", "public_ref", unique=True),
    # Filter columns end with id, so a filtered page is read in keyset order straight off the index.
    Index(None, "organization_id", "email", "id"),
    Index(None, "organization_id", "external_id", "id"),
    # deleted_at too: a status filter's live check, and the job lists' test of each of the job's people against
    # the status (InstaView's total), are then answered by the index alone, without reading the rows.
    Index("ix_candidates_status", "organization_id", "status", "id", "deleted_at"),
    # The GDPR sweep's queue spans organizations (like ix_events_unpublished); an index led by the organization
    # served no query: the sweep scanned every candidate and sorted them.
    _partial_index("ix_candidates_gdpr_due", "gdpr_expiry_date", where="erased_at IS NULL"),
)

applications = Table(
    "applications",
    metadata,
    Column("organization_id", String(ID), nullable=False),
    Column("id", String(ID), nullable=False),
    Column("candidate_id", String(ID), nullable=False),
    Column("opening_id", String(ID), nullable=False),
    Column("kind", String(20), nullable=False),
    Column("user_id", String(ID)),
    Column("group", String(200), nullable=False),
    Column("labels", Json(), nullable=False),
    Column("tags", Json(), nullable=False),
    Column("external_id", String(255)),
    Column("external_data", Json(), nullable=False),
    Column("language", String(10)),
    Column("program_ids", Json(), nullable=False),
    Column("extra_emails", Json(), nullable=False),
    Column("active", Boolean, nullable=False),
    Column("active_after", UTCDateTime()),
    Column("active_before", UTCDateTime()),
    Column("price_amount", Float),
    Column("price_currency", String(3)),
    Column("step_overrides", Json(), nullable=False),
    Column("favorite", Boolean, nullable=False),
    Column("rating", Integer),
    Column("stage", String(200)),
    Column("status", String(40)),
    Column("status_changed_at", UTCDateTime()),
    Column("salary_expectations", String(255)),
    Column("credential1", String(200)),
    Column("credential2", String(200)),
    Column("invitation_code", String(20), unique=True),
    Column("logged_in", Boolean, nullable=False),
    Column("source", String(40), nullable=False),
    Column("uniq_id", String(255)),
    Column("uniq_key", String(1024)),
    Column("callback", Json()),
    Column("attributes", Json(), nullable=False),
    Column("session_count", Integer, nullable=False),
    Column("created_at", UTCDateTime(), nullable=False),
    Column("updated_at", UTCDateTime(), nullable=False),
    Column("version", Integer, nullable=False),
    Column("deleted_at", UTCDateTime()),
    PrimaryKeyConstraint("organization_id", "id"),
    _org_fk("candidate_id", "candidates"),
    _org_fk("opening_id", "openings"),
    # An opening's applications in id order (TestInvite's task list, the native filter), and, with candidate_id
    # and deleted_at beside them, an opening's live people read off the index alone (a job filter on candidates).
    Index("ix_applications_opening", "organization_id", "opening_id", "id", "candidate_id", "deleted_at"),
    Index(None, "organization_id", "candidate_id", "id"),
    Index(None, "organization_id", "opening_id", "uniq_key", unique=True),
    Index(None, "organization_id", "opening_id", "credential1"),
    Index(None, "organization_id", "external_id", "id"),
)

events = Table(
    "events",
    metadata,
    Column("organization_id", String(ID), nullable=False),
    Column("id", String(ID), nullable=False),
    Column("type", String(60), nullable=False),
    Column("subject_type", String(40), nullable=False),
    Column("subject_id", String(ID), nullable=False),
    Column("candidate_id", String(ID)),
    Column("actor", Json(), nullable=False),
    Column("changes", Json(), nullable=False),
    Column("data", Json(), nullable=False),
    Column("occurred_at", UTCDateTime(), nullable=False),
    # Outbox bookkeeping: NULL until the event's deliveries are written. A command writes them with it (logging
    # its events published), so only events left by an older version wait for the worker.
    Column("published_at", UTCDateTime()),
    PrimaryKeyConstraint("organization_id", "id"),
    Index(None, "organization_id", "candidate_id", "id"),
    Index(None, "organization_id", "subject_id", "id"),
    # Partial: the events logged published (every command's) add nothing to it, the worker's queue stays small.
    _partial_index("ix_events_unpublished", "id", where="published_at IS NULL"),
)

attempts = Table(
    "attempts",
    metadata,
    Column("organization_id", String(ID), nullable=False),
    Column("id", String(ID), nullable=False),
    Column("application_id", String(ID), nullable=False),
    Column("candidate_id", String(ID), nullable=False),
    Column("opening_id", String(ID), nullable=False),
    Column("step_id", String(ID), nullable=False),
    Column("attempt", Integer, nullable=False),
    Column("status", String(20), nullable=False),
    Column("started_at", UTCDateTime(), nullable=False),
    Column("completed_at", UTCDateTime()),
    Column("result", Json(), nullable=False),
    Column("settings", Json(), nullable=False),
    Column("version", Integer, nullable=False),
    Column("deleted_at", UTCDateTime()),
    PrimaryKeyConstraint("organization_id", "id"),
    _org_fk("application_id", "applications"),
    Index(None, "organization_id", "application_id", "step_id"),
    Index(None, "organization_id", "opening_id", "id"),
    # InstaView answers every candidate with the counts and rating of their interviews.
    Index(None, "organization_id", "candidate_id", "id"),
)

status_maps = Table(
    "status_maps",
    metadata,
    Column("organization_id", String(ID), nullable=False),
    Column("id", String(ID), nullable=False),
    Column("name", String(255), nullable=False),
    Column("entries", Json(), nullable=False),
    Column("created_at", UTCDateTime(), nullable=False),
    Column("updated_at", UTCDateTime(), nullable=False),
    Column("version", Integer, nullable=False),
    PrimaryKeyConstraint("organization_id", "id"),
    Index(None, "organization_id", "name", unique=True),
)

webhook_subscriptions = Table(
    "webhook_subscriptions",
    metadata,
    Column("organization_id", String(ID), nullable=False),
    Column("id", String(ID), nullable=False),
    Column("url", String(2000), nullable=False),
    Column("events", Json(), nullable=False),
    Column("secret", String(255), nullable=False),  # sealed (storage/secrets.py)
    Column("description", String(200)),
    Column("created_at", UTCDateTime(), nullable=False),
    Column("deleted_at", UTCDateTime()),
    PrimaryKeyConstraint("organization_id", "id"),
)

deliveries = Table(
    "deliveries",
    metadata,
    Column("organization_id", String(ID), nullable=False),
    Column("id", String(ID), nullable=False),
    Column("kind", String(20), nullable=False),
    Column("event_id", String(ID)),
    Column("event_type", String(60)),
    Column("subscription_id", String(ID)),
    Column("target", String(2000), nullable=False),
    Column("payload", Json(), nullable=False),
    Column("status", String(20), nullable=False),
    Column("attempts", Integer, nullable=False),
    Column("next_attempt_at", UTCDateTime(), nullable=False),
    # A worker's claim: no other worker takes the row until the lease runs out.
    Column("lease_owner", String(64)),
    Column("lease_until", UTCDateTime()),
    Column("last_error", Text),
    Column("last_status_code", Integer),
    Column("created_at", UTCDateTime(), nullable=False),
    Column("updated_at", UTCDateTime()),
    Column("delivered_at", UTCDateTime()),
    PrimaryKeyConstraint("organization_id", "id"),
    Index(None, "organization_id", "status", "id"),
    # The worker's queue spans organizations, like ix_events_unpublished.
    Index("ix_deliveries_due", "status", "next_attempt_at"),
)

delivery_attempts = Table(
    "delivery_attempts",
    metadata,
    Column("organization_id", String(ID), nullable=False),
    Column("id", String(ID), nullable=False),
    Column("delivery_id", String(ID), nullable=False),
    Column("number", Integer, nullable=False),
    Column("attempted_at", UTCDateTime(), nullable=False),
    Column("outcome", String(20), nullable=False),
    Column("status_code", Integer),
    Column("error", Text),
    PrimaryKeyConstraint("organization_id", "id"),
    _org_fk("delivery_id", "deliveries"),
    Index(None, "organization_id", "delivery_id", "id"),
)

attachments = Table(
    "attachments",
    metadata,
    Column("organization_id", String(ID), nullable=False),
    Column("id", String(ID), nullable=False),
    Column("candidate_id", String(ID), nullable=False),
    Column("application_id", String(ID)),
    Column("kind", String(40), nullable=False),
    Column("name", String(255), nullable=False),
    Column("content_type", String(120), nullable=False),
    Column("size", Integer, nullable=False),
    Column("content", LargeBinary, nullable=False),
    Column("created_at", UTCDateTime(), nullable=False),
    PrimaryKeyConstraint("organization_id", "id"),
    _org_fk("candidate_id", "candidates"),
    Index(None, "organization_id", "candidate_id", "id"),
)

notes = Table(
    "notes",
    metadata,
    Column("organization_id", String(ID), nullable=False),
    Column("id", String(ID), nullable=False),
    Column("candidate_id", String(ID), nullable=False),
    Column("application_id", String(ID)),
    Column("body", Text, nullable=False),
    Column("author", Json(), nullable=False),
    Column("created_at", UTCDateTime(), nullable=False),
    PrimaryKeyConstraint("organization_id", "id"),
    _org_fk("candidate_id", "candidates"),
    Index(None, "organization_id", "candidate_id", "id"),
)

idempotency_keys = Table(
    "idempotency_keys",
    metadata,
    Column("organization_id", String(ID), nullable=False),
    Column("key", String(255), nullable=False),
    Column("api_key_id", String(ID), nullable=False),
    Column("request_hash", String(64), nullable=False),
    Column("status_code", Integer, nullable=False),
    Column("response_headers", Json(), nullable=False),
    Column("response_body", LargeBinary, nullable=False),
    Column("created_at", UTCDateTime(), nullable=False),
    PrimaryKeyConstraint("organization_id", "api_key_id", "key"),
    Index(None, "created_at"),
)
