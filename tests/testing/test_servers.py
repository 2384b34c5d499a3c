"""candidly.testing.server outside the plugin: `candidly serve` in a child process, driven the same way."""

from __future__ import annotations

import httpx

from candidly.testing import server


def test_a_subprocess_server_serves_test_mode_and_stops() -> None:
    with server(mode="subprocess") as candidly:
        org = candidly.new_org("Acme")
        person = httpx.post(f"{candidly.base_url}/api/v1/candidates", json={"first_name": "Ada"}, headers=org.headers)
        assert person.status_code == 201
        before = candidly.clock.now()
        assert (candidly.clock.advance(days=2) - before).days >= 2
        assert candidly.outbox.messages() == []
        base_url = candidly.base_url
    try:
        httpx.get(f"{base_url}/healthz", timeout=2)
    except httpx.TransportError:
        return
    raise AssertionError("the child process still serves after the block")
