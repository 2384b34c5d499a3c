"""Pure translation between TestInvite's wire format and Candidly's commands and entities."""

from __future__ import annotations

import re
from typing import Any, cast, get_args

from candidly.dialects.base import epoch_seconds, from_epoch
from candidly.dialects.fields import renamed
from candidly.dialects.testinvite import errors, fields
from candidly.dialects.testinvite import schemas as wire
from candidly.domain import commands as c
from candidly.domain.applications import DEFAULT, Application, ApplicationKind
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
            changes["labels_add"] = f.labels.add
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


# How an update's ``steps`` entry spells a core step setting a refusal may point at (``errors.named_as``).
_STEP_SETTING = {
    "active": "active.value",
    "attempt_limit": "limit.value",
    "active_after": "dates.value.after",
    "active_before": "dates.value.before",
}


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
        return f"steps.{step_id}" + ("" if setting is None else f".{_STEP_SETTING.get(setting, setting)}")
    head = re.split(r"[.\[]", field, maxsplit=1)[0]
    return fields.UPDATE_NAMES.get(head) or renamed(field, fields.CREATE_NAMES)


def _setting(path: str, value: Any) -> tuple[bool, Any]:
    """Read ``{isDefault: true}`` or ``{isDefault: false, value: ...}``: (is_default, value)."""
    if not isinstance(value, dict) or not isinstance(value.get("isDefault"), bool):
        raise InvalidField(path, "must be {isDefault: true} or {isDefault: false, value: ...}")
    if value["isDefault"]:
        return True, None
    if "value" not in value:
        raise InvalidField(f"{path}.value", "is required when isDefault is false")
    return False, value["value"]


def _seconds_or_null(path: str, value: Any) -> Any:
    if value is None:
        return None  # null removes the limit
    if isinstance(value, bool) or not isinstance(value, int | float) or value < 0:
        raise InvalidField(path, "must be a number of seconds or null")
    return from_epoch(value)


def step_changes(step_id: str, change: dict[str, Any]) -> dict[str, Any]:
    """One step's ``steps`` entry as a core step change (DEFAULT reverts to the task step's own setting)."""
    base = f"steps.{step_id}"
    out: dict[str, Any] = {}
    for key in change:
        if key not in ("active", "dates", "limit"):
            raise InvalidField(f"{base}.{key}", "is not a step setting (active, dates, limit)")
    if "active" in change:
        is_default, value = _setting(f"{base}.active", change["active"])
        if not is_default and not isinstance(value, bool):
            raise InvalidField(f"{base}.active.value", "must be true or false")
        out["active"] = DEFAULT if is_default else value
    if "limit" in change:
        is_default, value = _setting(f"{base}.limit", change["limit"])
        if not is_default and not valid_attempt_limit(value):
            raise InvalidField(f"{base}.limit.value", ATTEMPT_LIMIT_RULE)
        out["attempt_limit"] = DEFAULT if is_default else value
    if "dates" in change:
        out.update(_date_changes(f"{base}.dates", change["dates"]))
    return out


def _date_changes(path: str, dates: Any) -> dict[str, Any]:
    is_default, value = _setting(path, dates)
    if is_default:
        return {"active_after": DEFAULT, "active_before": DEFAULT}
    if not isinstance(value, dict):
        raise InvalidField(f"{path}.value", "must be an object with after and/or before")
    out: dict[str, Any] = {}
    for wire_name, core_name in (("after", "active_after"), ("before", "active_before")):
        if wire_name in value:  # omitted: unchanged
            bound_default, bound = _setting(f"{path}.value.{wire_name}", value[wire_name])
            out[core_name] = DEFAULT if bound_default else _seconds_or_null(f"{path}.value.{wire_name}.value", bound)
    return out


def basic(application: Application, person: Candidate, base_url: str) -> dict[str, Any]:
    internal = application.kind == ApplicationKind.INTERNAL
    code = None if internal else application.invitation_code
    body: dict[str, Any] = {
        "candidateId": application.id,
        "kind": "user" if internal else "temp",
        "taskId": application.opening_id,
        "loggedIn": application.logged_in,
    }
    # The seeds type them ``fullname?: string`` and ``email?: string``: absent when unknown, never null.
    body.update({k: v for k, v in (("fullname", person.fullname), ("email", person.email)) if v is not None})
    body["invitationCode"] = code
    body["directAccessUrl"] = f"{base_url.rstrip('/')}/access/{code}" if code else None
    return body


def detailed(application: Application, person: Candidate, base_url: str) -> dict[str, Any]:
    return {
        **basic(application, person, base_url),
        "organizationId": application.organization_id,
        "source": application.source,
        "active": application.active,
        "activeAfter": epoch_seconds(application.active_after),
        "activeBefore": epoch_seconds(application.active_before),
        "group": application.group,
        "tags": application.tags,
        "labels": application.labels,
        "rating": application.rating,
        "stage": application.stage,
    }


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
    return {"testId": step.id, "organizationId": step.organization_id, "source": "own-test"}


def _step(step: Step) -> dict[str, Any]:
    return {
        "id": step.id,
        "title": step.name,
        "active": step.active,
        "activeBefore": epoch_seconds(step.active_before),
        "activeAfter": epoch_seconds(step.active_after),
        "attemptLimit": step.attempt_limit,
        "test": step_test(step),
        # Candidly proctors nothing: no recording, no fullscreen, no practice run.
        "webcamRecording": "NONE",
        "screenRecording": "NONE",
        "fullscreen": False,
        "postAiProctoring": False,
        "practiceMode": False,
    }


def render_task(opening: Opening, mode: str) -> dict[str, Any]:
    """A task, basic (id, title, creation time) or detailed (with its steps, programs and email templates)."""
    body: dict[str, Any] = {"taskId": opening.id, "title": opening.name, "createdAt": epoch_seconds(opening.created_at)}
    if mode != "detailed":
        return body
    return {
        **body,
        "organizationId": opening.organization_id,
        **task_settings(opening),
        "lang": opening.language if opening.language in LANGS else "default",
        "accessMethod": access_method(opening),
        "active": opening.status == "open",
        "activeAfter": None,
        "activeBefore": None,  # windows are per step
        "steps": [_step(s) for s in opening.steps],
        "programs": [{"uuid": p.id, "name": p.name, "stepIds": list(p.step_ids)} for p in opening.programs],
        "stages": [],
        "emailTemplates": [{"name": t.name, "subject": t.subject} for t in opening.email_templates],
        "privateChatEnabled": False,
    }
