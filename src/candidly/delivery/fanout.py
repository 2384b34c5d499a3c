"""Fan-out: turn one event of the outbox into the deliveries it causes (an email, a callback, webhooks)."""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from candidly.delivery.email import invitation_payload, variables
from candidly.domain.applications import Application
from candidly.domain.attempts import Attempt
from candidly.domain.deliveries import Delivery, DeliveryKind, DeliveryStatus, WebhookSubscription
from candidly.domain.events import WEBHOOK_EVENT_TYPES, Event, EventType
from candidly.domain.ids import new_id
from candidly.service.ports import UnitOfWork

UNSUBSCRIBED = "the candidate has unsubscribed from messages"
MESSAGE_SUBJECT = "A message about your application"
log = logging.getLogger("candidly.delivery")

# Renders a completed session as a callback body in the requested mode ("basic" or "detailed").
# The surface that accepted the callback supplies it (bootstrap wires it); the default is native.
CallbackRenderer = Callable[[Attempt, Application, str], dict[str, Any]]


def jsonable(value: Any) -> Any:
    """Dataclasses, datetimes and containers as JSON values (times in ISO 8601)."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: jsonable(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, datetime):
        return value.isoformat().replace("+00:00", "Z")
    if isinstance(value, dict):
        return {k: jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [jsonable(v) for v in value]
    return value


def native_session(session: Attempt, _application: Application, _mode: str) -> dict[str, Any]:
    return {"session": jsonable(session)}


@dataclass
class FanOut:
    """What fan-out needs besides the event: where links point, how callbacks look, and a cache."""

    uow: UnitOfWork
    now: datetime
    public_base_url: str
    callback_renderer: CallbackRenderer = native_session
    _subscriptions: dict[str, list[WebhookSubscription]] = field(default_factory=dict)

    def deliveries(self, event: Event) -> list[Delivery]:
        builders: list[tuple[DeliveryKind, Callable[[Event], list[Delivery]]]] = []
        if event.type == EventType.INVITATION_REQUESTED:
            builders.append((DeliveryKind.EMAIL, lambda e: [self._invitation(e)]))
        if event.type == EventType.CANDIDATE_MESSAGED:
            builders.append((DeliveryKind.EMAIL, self._message))
        if event.type == EventType.SESSION_COMPLETED:
            builders.append((DeliveryKind.CALLBACK, self._callback))
        if event.type in WEBHOOK_EVENT_TYPES:
            builders.append((DeliveryKind.WEBHOOK, self._webhooks))
        out: list[Delivery] = []
        for kind, build in builders:
            try:
                out.extend(build(event))
            except Exception as exc:  # one malformed event must neither block the outbox nor vanish
                log.exception("fan-out of event %s failed", event.id)
                out.append(self._dead(event, kind, "", f"fan-out failed: {exc.__class__.__name__}: {exc}"))
        return out

    def _new(self, event: Event, kind: DeliveryKind, target: str, payload: dict[str, Any], **kw: Any) -> Delivery:
        return Delivery(
            id=new_id(),
            organization_id=event.organization_id,
            kind=kind,
            target=target,
            payload=payload,
            created_at=self.now,
            updated_at=self.now,
            next_attempt_at=kw.pop("at", self.now),
            event_id=event.id,
            event_type=event.type,
            **kw,
        )

    def _invitation(self, event: Event) -> Delivery:
        org, data = event.organization_id, event.data
        application = self.uow.applications.get(org, event.subject_id)
        person = None if application is None else self.uow.candidates.get(org, application.candidate_id)
        opening = self.uow.openings.get(org, data["opening_id"])
        template = None if opening is None else opening.template(data["template_name"])
        send_at = datetime.fromisoformat(data["send_at"]) if data.get("send_at") else self.now
        target = (person.email if person else None) or ""
        if application is None or person is None or opening is None or template is None or not target:
            return self._dead(event, DeliveryKind.EMAIL, target, "the application, its email or its template is gone")
        if person.unsubscribed:
            return self._dead(event, DeliveryKind.EMAIL, target, UNSUBSCRIBED)
        context = variables(person, application, opening, self.public_base_url)
        payload = invitation_payload(target, application.id, template, context)
        return self._new(event, DeliveryKind.EMAIL, target, payload, at=max(send_at, self.now))

    def _message(self, event: Event) -> list[Delivery]:
        """A message to a candidate by email; one without an email gets none (the event log keeps the message)."""
        person = self.uow.candidates.get(event.organization_id, event.subject_id)
        if person is None or person.deleted_at is not None or not person.email:
            return []
        if person.unsubscribed:
            return [self._dead(event, DeliveryKind.EMAIL, person.email, UNSUBSCRIBED)]
        subject = str(event.data.get("subject") or MESSAGE_SUBJECT)
        payload = {"to": person.email, "subject": subject, "body": str(event.data.get("message") or "")}
        return [self._new(event, DeliveryKind.EMAIL, person.email, payload)]

    def _dead(self, event: Event, kind: DeliveryKind, target: str, error: str) -> Delivery:
        """A delivery that cannot even be built is dead-lettered at once, never silently dropped."""
        return self._new(event, kind, target, {}, status=DeliveryStatus.DEAD, last_error=error)

    def _callback(self, event: Event) -> list[Delivery]:
        org = event.organization_id
        session = self.uow.attempts.get(org, event.subject_id)
        application = None if session is None else self.uow.applications.get(org, session.application_id)
        if session is None or application is None or not application.callback:
            return []
        callback = application.callback
        body = self.callback_renderer(session, application, str(callback.get("resource") or "basic"))
        if callback.get("params"):
            body["params"] = callback["params"]
        return [self._new(event, DeliveryKind.CALLBACK, str(callback.get("url") or ""), body)]

    def _webhooks(self, event: Event) -> list[Delivery]:
        org = event.organization_id
        if org not in self._subscriptions:
            self._subscriptions[org] = self.uow.webhooks.find(org, deleted_at=None)
        payload = webhook_payload(event)
        if event.type == EventType.SESSION_COMPLETED:  # receivers want the score without a round trip
            payload["data"]["session"] = jsonable(self.uow.attempts.get(org, event.subject_id))
        return [
            self._new(event, DeliveryKind.WEBHOOK, s.url, payload, subscription_id=s.id)
            for s in self._subscriptions[org]
            if event.type in s.events and happened_after(event, s)
        ]


def happened_after(event: Event, subscription: WebhookSubscription) -> bool:
    """Whether ``event`` happened after ``subscription`` was made: a subscription receives no older event.

    Events still waiting in the outbox when a subscription is made are not its business (Stripe and
    GitHub behave so). Times first, then the time-ordered ids, for an event in the same instant.
    """
    return (event.occurred_at, event.id) > (subscription.created_at, subscription.id)


def webhook_payload(event: Event) -> dict[str, Any]:
    """The Standard Webhooks body: ``type``, ``timestamp`` and ``data`` about the subject."""
    return {
        "type": event.type,
        "timestamp": jsonable(event.occurred_at),
        "data": {
            "id": event.subject_id,
            "object": event.subject_type,
            "candidate_id": event.candidate_id,
            "changes": event.changes,
            **event.data,
            "actor": event.actor,
        },
    }
