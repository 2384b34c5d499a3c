"""An application's field rules against its opening, applied by ``Application.apply``; uniqIds and deletion."""

from __future__ import annotations

from typing import Any

import pytest

from candidly.domain.applications import (
    APPLICATION_FIELDS,
    DEFAULT,
    UNIQ_SCOPES,
    clean_application_field,
)
from candidly.domain.commands import TemplateSpec
from candidly.domain.errors import InvalidField, NotAllowed
from candidly.domain.openings import MAX_ATTEMPTS
from tests.domain.build import HOUR, NOW, application, opening, step

OPENING = opening(step("s1"), step("s2", 1), programs={"p1": ["s1"], "p2": ["s2"]})
CALLBACK = {"url": "https://hooks.example/done"}

VALID = [
    ("group", "night shift", "night shift"),
    ("group", "", ""),
    ("source", "career-site", "career-site"),
    ("external_id", "REQ-1", "REQ-1"),
    ("external_id", None, None),
    ("language", "en-GB", "en-GB"),
    ("stage", "x" * 200, "x" * 200),
    ("status", "x" * 40, "x" * 40),
    ("status", None, None),
    ("credential1", "secret", "secret"),
    ("credential2", None, None),
    ("salary_expectations", "80k", "80k"),
    ("active", False, False),
    ("favorite", True, True),
    ("logged_in", True, True),
    ("labels", ["a", "b", "a"], ["a", "b"]),
    ("labels", ["x" * 200] * 100, ["x" * 200]),
    ("labels", None, []),
    ("tags", {"team": "core"}, {"team": "core"}),
    ("tags", None, {}),
    ("program_ids", ["p1", "p2", "p1"], ["p1", "p2"]),
    ("program_ids", None, []),
    ("extra_emails", ["Ada@Example.com"], ["Ada@example.com"]),
    ("extra_emails", [f"a{i}@example.com" for i in range(20)], [f"a{i}@example.com" for i in range(20)]),
    ("extra_emails", None, []),
    ("active_after", NOW, NOW),
    ("active_before", None, None),
    ("price_amount", 0, 0),
    ("price_amount", 12.5, 12.5),
    ("price_amount", None, None),
    ("price_currency", "EUR", "EUR"),
    ("price_currency", None, None),
    ("rating", 1, 1),
    ("rating", 5, 5),
    ("rating", None, None),
    ("external_data", {"ats": {"id": 7}}, {"ats": {"id": 7}}),
    ("external_data", None, {}),
    ("attributes", {"comeet": {"x": 1}}, {"comeet": {"x": 1}}),
    ("attributes", None, {}),
    ("callback", CALLBACK, {"url": CALLBACK["url"], "params": {}, "resource": "basic"}),
    ("callback", {**CALLBACK, "params": {"a": "b"}, "resource": "detailed"},
     {**CALLBACK, "params": {"a": "b"}, "resource": "detailed"}),
    ("callback", None, None),
    ("step_overrides", {"s1": {"attempt_limit": 3}}, {"s1": {"attempt_limit": 3}}),
    ("step_overrides", {"s1": {"active": False, "active_after": None}}, {"s1": {"active": False, "active_after": None}}),
    ("step_overrides", {"s2": {"attempt_limit": -1}}, {"s2": {"attempt_limit": -1}}),
    ("step_overrides", None, {}),
]  # fmt: skip


@pytest.mark.parametrize(("key", "value", "stored"), VALID)
def test_a_valid_value_is_stored(key: str, value: Any, stored: Any) -> None:
    app = application()
    app.apply({key: value}, OPENING, NOW)
    assert getattr(app, key) == stored


INVALID: list[tuple[str, Any, str, str]] = [
    ("group", None, "group", "must not be null"),
    ("group", "x" * 201, "group", "must be at most 200 characters"),
    ("source", None, "source", "must not be null"),
    ("source", "x" * 41, "source", "must be at most 40 characters"),
    ("external_id", "x" * 256, "external_id", "must be at most 255 characters"),
    ("language", "x" * 11, "language", "must be at most 10 characters"),
    ("stage", "x" * 201, "stage", "must be at most 200 characters"),
    ("status", "x" * 41, "status", "must be at most 40 characters"),
    ("status", 3, "status", "must be a string"),
    ("credential1", "x" * 201, "credential1", "must be at most 200 characters"),
    ("credential2", "x" * 201, "credential2", "must be at most 200 characters"),
    ("salary_expectations", "x" * 256, "salary_expectations", "must be at most 255 characters"),
    ("active", None, "active", "must be true or false"),
    ("active", "yes", "active", "must be true or false"),
    ("active", 1, "active", "must be true or false"),
    ("favorite", None, "favorite", "must be true or false"),
    ("logged_in", "true", "logged_in", "must be true or false"),
    ("labels", ["a"] * 101, "labels", "must have at most 100 labels"),
    ("labels", ["ok", ""], "labels[1]", "must be at least 1 characters"),
    ("labels", ["x" * 201], "labels[0]", "must be at most 200 characters"),
    ("labels", [None], "labels[0]", "must not be null"),
    ("tags", {f"k{i}": "v" for i in range(101)}, "tags", "must have at most 100 entries"),
    ("tags", {"team": "x" * 1001}, "tags.team", "must be at most 1000 characters"),
    ("program_ids", ["p1", "nope"], "program_ids[1]", "'nope' is not a program of this opening"),
    ("extra_emails", [f"a{i}@example.com" for i in range(21)], "extra_emails", "must have at most 20 addresses"),
    ("price_amount", -0.01, "price_amount", "must not be negative"),
    ("price_currency", "EU", "price_currency", "must be at least 3 characters"),
    ("price_currency", "EURO", "price_currency", "must be at most 3 characters"),
    ("rating", 0, "rating", "must be between 1 and 5"),
    ("rating", 6, "rating", "must be between 1 and 5"),
    ("external_data", {"a": "x" * 10 * 1024}, "external_data", "must be at most 10240 bytes as JSON"),
    ("external_data", {str(i): i for i in range(1001)}, "external_data", "must have at most 1000 keys"),
    ("attributes", {"a": "x" * 64 * 1024}, "attributes", "must be at most 65536 bytes as JSON"),
    ("callback", {}, "callback.url", "is required: the URL to POST completed sessions to"),
    ("callback", {"url": "ftp://x.example"}, "callback.url", "must be an absolute http or https URL"),
    ("callback", {"url": "https://u:p@x.example"}, "callback.url", "must not carry credentials"),
    ("callback", {**CALLBACK, "resource": "all"}, "callback.resource", "must be one of basic, detailed"),
    ("callback", {**CALLBACK, "params": [1]}, "callback.params", "must be an object"),
    ("callback", {"url": "x" * 20_000}, "callback", "must be at most 10240 bytes as JSON"),
    ("step_overrides", {"s9": {}}, "step_overrides.s9", "is not a step of this opening"),
    ("step_overrides", {"s1": {"name": "x"}}, "step_overrides.s1.name", "cannot be overridden"),
    ("step_overrides", {"s1": {"launch_url": "x"}}, "step_overrides.s1.launch_url", "cannot be overridden"),
    ("step_overrides", {"s1": {"active": "no"}}, "step_overrides.s1.active", "must be true or false"),
    ("kind", "internal", "kind", "is not an application field"),
    ("uniq_id", "u1", "uniq_id", "is not an application field"),
    ("candidate_id", "c2", "candidate_id", "is not an application field"),
]  # fmt: skip


@pytest.mark.parametrize(("key", "value", "field", "reason"), INVALID)
def test_an_invalid_value_is_refused_naming_the_field(key: str, value: Any, field: str, reason: str) -> None:
    with pytest.raises(InvalidField) as caught:
        application().apply({key: value}, OPENING, NOW)
    assert (caught.value.field, caught.value.reason) == (field, reason)


@pytest.mark.parametrize("limit", [0, -2, MAX_ATTEMPTS + 1, 1.5, True, "3", None])
def test_an_override_attempt_limit_outside_the_rule_is_refused(limit: Any) -> None:
    with pytest.raises(InvalidField) as caught:
        application().apply({"step_overrides": {"s1": {"attempt_limit": limit}}}, OPENING, NOW)
    assert caught.value.field == "step_overrides.s1.attempt_limit"
    assert caught.value.reason == f"must be a number of attempts from 1 to {MAX_ATTEMPTS}, or -1 for unlimited"


@pytest.mark.parametrize("limit", [1, 2, MAX_ATTEMPTS, -1])
def test_an_override_attempt_limit_within_the_rule_is_kept(limit: int) -> None:
    app = application()
    app.apply({"step_overrides": {"s1": {"attempt_limit": limit}}}, OPENING, NOW)
    assert app.step_overrides == {"s1": {"attempt_limit": limit}}


NULL_REFUSED = ("group", "source", "active", "favorite", "logged_in")
NULL_EMPTIES: dict[str, object] = {"labels": [], "tags": {}, "program_ids": [], "extra_emails": [], "external_data": {},
                "attributes": {}, "step_overrides": {}}  # fmt: skip


@pytest.mark.parametrize("key", [k for k in APPLICATION_FIELDS if k not in NULL_REFUSED])
def test_null_clears_a_field_or_empties_a_collection(key: str) -> None:
    assert clean_application_field(key, None, OPENING) == NULL_EMPTIES.get(key)


@pytest.mark.parametrize("key", NULL_REFUSED)
def test_null_is_refused_where_a_value_is_required(key: str) -> None:
    with pytest.raises(InvalidField) as caught:
        clean_application_field(key, None, OPENING)
    assert caught.value.field == key


def test_labels_can_be_added_and_removed() -> None:
    app = application(labels=["a", "b"])
    app.apply({"labels_add": ["c", "a"]}, OPENING, NOW)
    assert app.labels == ["a", "b", "c"]
    app.apply({"labels_remove": ["a", "z"]}, OPENING, NOW)
    assert app.labels == ["b", "c"]


def test_added_labels_are_bounded_with_the_ones_held() -> None:
    app = application(labels=[str(i) for i in range(100)])
    with pytest.raises(InvalidField) as caught:
        app.apply({"labels_add": ["one more"]}, OPENING, NOW)
    assert (caught.value.field, caught.value.reason) == ("labels", "must have at most 100 labels")


def test_an_attributes_patch_merges_and_a_null_drops_a_key() -> None:
    app = application(attributes={"keep": 1, "drop": 2})
    app.apply({"attributes_patch": {"drop": None, "new": 3}}, OPENING, NOW)
    assert app.attributes == {"keep": 1, "new": 3}


def test_a_change_of_status_is_dated() -> None:
    app = application(status="new", status_changed_at=NOW - HOUR)
    app.apply({"status": "new", "stage": "screen"}, OPENING, NOW)
    assert app.status_changed_at == NOW - HOUR
    app.apply({"status": "hired"}, OPENING, NOW)
    assert (app.status_changed_at, app.updated_at) == (NOW, NOW)


def test_step_changes_merge_into_the_overrides_and_default_reverts() -> None:
    app = application(step_overrides={"s1": {"attempt_limit": 2, "active": False}})
    app.apply({}, OPENING, NOW, step_changes={"s1": {"attempt_limit": DEFAULT}, "s2": {"attempt_limit": 5}})
    assert app.step_overrides == {"s1": {"active": False}, "s2": {"attempt_limit": 5}}


def test_an_override_emptied_by_step_changes_goes() -> None:
    app = application(step_overrides={"s1": {"attempt_limit": 2}})
    app.apply({}, OPENING, NOW, step_changes={"s1": {"attempt_limit": DEFAULT}})
    assert app.step_overrides == {}


def test_a_step_change_names_a_step_of_the_opening() -> None:
    with pytest.raises(InvalidField) as caught:
        application().apply({}, OPENING, NOW, step_changes={"s9": {"active": True}})
    assert (caught.value.field, caught.value.reason) == ("steps.s9", "is not a step of this opening")


def test_a_step_change_is_checked_as_an_override() -> None:
    with pytest.raises(InvalidField) as caught:
        application().apply({}, OPENING, NOW, step_changes={"s1": {"attempt_limit": 0}})
    assert caught.value.field == "step_overrides.s1.attempt_limit"


@pytest.mark.parametrize("scope", UNIQ_SCOPES)
def test_a_uniq_id_is_keyed_by_its_scope(scope: str) -> None:
    app = application(group="g", labels=["b", "a"], program_ids=["p2", "p1"])
    app.claim_uniq_id("U-1", scope)
    expected = {
        "task": "task|U-1",
        "group": "group|g|U-1",
        "labels": "labels|a|b|U-1",
        "programs": "programs|p1|p2|U-1",
    }
    assert (app.uniq_id, app.uniq_key) == ("U-1", expected[scope])


@pytest.mark.parametrize(
    ("uniq_id", "scope", "field", "reason"),
    [
        ("", "task", "uniq_id", "must be at least 1 characters"),
        ("x" * 256, "task", "uniq_id", "must be at most 255 characters"),
        (None, "task", "uniq_id", "must not be null"),
        ("U-1", "world", "uniq_scope", "must be one of task, group, labels, programs"),
    ],
)
def test_an_invalid_uniq_id_or_scope_is_refused(uniq_id: Any, scope: str, field: str, reason: str) -> None:
    app = application()
    with pytest.raises(InvalidField) as caught:
        app.claim_uniq_id(uniq_id, scope)
    assert (caught.value.field, caught.value.reason) == (field, reason)
    assert app.uniq_key is None


@pytest.mark.parametrize(("logged_in", "sessions"), [(True, 0), (False, 1), (True, 3)])
def test_a_touched_candidate_cannot_be_deleted_where_untouched_is_required(logged_in: bool, sessions: int) -> None:
    with pytest.raises(NotAllowed) as caught:
        application(logged_in=logged_in, session_count=sessions).require_untouched()
    assert caught.value.message == "a candidate who has logged in or has test sessions cannot be deleted"


def test_an_untouched_candidate_may_be_deleted() -> None:
    application().require_untouched()


def test_removing_frees_the_uniq_id_and_invitation_code() -> None:
    app = application(uniq_id="U-1", uniq_key="task|U-1", invitation_code="abc")
    app.remove(NOW)
    assert (app.deleted_at, app.updated_at, app.uniq_key, app.invitation_code) == (NOW, NOW, None, None)
    assert app.uniq_id == "U-1"  # still shown on the tombstone; only the key that keeps it unique goes


def test_an_invitation_names_a_template_of_the_opening_and_needs_an_address() -> None:
    with_template = opening(step("s1"))
    with_template.set_templates((TemplateSpec(name="invite", subject="Hi", body="Come"),))
    application().check_invitation(with_template, "invite", "ada@example.com")
    with pytest.raises(InvalidField) as caught:
        application().check_invitation(with_template, "welcome", "ada@example.com")
    assert (caught.value.field, caught.value.reason) == (
        "invite.template_name",
        "no email template named 'welcome' in this opening",
    )
    with pytest.raises(InvalidField) as caught:
        application().check_invitation(with_template, "invite", None)
    assert (caught.value.field, caught.value.reason) == ("invite", "the candidate has no email address to send to")


def test_the_snapshot_holds_every_field_the_event_log_compares() -> None:
    app = application(group="g", labels=["a"])
    assert list(app.snapshot()) == list(APPLICATION_FIELDS)
    assert (app.snapshot()["group"], app.snapshot()["labels"]) == ("g", ["a"])
