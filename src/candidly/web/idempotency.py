"""Idempotency-Key on every POST of every surface: a retry with the same key and body replays the first answer.

Flow: the key is reserved in its own transaction before the request runs, and the answer is stored when it
comes back. A retry of the same request replays it; the same key with another request is refused (422); a
retry while the first is still running gets 409. If the process dies between the write's commit and storing
the answer, the reservation stays "in flight": after a minute a retry takes the key over and runs again, so a
crash can at worst turn the retry into a fresh attempt, never into two answers for one key. Keys expire after
24 hours. Answers of 5xx are not kept, so a failed request can be retried with the same key.
"""

from __future__ import annotations

import hashlib
from datetime import timedelta

import anyio.to_thread
import orjson
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from candidly.domain.ids import Clock
from candidly.storage.idempotency import IN_FLIGHT, SqlIdempotencyStore

TTL = timedelta(hours=24)
ABANDONED_AFTER = timedelta(minutes=1)
_NOT_REPLAYED = {b"date", b"server", b"x-request-id", b"content-length"}


def _header(scope: Scope, name: bytes) -> bytes | None:
    return next((v for k, v in scope["headers"] if k == name), None)


async def _problem(send: Send, status: int, detail: str) -> None:
    body = orjson.dumps({"type": "https://candidly.dev/problems/idempotency", "title": "idempotency key",
                         "status": status, "detail": detail, "field": "Idempotency-Key"})  # fmt: skip
    await send(
        {"type": "http.response.start", "status": status, "headers": [(b"content-type", b"application/problem+json")]}
    )
    await send({"type": "http.response.body", "body": body})


class IdempotencyMiddleware:
    def __init__(self, app: ASGIApp, *, store: SqlIdempotencyStore, clock: Clock) -> None:
        self.app = app
        self.store = store
        self.clock = clock

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        key = _header(scope, b"idempotency-key") if scope["type"] == "http" and scope["method"] == "POST" else None
        if key is None:
            await self.app(scope, receive, send)
            return
        if not 1 <= len(key) <= 255:
            await _problem(send, 400, "Idempotency-Key must be 1 to 255 characters")
            return
        body = await _read_body(receive)
        owner = hashlib.sha256(_header(scope, b"authorization") or b"").hexdigest()[:32]
        digest = hashlib.sha256(
            b"\n".join([scope["method"].encode(), scope["path"].encode(), scope.get("query_string", b""), body])
        ).hexdigest()
        name = key.decode("latin-1")
        if not await self._claim(send, owner, name, digest):
            return
        await self._run(scope, body, send, owner, name)

    async def _claim(self, send: Send, owner: str, key: str, digest: str) -> bool:
        """Reserve the key, or answer from it (replay, 409 or 422) and return False."""
        now = self.clock.now()
        stored = await anyio.to_thread.run_sync(self.store.find, owner, key)
        if stored is not None and (
            now - stored.created_at > TTL
            or (stored.status_code == IN_FLIGHT and now - stored.created_at > ABANDONED_AFTER)
        ):
            await anyio.to_thread.run_sync(self.store.release, owner, key)
            stored = None
        if stored is not None:
            if stored.request_hash != digest:
                await _problem(send, 422, "this Idempotency-Key was already used with a different request")
            elif stored.status_code == IN_FLIGHT:
                await _problem(send, 409, "a request with this Idempotency-Key is still in progress")
            else:
                headers = [(k.encode("latin-1"), v.encode("latin-1")) for k, v in stored.headers]
                await send(
                    {
                        "type": "http.response.start",
                        "status": stored.status_code,
                        "headers": [*headers, (b"idempotent-replayed", b"true")],
                    }
                )
                await send({"type": "http.response.body", "body": stored.body})
            return False
        if not await anyio.to_thread.run_sync(self.store.reserve, owner, key, digest, now):
            await _problem(send, 409, "a request with this Idempotency-Key is still in progress")
            return False
        return True

    async def _run(self, scope: Scope, body: bytes, send: Send, owner: str, key: str) -> None:
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
            await send(message)

        try:
            await self.app(scope, replay_body, capture)
        finally:
            if status < 500:
                await anyio.to_thread.run_sync(self.store.complete, owner, key, status, headers, b"".join(chunks))
            else:
                await anyio.to_thread.run_sync(self.store.release, owner, key)


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
