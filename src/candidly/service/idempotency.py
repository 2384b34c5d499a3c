"""An Idempotency-Key claim: the edge names it, the bus settles it in the transaction of the change it answers."""

from __future__ import annotations

from contextvars import ContextVar
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from candidly.domain import commands as c

# Answers that carry a secret shown once (a key's token and signing secret, a webhook's secret, a sign-in
# cookie): never stored for replay. A retry with the key is told the change was made, not shown the secret.
SECRET_ANSWERS: frozenset[type[object]] = frozenset(
    {c.CreateOrganization, c.CreateApiKey, c.CreateWebhook, c.RecordLogin}
)


@dataclass(slots=True)
class IdempotencyClaim:
    """A request's key, as the edge saw it; ``settled`` once a transaction recorded the key with its change.

    Mutable on purpose: the edge sets it in a context variable, the handler thread (a copy of that context)
    marks it settled, and the edge reads the mark after the answer to know whether to keep the answer.
    """

    scope: str  # a digest of the caller's credential: two callers never share a key
    key: str
    request_hash: str
    at: datetime
    settled: bool = False
    keeps_answer: bool = True


CURRENT_CLAIM: ContextVar[IdempotencyClaim | None] = ContextVar("candidly_idempotency_claim", default=None)


class IdempotencyLedger(Protocol):
    """Storage's side: record a claim inside the open transaction, or raise KeyTaken if another request did."""

    def settle(self, claim: IdempotencyClaim, *, keeps_answer: bool) -> None: ...


def settle_claim(ledger: IdempotencyLedger, command: object) -> IdempotencyClaim | None:
    """Record the request's key in the command's transaction (before its commit); the first write of a request wins.

    Returns the claim to mark settled once the commit succeeds, or None when there is nothing to settle.
    """
    claim = CURRENT_CLAIM.get()
    if claim is None or claim.settled:
        return None
    ledger.settle(claim, keeps_answer=type(command) not in SECRET_ANSWERS)
    return claim
