"""Test mode's operator endpoints under ``/_candidly``: move the service clock, read the captured outbox.

Mounted only when ``settings.test_mode`` is on. They are plain HTTP so that a test suite in any language can
drive them; the pytest plugin (candidly.testing) is one such client. No worker thread runs in test mode:
deliveries due at the service clock's time are made when the clock moves and when the outbox is read, so a test
sees every message it caused, deterministically.
"""

from __future__ import annotations

import threading
from datetime import timedelta
from typing import Annotated, Any

from fastapi import APIRouter, Depends, FastAPI, Query, Request, Response
from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, model_validator

from candidly.bootstrap import Services, build_worker
from candidly.delivery.capture import CapturingSender
from candidly.delivery.worker import Worker
from candidly.dialects.base import SurfaceServices, bearer_token, surface_app
from candidly.dialects.native import errors
from candidly.domain.errors import Forbidden
from candidly.domain.ids import SteerableClock

PREFIX = "/_candidly"
# Enough passes to drain a burst (each pass fans out 200 events and sends 20 deliveries) without spinning forever.
MAX_PASSES = 500


class TestMode:
    """The steerable clock, the capture, and a worker driven by hand on their behalf."""

    __test__ = False

    def __init__(self, services: Services) -> None:
        if not isinstance(services.clock, SteerableClock) or services.outbox is None:
            raise ValueError("test mode needs the services built with settings.test_mode on")
        self.clock: SteerableClock = services.clock
        self.outbox: CapturingSender = services.outbox
        self.worker: Worker = build_worker(services)
        self._lock = threading.Lock()  # one drive at a time: two would race for the same deliveries

    def catch_up(self, *, housekeeping: bool) -> int:
        """Run what is due at the clock's time (GDPR expiry and other chores first, if asked); deliveries made."""
        with self._lock:
            if housekeeping:
                self.worker.housekeep()
            handled = 0
            for _ in range(MAX_PASSES):
                done = self.worker.run_once()
                if not done:
                    break
                handled += done
            return handled


class Advance(BaseModel):
    model_config = ConfigDict(extra="forbid")

    days: float = 0
    hours: float = 0
    minutes: float = 0
    seconds: float = 0

    def delta(self) -> timedelta:
        return timedelta(days=self.days, hours=self.hours, minutes=self.minutes, seconds=self.seconds)


class ClockMove(BaseModel):
    """Exactly one of: move forward (or back) by ``advance``, jump to ``set``, or ``reset`` to the wall clock."""

    model_config = ConfigDict(extra="forbid")

    advance: Advance | None = None
    set: AwareDatetime | None = None
    reset: bool = False

    @model_validator(mode="after")
    def _one_move(self) -> ClockMove:
        if sum((self.advance is not None, self.set is not None, self.reset)) != 1:
            raise ValueError("give exactly one of advance, set or reset")
        return self


class Refusal(BaseModel):
    model_config = ConfigDict(extra="forbid")

    target: str = Field(min_length=1, max_length=2000)
    status: int = Field(default=503, ge=400, le=599)
    times: int = Field(default=1, ge=1, le=1000)


def operator(request: Request) -> None:
    """Only the operator token may move time or read everyone's mail."""
    services: Services = request.app.state.full_services
    if not services.auth.authenticate(bearer_token(request)).is_operator:
        raise Forbidden("test mode's endpoints take the operator token (CANDIDLY_ADMIN_TOKEN)")


router = APIRouter(dependencies=[Depends(operator)])


def _mode(request: Request) -> TestMode:
    mode: TestMode = request.app.state.test_mode
    return mode


def _now(mode: TestMode) -> dict[str, str]:
    return {"now": mode.clock.now().isoformat()}


@router.get("/clock")
def read_clock(request: Request) -> dict[str, str]:
    return _now(_mode(request))


@router.post("/clock")
def move_clock(body: ClockMove, request: Request) -> dict[str, str]:
    """Move the service clock, then run what came due: GDPR expiry, scheduled emails, retries."""
    mode = _mode(request)
    if body.advance is not None:
        mode.clock.advance(body.advance.delta())
    elif body.set is not None:
        mode.clock.set(body.set)
    else:
        mode.clock.reset()
    mode.catch_up(housekeeping=True)
    return _now(mode)


@router.get("/outbox")
def read_outbox(
    request: Request,
    kind: Annotated[str | None, Query(max_length=20)] = None,
    to: Annotated[str | None, Query(max_length=2000)] = None,
    organization_id: Annotated[str | None, Query(max_length=64)] = None,
) -> dict[str, list[dict[str, Any]]]:
    """Every message sent so far (oldest first), after sending what is due now."""
    mode = _mode(request)
    mode.catch_up(housekeeping=False)
    wanted = {"kind": kind, "to": to, "organization_id": organization_id}
    items = [
        m.as_json()
        for m in mode.outbox.messages()
        if all(value is None or getattr(m, name) == value for name, value in wanted.items())
    ]
    return {"items": items}


@router.delete("/outbox", status_code=204)
def clear_outbox(request: Request) -> Response:
    """Forget every message, including those due now: what an earlier test caused is not shown to the next."""
    mode = _mode(request)
    mode.catch_up(housekeeping=False)
    mode.outbox.clear()
    return Response(status_code=204)


@router.post("/outbox/refusals", status_code=201)
def refuse(body: Refusal, request: Request) -> dict[str, Any]:
    """Make the next ``times`` sends to ``target`` fail with ``status``, as a receiver that is down would."""
    _mode(request).outbox.refuse(body.target, status=body.status, times=body.times)
    return body.model_dump()


def build_app(services: Services, surfaces: SurfaceServices) -> FastAPI:
    """The ``/_candidly`` sub-app, with the native API's problem+json errors."""
    app = surface_app("Candidly test mode", surfaces, errors.install, [router])
    app.state.full_services = services
    app.state.test_mode = TestMode(services)
    return app
