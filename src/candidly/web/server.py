"""Serve the app from a thread of this process on a port of its own: for ``candidly seed`` and candidly.testing."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

import uvicorn
from fastapi import FastAPI

from candidly.bootstrap import Services, build_services
from candidly.settings import Settings
from candidly.web.app import create_app

START_TIMEOUT_SECONDS = 30.0


@contextmanager
def serve_in_thread(settings: Settings, services: Services | None = None) -> Iterator[str]:
    """Run the app on a free loopback port until the block ends; yields its base URL.

    The socket is bound here and handed to uvicorn, so no other process can take the port in between, and
    ``public_base_url`` is set to the real address so that links the server writes (file URLs, access links)
    lead back to it.
    """
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        base_url = f"http://127.0.0.1:{sock.getsockname()[1]}"
        settings = settings.model_copy(update={"public_base_url": base_url})
        own = services is None
        app = create_app(settings, services=services or build_services(settings))
        try:
            with _running(app, sock):
                yield base_url
        finally:
            if own:
                app.state.services.database.engine.dispose()


@contextmanager
def _running(app: FastAPI, sock: socket.socket) -> Iterator[None]:
    # No logging config of its own (the host process keeps its logging) and no websockets (none are served).
    config = uvicorn.Config(app, log_config=None, access_log=False, ws="none", lifespan="on", log_level="warning")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, name="candidly-server", daemon=True)
    thread.start()
    try:
        _wait_started(server, thread)
        yield
    finally:
        server.should_exit = True
        thread.join(START_TIMEOUT_SECONDS)


def _wait_started(server: uvicorn.Server, thread: threading.Thread) -> None:
    deadline = time.monotonic() + START_TIMEOUT_SECONDS
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("the in-process Candidly server did not start")
        time.sleep(0.01)  # waiting for a thread to come up, not for time to pass in a test
