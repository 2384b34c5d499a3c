"""Idempotency-Key on every POST of every surface: a retry with the same key and body replays the first answer.

Flow: the edge (``web/edge.py``) hands a POST carrying a key to ``Idempotency.run``, which looks the key up before
the request runs; a key seen before answers from what is stored (a replay, or a refusal in the surface's own error
envelope). A new key is handed to the request as a claim (a context variable),
and the command bus records it in the same transaction as the change it answers (``service.idempotency``): the
change and the key commit together or not at all. So a request that changes nothing (refused by authentication,
validation or a fault) stores nothing, and a committed change can never run a second time for its key, crash or
not. The answer is saved when it comes back; if the database fails right then, it is kept in memory, replayed from
there and saved as soon as the database answers again. Answers holding a secret (a new key's token, a webhook's
secret) are never kept: a retry learns that the change was made. Keys expire after 24 hours.

Two requests racing with one key both run; the second one's commit finds the key taken, rolls back and answers 409,
and its retry replays the first one's answer.
"""

from __future__ import annotations

import hashlib
from collections import OrderedDict
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from candidly.domain.errors import Conflict, DomainError, InvalidField
from candidly.domain.ids import Clock
from candidly.service.executor import DatabaseExecutor
from candidly.service.idempotency import CURRENT_CLAIM, IdempotencyClaim
from candidly.storage.idempotency import ANSWER_PENDING, IN_FLIGHT, WITHHELD, SqlIdempotencyStore
from candidly.web.faults import Faults, fault_kind
from candidly.web.surface_errors import SurfaceErrors

FIELD = "Idempotency-Key"
_NOT_REPLAYED = {b"date", b"server", b"x-request-id", b"content-length"}
# Answers kept in memory while the database cannot take them; beyond this the oldest are dropped (a retry of
# one of those is told its change was made, as after a crash).
MAX_UNSAVED = 10_000
_REFUSALS: dict[int, tuple[int, str]] = {
    IN_FLIGHT: (409, "a request with this Idempotency-Key is still in progress"),
    ANSWER_PENDING: (
        409,
        "the request with this Idempotency-Key made its change, but its answer is not saved yet: "
        "retry shortly, or read the resource",
    ),
    WITHHELD: (
        409,
        "the request with this Idempotency-Key made its change; its answer held a secret, which is shown only once",
    ),
}


@dataclass(frozen=True, slots=True)
class Answer:
    status: int
    headers: list[list[str]]
    body: bytes


# The API key an Authorization header stands for (None when it stands for none): see ``web.credentials``.
KeyOf = Callable[[bytes | None], Awaitable[str | None]]


async def no_key(_header: bytes | None) -> str | None:
    return None


class Idempotency:
    """What the edge does with a POST carrying an Idempotency-Key: replay, refuse, or run it under a claim."""

    def __init__(
        self,
        *,
        store: SqlIdempotencyStore,
        executor: DatabaseExecutor,
        clock: Clock,
        errors: SurfaceErrors,
        faults: Faults,
        key_of: KeyOf = no_key,
    ) -> None:
        self.key_of = key_of
        self.store = store
        self.executor = executor  # the services' database threads: the key's lookup and its answer's save
        self.clock = clock
        self.errors = errors
        self.faults = faults
        self.unsaved: OrderedDict[tuple[str, str], Answer] = OrderedDict()

    async def run(
        self, app: ASGIApp, scope: Scope, receive: Receive, send: Send, key: bytes, authorization: bytes | None
    ) -> None:
        """Answer the request with ``key`` from ``app``, or from what the key already holds."""
        if not 1 <= len(key) <= 255:
            await self._refuse(scope, send, 400, InvalidField(FIELD, "must be 1 to 255 characters"))
            return
        body = await _read_body(receive)
        owner = await self._owner(authorization)
        digest = hashlib.sha256(
            b"\n".join([scope["method"].encode(), scope["path"].encode(), scope.get("query_string", b""), body])
        ).hexdigest()
        claim = IdempotencyClaim(owner, key.decode("latin-1"), digest, self.clock.now())
        if not await self._answered(scope, send, claim):
            await self._run(app, scope, body, send, claim)

    async def _owner(self, header: bytes | None) -> str:
        """Whose keys these are: the API key behind the credential, so that a retry with a new access token (or
        with Basic instead of a token) finds its first answer; else a digest of the header as it is."""
        key_id = await self.key_of(header)
        return key_id or hashlib.sha256(header or b"").hexdigest()[:32]

    async def _answered(self, scope: Scope, send: Send, claim: IdempotencyClaim) -> bool:
        """Answer from what the key already holds (a replay or a refusal) and return True; False for a new key."""
        held = self.unsaved.get((claim.scope, claim.key))
        if held is not None:
            await _replay(send, held)
            await self._save(claim, held)
            return True
        stored = await self.executor.run(lambda: self.store.find(claim.scope, claim.key))
        if stored is None or stored.expired(claim.at):
            return False
        if stored.request_hash != claim.request_hash:
            refusal = InvalidField(FIELD, "this key was already used with a different request")
            await self._refuse(scope, send, 422, refusal)
        elif stored.status_code in _REFUSALS:
            status, detail = _REFUSALS[stored.status_code]
            await self._refuse(scope, send, status, Conflict(detail, field=FIELD))
        else:
            await _replay(send, Answer(stored.status_code, stored.headers, stored.body))
        return True

    async def _refuse(self, scope: Scope, send: Send, status: int, error: DomainError) -> None:
        response = await self.errors.response(scope, status, str(error), error=error)

        async def no_body() -> Message:
            return {"type": "http.disconnect"}

        await response(scope, no_body, send)

    async def _run(self, app: ASGIApp, scope: Scope, body: bytes, send: Send, claim: IdempotencyClaim) -> None:
        status = 500
        headers: list[list[str]] = []
        chunks: list[bytes] = []
        sent = False

        async def replay_body() -> Message:
            nonlocal sent
            if sent:
                return {"type": "http.disconnect"}
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}

        async def capture(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                headers.extend(
                    [k.decode("latin-1"), v.decode("latin-1")]
                    for k, v in message.get("headers", [])
                    if k.lower() not in _NOT_REPLAYED
                )
            elif message["type"] == "http.response.body":
                chunks.append(message.get("body", b""))
                # Saved before the answer's last bytes leave: a client that has the answer can replay it at once.
                # A settled key whose answer is a 5xx keeps no answer ("answer pending"): it is never run twice.
                if not message.get("more_body", False) and claim.settled and claim.keeps_answer and status < 500:
                    await self._save(claim, Answer(status, headers, b"".join(chunks)))
            await send(message)

        token = CURRENT_CLAIM.set(claim)
        try:
            await app(scope, replay_body, capture)
        finally:
            CURRENT_CLAIM.reset(token)

    async def _save(self, claim: IdempotencyClaim, answer: Answer) -> None:
        """Store the answer; while the database cannot take it, hold it here (the change is committed already)."""
        where = (claim.scope, claim.key)
        if not await self._store(where, answer):
            self.unsaved[where] = answer
            while len(self.unsaved) > MAX_UNSAVED:
                self.unsaved.popitem(last=False)
            return
        self.unsaved.pop(where, None)
        # The database takes answers again: save the ones held since it failed, oldest first, until one fails.
        while self.unsaved:
            where, answer = next(iter(self.unsaved.items()))
            if not await self._store(where, answer):
                return
            self.unsaved.pop(where, None)

    async def _store(self, where: tuple[str, str], answer: Answer) -> bool:
        """Save one answer; False (the fault noted) when the database cannot take it now."""
        try:
            await self.executor.run(lambda: self.store.complete(*where, answer.status, answer.headers, answer.body))
        except Exception as exc:
            kind = fault_kind(exc)
            if kind is None:
                raise
            self.faults.record(kind, exc)
            return False
        return True


async def _replay(send: Send, answer: Answer) -> None:
    headers = [(k.encode("latin-1"), v.encode("latin-1")) for k, v in answer.headers]
    await send(
        {
            "type": "http.response.start",
            "status": answer.status,
            "headers": [*headers, (b"idempotent-replayed", b"true")],
        }
    )
    await send({"type": "http.response.body", "body": answer.body})


async def _read_body(receive: Receive) -> bytes:
    parts: list[bytes] = []
    while True:
        message = await receive()
        if message["type"] != "http.request":
            break
        parts.append(message.get("body", b""))
        if not message.get("more_body", False):
            break
    return b"".join(parts)
