"""Native routes for the delivery log: every email, callback and webhook, its attempts, and a manual retry."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query
from fastapi.responses import Response
from pydantic import BaseModel

from candidly.dialects.base import FastJSONResponse, iso
from candidly.dialects.native.deps import Who
from candidly.dialects.native.translate import page_out
from candidly.domain import commands as c
from candidly.domain.deliveries import Delivery, DeliveryAttempt
from candidly.service.ports import Filters, PageRequest

router = APIRouter(tags=["deliveries"])


class AttemptOut(BaseModel):
    number: int
    attempted_at: str
    outcome: str
    status_code: int | None
    error: str | None


class DeliveryOut(BaseModel):
    id: str
    kind: str
    target: str
    status: str
    attempts: int
    event_id: str | None
    event_type: str | None
    subscription_id: str | None
    next_attempt_at: str
    last_error: str | None
    last_status_code: int | None
    created_at: str
    delivered_at: str | None
    attempt_log: list[AttemptOut] | None = None


def delivery_out(d: Delivery, attempts: list[DeliveryAttempt] | None = None) -> dict[str, Any]:
    body: dict[str, Any] = {
        "id": d.id,
        "kind": d.kind,
        "target": d.target,
        "status": d.status,
        "attempts": d.attempts,
        "event_id": d.event_id,
        "event_type": d.event_type,
        "subscription_id": d.subscription_id,
        "next_attempt_at": iso(d.next_attempt_at),
        "last_error": d.last_error,
        "last_status_code": d.last_status_code,
        "created_at": iso(d.created_at),
        "delivered_at": iso(d.delivered_at),
    }
    if attempts is not None:
        body["attempt_log"] = [
            {
                "number": a.number,
                "attempted_at": iso(a.attempted_at),
                "outcome": a.outcome,
                "status_code": a.status_code,
                "error": a.error,
            }
            for a in attempts
        ]
    return body


@router.get("/deliveries", response_model=None)
async def list_deliveries(
    who: Who,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    cursor: Annotated[str | None, Query(max_length=64)] = None,
    status: Literal["pending", "delivered", "dead"] | None = None,
    kind: Literal["email", "callback", "webhook"] | None = None,
) -> Response:
    """The delivery log, newest first, filtered by status or kind."""
    equal = {k: v for k, v in {"status": status, "kind": kind}.items() if v}
    page = await who.read(lambda r: r.deliveries(Filters(equal=equal), PageRequest(limit, cursor, descending=True)))
    return FastJSONResponse(page_out(page, delivery_out))


@router.get("/deliveries/{delivery_id}", response_model=DeliveryOut)
async def get_delivery(delivery_id: str, who: Who) -> Response:
    """One delivery with every attempt: when, the status code, the error."""
    delivery, attempts = await who.read(lambda r: r.delivery(delivery_id))
    return FastJSONResponse(delivery_out(delivery, attempts))


@router.post("/deliveries/{delivery_id}/retry", status_code=202, response_model=DeliveryOut)
async def retry_delivery(delivery_id: str, who: Who) -> Response:
    """Send a pending or dead-lettered delivery again now, with a fresh round of attempts."""
    delivery, attempts = await who.execute(c.RetryDelivery(delivery_id), answer=lambda r, _: r.delivery(delivery_id))
    return FastJSONResponse(delivery_out(delivery, attempts), status_code=202)
