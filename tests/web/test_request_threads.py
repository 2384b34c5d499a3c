"""A server runs at most CANDIDLY_REQUEST_THREADS requests at once on its thread pool (anyio's default is 40)."""

from __future__ import annotations

import anyio.to_thread

from candidly.bootstrap import Services
from candidly.settings import Settings
from candidly.web.app import create_app
from tests.helpers import FakeClock, TestClient


def _threads(client: TestClient) -> float:
    assert client.portal is not None  # the client's event loop: the one the app serves on
    return client.portal.call(lambda: anyio.to_thread.current_default_thread_limiter().total_tokens)


def test_the_event_loops_thread_pool_has_as_many_threads_as_the_setting_says(
    settings: Settings, clock: FakeClock, services: Services
) -> None:
    with TestClient(create_app(settings, clock, services)) as client:
        assert _threads(client) == 8  # the default
    narrow = settings.model_copy(update={"request_threads": 3})
    app = create_app(narrow, clock)
    try:
        with TestClient(app) as client:
            assert _threads(client) == 3
            assert client.get("/healthz").status_code == 200
    finally:
        app.state.services.database.engine.dispose()
