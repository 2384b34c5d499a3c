"""Webhook subscriptions and the manual retry of a delivery, through the bus."""

from __future__ import annotations

from candidly.domain import commands as c
from candidly.domain.deliveries import Delivery, DeliveryStatus
from candidly.domain.errors import Forbidden, InvalidField, NotAllowed, NotFound
from candidly.domain.ids import new_id
from candidly.domain.principals import Scope
from tests.service.conftest import Service


def test_a_webhook_is_subscribed_with_a_secret_and_removed(service: Service) -> None:
    hook = service.run(c.CreateWebhook("https://hooks.example/in", ("candidate.created", "candidate.created")))
    assert hook.events == ["candidate.created"] and hook.secret.startswith("whsec_")
    with service.read() as uow:
        assert uow.webhooks.find(service.org, deleted_at=None) == [hook]
    service.run(c.DeleteWebhook(hook.id))
    with service.read() as uow:
        assert uow.webhooks.find(service.org, deleted_at=None) == []
    assert [e.type for e in service.events()][-2:] == ["webhook.created", "webhook.deleted"]
    with service.refuses(NotFound):
        service.run(c.DeleteWebhook(hook.id))


def test_a_webhook_is_refused_a_bad_url_an_unknown_event_or_a_key_without_admin(service: Service) -> None:
    with service.refuses(InvalidField, field="url"):
        service.run(c.CreateWebhook("ftp://hooks.example/in", ("candidate.created",)))
    with service.refuses(InvalidField, field="url"):
        service.run(c.CreateWebhook("https://user:pw@hooks.example/in", ("candidate.created",)))
    with service.refuses(InvalidField, field="events[0]"):
        service.run(c.CreateWebhook("https://hooks.example/in", ("opening.created",)))
    with service.refuses(InvalidField, field="events"):
        service.run(c.CreateWebhook("https://hooks.example/in", ()))
    with service.refuses(Forbidden, scope=Scope.ADMIN):
        service.run(
            c.CreateWebhook("https://hooks.example/in", ("candidate.created",)), service.actor(Scope.READ_CANDIDATES)
        )


def _delivery(service: Service, status: str) -> Delivery:
    """A delivery the outbox made earlier (the fan-out writes them, not a command)."""
    made = Delivery(id=new_id(), organization_id=service.org, kind="webhook", target="https://hooks.example/in",
                    payload={}, created_at=service.clock.now(), next_attempt_at=service.clock.now(), status=status,
                    attempts=5, last_error="timeout")  # fmt: skip
    with service.database.unit_of_work(write=True) as uow:
        uow.deliveries.add(made)  # type: ignore[attr-defined]  # the fan-out's side of the in-memory outbox
        uow.commit()
    return made


def test_a_dead_delivery_is_retried_now_with_a_fresh_round(service: Service) -> None:
    dead = _delivery(service, DeliveryStatus.DEAD)
    service.clock.advance(hours=2)
    service.run(c.RetryDelivery(dead.id))
    with service.read() as uow:
        again = uow.deliveries.get(service.org, dead.id)
    assert again is not None and (again.status, again.attempts, again.next_attempt_at) == (
        "pending",
        0,
        service.clock.now(),
    )
    assert service.events()[-1].data == {"previous_status": "dead"}


def test_a_delivered_or_unknown_delivery_is_not_retried(service: Service) -> None:
    delivered = _delivery(service, DeliveryStatus.DELIVERED)
    with service.refuses(NotAllowed):
        service.run(c.RetryDelivery(delivered.id))
    with service.refuses(NotFound):
        service.run(c.RetryDelivery("missing"))
    with service.refuses(Forbidden, scope=Scope.ADMIN):
        service.run(c.RetryDelivery(delivered.id), service.actor(Scope.READ_CANDIDATES))
