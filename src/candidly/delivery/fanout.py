"""Fan-out: turn one event of the outbox into the deliveries it causes (an email, a callback, webhooks).

``Deliveries`` is the step the message bus runs in each command's own transaction (its savepoint under group
commit), after the handler: the deliveries commit with the change and its events, and the worker only sends them.
The worker runs the same step over events an older version logged without fanning them out.
"""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from types import MappingProxyType
from typing import Any, TypeVar

from sqlalchemy.exc import SQLAlchemyError

from candidly.delivery.email import invitation_payload, variables
from candidly.domain.applications import Application
from candidly.domain.attempts import Attempt
from candidly.domain.deliveries import Delivery, DeliveryKind, DeliveryStatus, WebhookSubscription
from candidly.domain.events import WEBHOOK_EVENT_TYPES, Event, EventType
from candidly.domain.ids import new_id
from candidly.domain.openings import Opening
from candidly.domain.people import Candidate
from candidly.service.context import Context
from candidly.service.ports import Repository, UnitOfWork

UNSUBSCRIBED = "the candidate has unsubscribed from messages"
MESSAGE_SUBJECT = "A message about your application"
log = logging.getLogger("candidly.delivery")
E = TypeVar("E")
NONE_KEPT: Mapping[tuple[type, str], object] = MappingProxyType({})

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
    """What fan-out needs besides the event: where links point, how callbacks look, what the command kept."""

    uow: UnitOfWork
    now: datetime
    public_base_url: str
    callback_renderer: CallbackRenderer = native_session
    kept: Mapping[tuple[type, str], object] = field(default_factory=dict)  # the command's entities (Context.kept)

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
            except SQLAlchemyError:
                raise  # the database failed: the whole transaction fails, the command's change with it
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
        application = self._get(Application, self.uow.applications, org, event.subject_id)
        person = (
            None if application is None else self._get(Candidate, self.uow.candidates, org, application.candidate_id)
        )
        opening = self._get(Opening, self.uow.openings, org, data["opening_id"])
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

    def _get(self, kind: type[E], repository: Repository[E], organization_id: str, ident: str) -> E | None:
        """The entity as the command kept it, else as stored."""
        kept = self.kept.get((kind, ident))
        return kept if isinstance(kept, kind) else repository.get(organization_id, ident)

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
        subscriptions = self.uow.webhooks.live(org)
        payload = webhook_payload(event)
        if event.type == EventType.SESSION_COMPLETED:  # receivers want the score without a round trip
            payload["data"]["session"] = jsonable(self.uow.attempts.get(org, event.subject_id))
        return [
            self._new(event, DeliveryKind.WEBHOOK, s.url, payload, subscription_id=s.id)
            for s in subscriptions
            if event.type in s.events and happened_after(event, s)
        ]


@dataclass(frozen=True, slots=True)
class Deliveries:
    """The fan-out step: what it needs besides the events, given once (bootstrap); called per command or batch."""

    public_base_url: str
    callback_renderer: CallbackRenderer = native_session

    def __call__(self, uow: UnitOfWork, ctx: Context) -> list[Delivery]:
        """The deliveries of the events a command recorded, in its unit of work (the message bus's step)."""
        return self.of(uow, ctx.events, ctx.now, ctx.kept)

    def of(
        self,
        uow: UnitOfWork,
        events: Sequence[Event],
        now: datetime,
        kept: Mapping[tuple[type, str], object] = NONE_KEPT,
    ) -> list[Delivery]:
        """The deliveries of ``events`` (the worker's, for events logged without them: nothing kept)."""
        fan = FanOut(uow, now, self.public_base_url, self.callback_renderer, kept)
        return [d for e in events for d in fan.deliveries(e)]


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
