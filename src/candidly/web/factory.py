"""The uvicorn entry point: an app built from the environment's Settings, in each worker process."""

from __future__ import annotations

from fastapi import FastAPI

from candidly.settings import Settings
from candidly.web.app import create_app


def app() -> FastAPI:
    return create_app(Settings())
