"""The reference: a FastAPI app that only parses the same JSON body and answers a small JSON object.

It runs on the same server software and worker count as Candidly, so the ratio of the two measures
what Candidly's own work costs, independent of how fast this machine happens to be today.
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI

SMALL = {"id": "0190a1b2c3d4e5f6a7b8c9d0e1f2a3b4", "ok": True, "name": "reference"}

app = FastAPI()


@app.post("/ref/{path:path}")
def create(path: str, body: dict[str, Any]) -> dict[str, Any]:
    return SMALL


@app.patch("/ref/{path:path}")
def update(path: str, body: dict[str, Any]) -> dict[str, Any]:
    return SMALL


@app.get("/ref/{path:path}")
def read(path: str) -> dict[str, Any]:
    return SMALL
