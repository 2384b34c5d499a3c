"""The uvicorn entry point of ``candidly serve``: an app built from the environment's Settings, in each worker process."""

from __future__ import annotations

from fastapi import FastAPI

from candidly.bootstrap import build_services
from candidly.settings import Settings
from candidly.web import log_queue
from candidly.web.app import create_app


def app() -> FastAPI:
    # ``candidly serve`` applied the migrations once before starting the server processes.
    settings = Settings()
    log_queue.configure(settings.log_level)  # a worker process (--workers 2 and up) starts with no logging
    return create_app(settings, services=build_services(settings, migrate=False), queued_logging=True)
