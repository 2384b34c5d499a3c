"""The uvicorn entry point of ``candidly serve``: an app built from the environment's Settings, in each worker process."""

from __future__ import annotations

from fastapi import FastAPI

from candidly.bootstrap import build_services
from candidly.settings import Settings
from candidly.web.app import create_app


def app() -> FastAPI:
    # ``candidly serve`` applied the migrations once before starting the server processes.
    settings = Settings()
    return create_app(settings, services=build_services(settings, migrate=False))
