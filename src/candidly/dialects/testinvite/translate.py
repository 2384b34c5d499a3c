"""Pure translation between TestInvite's wire format and Candidly's commands and entities."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any, cast, get_args

from candidly.dialects.base import epoch_seconds, from_epoch
from candidly.dialects.fields import renamed, spelled
from candidly.dialects.testinvite import errors, fields
from candidly.dialects.testinvite import schemas as wire
from candidly.domain import commands as c
from candidly.domain.applications import DEFAULT, Application, ApplicationKind, label
from candidly.domain.errors import InvalidField
from candidly.domain.logins import ACCESS_METHOD
from candidly.domain.openings import ATTEMPT_LIMIT_RULE, Opening, Step, valid_attempt_limit
from candidly.domain.people import Candidate, split_fullname


def person_fields(fullname: str | None, email: str | None) -> c.CandidateChanges:
    """A TestInvite full name and email as Candidate fields (only those given)."""
    fields: c.CandidateChanges = {}
    if fullname is not None:
        fields["first_name"], fields["last_name"] = split_fullname(fullname)
    if email is not None:
        fields["email"] = email
    return fields


def _common_fields(body: wire.Common) -> c.ApplicationChanges:
    changes = {core: value for core, attr in fields.COMMON.items() if (value := getattr(body, attr)) is not None}
    if body.dates is not None:
        changes["active_after"] = from_epoch(body.dates.after)
        changes["active_before"] = from_epoch(body.dates.before)
    if body.price is not None:
        changes["price_amount"], changes["price_currency"] = body.price.amount, body.price.currency
    if body.customized_steps:
        changes["step_overrides"] = {s.step_id: _customization(s.customization) for s in body.customized_steps}
    if body.callback is not None:
        changes["callback"] = body.callback.model_dump()
    return cast(c.ApplicationChanges, changes)


def _customization(customization: wire.Customization) -> dict[str, Any]:
    """A ``customizedSteps`` item's window as core step settings (only the bounds given)."""
    given = {core: getattr(customization, attr) for core, attr in fields.CUSTOMIZATION.items()}
    return {core: from_epoch(seconds) for core, seconds in given.items() if seconds is not None}


def create_command(task_id: str, body: wire.TemporaryCandidate | wire.InternalCandidate) -> c.CreateApplication:
    changes = _common_fields(body)
    invite: c.Invitation | None = None
    if body.invite_by_email is not None:
        invite = {
            "template_name": body.invite_by_email.email_template_name,
            "send_at": from_epoch(body.invite_by_email.date_to_send),
        }
    if isinstance(body, wire.InternalCandidate):
        return c.CreateApplication(task_id, user_id=body.id, fields=changes, invite=invite)
    if body.credential1:
        changes["credential1"] = body.credential1
    if body.credential2:
        changes["credential2"] = body.credential2
    scope = None
    if body.tracking is not None:
        changes["uniq_id"], scope = body.tracking.uniq_id, body.tracking.scope
    person = person_fields(body.fullname, body.email)
    return c.CreateApplication(task_id, candidate=person, fields=changes, uniq_scope=scope, invite=invite)


def update_command(task_id: str, application_id: str, body: wire.UpdateCandidate) -> c.UpdateApplication:
    changes: dict[str, Any] = {}
    person: c.CandidateChanges = {}
    f = body.fields
    if f is not None:
        given = f.model_fields_set
        for attr in ("fullname", "email"):  # a person keeps a name and an address: null would be dropped unseen
            if attr in given and getattr(f, attr) is None:
                raise InvalidField(fields.in_update(attr), "must be a string, not null")
        person = person_fields(f.fullname, f.email)
        changes.update({core: getattr(f, attr) for core, attr in fields.UPDATE_AS_GIVEN.items() if attr in given})
        changes.update(
            {core: from_epoch(getattr(f, attr)) for core, attr in fields.UPDATE_SECONDS.items() if attr in given}
        )
        # Add, then remove (docs/vendors/testinvite.md, decision 13).
        if f.labels is not None and f.labels.add:
            changes["labels_add"] = _added_labels(f.labels.add)
        if f.labels is not None and f.labels.remove:
            changes["labels_remove"] = f.labels.remove
    steps = {sid: step_changes(sid, change) for sid, change in (body.steps or {}).items()}
    return c.UpdateApplication(
        application_id,
        changes=cast(c.ApplicationChanges, changes),
        candidate_changes=person,
        step_changes=steps,
        opening_id=task_id,
    )


def _added_labels(added: list[str]) -> list[str]:
    """Each label added, checked here: the core checks the labels the candidate ends with, whose index is not the
    one the client sent in ``labels.add`` when the candidate already has labels."""
    where = fields.in_update("labels.add")
    return [label(value, f"{where}[{i}]") for i, value in enumerate(added)]


def _step_path(field: str) -> tuple[str, str | None] | None:
    """``step_overrides.<step>[.<setting>]`` (or ``steps.<step>``) as (step id, setting or None)."""
    head, _, rest = field.partition(".")
    if head not in ("step_overrides", "steps") or not rest:
        return None
    step_id, _, setting = rest.partition(".")
    return step_id, setting or None


def create_names(body: wire.TemporaryCandidate | wire.InternalCandidate) -> errors.Rename:
    """Core field paths as a create body spells them: ``dates.after``, ``customizedSteps[0].stepId``, ..."""
    step_ids = [s.step_id for s in body.customized_steps or ()]
    names = fields.INTERNAL_NAMES if isinstance(body, wire.InternalCandidate) else fields.CREATE_NAMES
    if body.extra_emails_as != names["extra_emails"]:
        names = names | {"extra_emails": body.extra_emails_as}

    def rename(field: str) -> str:
        step = _step_path(field)
        if step is None:
            return renamed(field, names)
        step_id, setting = step
        if step_id not in step_ids:
            return fields.CUSTOMIZED_STEPS
        at = f"{fields.CUSTOMIZED_STEPS}[{step_ids.index(step_id)}]"
        if setting is None:
            return f"{at}.{fields.STEP_ID}"
        return f"{at}.{fields.CUSTOMIZATION_AT}.{fields.CUSTOMIZATION_NAMES.get(setting, setting)}"

    return rename


def update_names(field: str) -> str:
    """Core field paths as an update body spells them: ``fields.activeAfter``, ``steps.<id>.limit.value``, ..."""
    step = _step_path(field)
    if step is not None:
        step_id, setting = step
        return f"{fields.STEPS}.{step_id}" + (
            "" if setting is None else f".{fields.STEP_SETTING_NAMES.get(setting, setting)}"
        )
    head = re.split(r"[.\[]", field, maxsplit=1)[0]
    return fields.UPDATE_NAMES.get(head) or renamed(field, fields.CREATE_NAMES)


def _setting(path: str, value: Any) -> tuple[bool, Any]:
    """Read ``{isDefault: true}`` or ``{isDefault: false, value: ...}``: (is_default, value)."""
    is_default, given = fields.IS_DEFAULT, fields.VALUE
    if not isinstance(value, dict) or not isinstance(value.get(is_default), bool):
        raise InvalidField(path, f"must be {{{is_default}: true}} or {{{is_default}: false, {given}: ...}}")
    if value[is_default]:
        return True, None
    if given not in value:
        raise InvalidField(f"{path}.{given}", f"is required when {is_default} is false")
    return False, value[given]


def _seconds_or_null(path: str, value: Any) -> Any:
    if value is None:
        return None  # null removes the limit
    if isinstance(value, bool) or not isinstance(value, int | float) or value < 0:
        raise InvalidField(path, "must be a number of seconds or null")
    return from_epoch(value)


# What a core step setting's value must be: (the check, the reason it names when the value fails it).
_STEP_VALUES: dict[str, tuple[Callable[[Any], bool], str]] = {
    "active": (lambda value: isinstance(value, bool), "must be true or false"),
    "attempt_limit": (valid_attempt_limit, ATTEMPT_LIMIT_RULE),
}


def step_changes(step_id: str, change: dict[str, Any]) -> dict[str, Any]:
    """One step's ``steps`` entry as a core step change (DEFAULT reverts to the task step's own setting)."""
    base = f"{fields.STEPS}.{step_id}"
    known = [*fields.STEP_SETTINGS, fields.DATES]
    for key in change:
        if key not in known:
            raise InvalidField(f"{base}.{key}", f"is not a step setting ({', '.join(sorted(known))})")
    out: dict[str, Any] = {}
    for name, core in fields.STEP_SETTINGS.items():
        if name in change:
            out[core] = _step_value(f"{base}.{name}", change[name], *_STEP_VALUES[core])
    if fields.DATES in change:
        out.update(_date_changes(f"{base}.{fields.DATES}", change[fields.DATES]))
    return out


def _step_value(path: str, setting: Any, valid: Callable[[Any], bool], rule: str) -> Any:
    """A setting's value, or DEFAULT; refused, naming its ``value``, when it fails ``valid``."""
    is_default, value = _setting(path, setting)
    if is_default:
        return DEFAULT
    if not valid(value):
        raise InvalidField(f"{path}.{fields.VALUE}", rule)
    return value


def _date_changes(path: str, dates: Any) -> dict[str, Any]:
    is_default, value = _setting(path, dates)
    if is_default:
        return dict.fromkeys(fields.DATE_BOUNDS.values(), DEFAULT)
    at = f"{path}.{fields.VALUE}"
    if not isinstance(value, dict):
        raise InvalidField(at, f"must be an object with {' and/or '.join(fields.DATE_BOUNDS)}")
    out: dict[str, Any] = {}
    for bound, core in fields.DATE_BOUNDS.items():
        if bound in value:  # omitted: unchanged
            bound_default, seconds = _setting(f"{at}.{bound}", value[bound])
            out[core] = DEFAULT if bound_default else _seconds_or_null(f"{at}.{bound}.{fields.VALUE}", seconds)
    return out


def basic(application: Application, person: Candidate, base_url: str) -> dict[str, Any]:
    internal = application.kind == ApplicationKind.INTERNAL
    code = None if internal else application.invitation_code
    body: dict[str, Any] = {
        "candidate_id": application.id,
        "kind": "user" if internal else "temp",
        "task_id": application.opening_id,
        "logged_in": application.logged_in,
    }
    # The seeds type them ``fullname?: string`` and ``email?: string``: absent when unknown, never null.
    body.update({k: v for k, v in (("fullname", person.fullname), ("email", person.email)) if v is not None})
    body["invitation_code"] = code
    body["direct_access_url"] = f"{base_url.rstrip('/')}/access/{code}" if code else None
    return spelled(wire.BasicCandidate, body)


def detailed(application: Application, person: Candidate, base_url: str) -> dict[str, Any]:
    more = {
        "organization_id": application.organization_id,
        "source": application.source,
        "active": application.active,
        "active_after": epoch_seconds(application.active_after),
        "active_before": epoch_seconds(application.active_before),
        "group": application.group,
        "tags": application.tags,
        "labels": application.labels,
        "rating": application.rating,
        "stage": application.stage,
    }
    return {**basic(application, person, base_url), **spelled(wire.DetailedCandidate, more)}


def render(application: Application, person: Candidate, base_url: str, mode: str) -> dict[str, Any]:
    return (detailed if mode == "detailed" else basic)(application, person, base_url)


# A task is an opening. What TestInvite shows of a task and Candidly keeps nowhere else lives in the opening's
# settings under these keys (set through the native API): its folder, labels, tags and favorite flag.
FOLDER, LABELS, TAGS, FAVORITE = "folder", "labels", "tags", "favorite"
LANGS = frozenset(get_args(wire.Lang))
ACCESS_METHODS = frozenset(get_args(wire.AccessMethod))


def task_settings(opening: Opening) -> dict[str, Any]:
    """The folder, labels, tags and favorite flag of a task, with TestInvite's defaults for those unset."""
    settings = opening.settings
    labels, tags = settings.get(LABELS), settings.get(TAGS)
    return {
        "favorite": settings.get(FAVORITE) is True,
        "folder": str(settings.get(FOLDER) or ""),
        "labels": [v for v in labels if isinstance(v, str)] if isinstance(labels, list) else [],
        "tags": tags if isinstance(tags, dict) else {},
    }


def access_method(opening: Opening) -> str:
    """How candidates sign in to the task; TestInvite's default is the invitation code."""
    method = opening.settings.get(ACCESS_METHOD)
    return str(method) if method in ACCESS_METHODS else "invitation-code"


def step_test(step: Step) -> dict[str, Any]:
    """The test a step delivers: Candidly keeps no tests of its own, so the step stands for its test."""
    return spelled(wire.StepTest, {"test_id": step.id, "organization_id": step.organization_id, "source": "own-test"})


def _step(step: Step) -> dict[str, Any]:
    values = {
        "id": step.id,
        "title": step.name,
        "active": step.active,
        "active_before": epoch_seconds(step.active_before),
        "active_after": epoch_seconds(step.active_after),
        "attempt_limit": step.attempt_limit,
        "test": step_test(step),
        # Candidly proctors nothing: no recording, no fullscreen, no practice run.
        "webcam_recording": "NONE",
        "screen_recording": "NONE",
        "fullscreen": False,
        "post_ai_proctoring": False,
        "practice_mode": False,
    }
    return spelled(wire.TaskStep, values)


def render_task(opening: Opening, mode: str) -> dict[str, Any]:
    """A task, basic (id, title, creation time) or detailed (with its steps, programs and email templates)."""
    basic_values = {"task_id": opening.id, "title": opening.name, "created_at": epoch_seconds(opening.created_at)}
    body = spelled(wire.BasicTask, basic_values)
    if mode != "detailed":
        return body
    more = {
        "organization_id": opening.organization_id,
        **task_settings(opening),
        "lang": opening.language if opening.language in LANGS else "default",
        "access_method": access_method(opening),
        "active": opening.status == "open",
        "active_after": None,
        "active_before": None,  # windows are per step
        "steps": [_step(s) for s in opening.steps],
        "programs": [
            spelled(wire.TaskProgram, {"uuid": p.id, "name": p.name, "step_ids": list(p.step_ids)})
            for p in opening.programs
        ],
        "stages": [],
        "email_templates": [
            spelled(wire.TaskEmailTemplate, {"name": t.name, "subject": t.subject}) for t in opening.email_templates
        ],
        "private_chat_enabled": False,
    }
    return {**body, **spelled(wire.DetailedTask, more)}
