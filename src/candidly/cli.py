"""The ``candidly`` command: serve, migrate, and operator commands for organizations and keys."""

from __future__ import annotations

import json
import logging
import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated

import typer
import uvicorn
from rich.console import Console
from rich.progress import Progress

from candidly import bulk
from candidly.bootstrap import Services, build_services, build_worker
from candidly.domain import commands as c
from candidly.domain.access import ALL_SCOPES, Actor, Principal
from candidly.settings import Settings

app = typer.Typer(help="Candidly: a self-hosted candidate API server.", no_args_is_help=True)
console = Console()
OPERATOR = Actor(
    Principal(key_id=None, organization_ids=(), scopes=ALL_SCOPES, is_operator=True),
    surface="cli",
    type="operator",
)


@contextmanager
def open_services() -> Iterator[Services]:
    """Services for one command, with the database connections closed afterwards."""
    services = build_services(Settings())
    try:
        yield services
    finally:
        services.database.engine.dispose()


def _logging(level: str) -> None:
    logging.basicConfig(level=level.upper(), format="%(message)s")


@app.command()
def serve(
    host: Annotated[str | None, typer.Option(help="Address to listen on.")] = None,
    port: Annotated[int | None, typer.Option(help="Port to listen on.")] = None,
    workers: Annotated[int, typer.Option(help="Worker processes.")] = 1,
) -> None:
    """Apply migrations and serve the API (with the delivery worker in-process unless disabled)."""
    settings = Settings()
    _logging(settings.log_level)
    build_services(settings)  # migrate once, before any worker process starts
    uvicorn.run(
        "candidly.web.factory:app",
        factory=True,
        host=host or settings.host,
        port=port or settings.port,
        workers=workers,
        log_level=settings.log_level,
        access_log=False,
        timeout_graceful_shutdown=settings.shutdown_grace_seconds,
    )


@app.command()
def worker() -> None:
    """Run a delivery worker on its own (scale-out: any number may run beside the servers)."""
    settings = Settings()
    _logging(settings.log_level)
    delivery = build_worker(build_services(settings))
    stop = threading.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: stop.set())
    console.print("delivery worker running; Ctrl-C stops it after the current send")
    delivery.run(stop)


@app.command()
def migrate() -> None:
    """Bring the database schema to the newest version."""
    settings = Settings()
    build_services(settings)
    console.print(f"database at head: {settings.database_url.split('@')[-1]}")


@app.command("create-organization")
def create_organization(name: str) -> None:
    """Create an organization and print its first API key (shown this once)."""
    with open_services() as services:
        org, issued = services.bus.execute(c.CreateOrganization(name), OPERATOR)
        console.print(f"organization {org.id} ({org.name})")
        console.print(f"api key id {issued.key.id}")
        print(issued.token)


@app.command("create-api-key")
def create_api_key(
    organization_ids: Annotated[list[str], typer.Argument(help="Organization ids the key serves.")],
    name: Annotated[str, typer.Option(help="A label for the key.")] = "cli",
    scope: Annotated[list[str] | None, typer.Option(help="A scope; repeat for several (default: all).")] = None,
) -> None:
    """Create an API key for one or more organizations and print its token (shown this once)."""
    with open_services() as services:
        scopes = tuple(scope or sorted(ALL_SCOPES))
        issued = services.bus.execute(c.CreateApiKey(name, scopes, tuple(organization_ids)), OPERATOR)
        console.print(f"api key id {issued.key.id} scopes {' '.join(issued.key.scopes)}")
        print(issued.token)


@app.command("import")
def import_candidates(
    path: Annotated[Path, typer.Argument(help="CSV (with a header row) or JSON Lines file of candidates.")],
    organization: Annotated[str, typer.Option(help="The organization to import into.")],
    opening: Annotated[str | None, typer.Option(help="Also put every imported candidate into this opening.")] = None,
    fmt: Annotated[str | None, typer.Option("--format", help="csv or jsonl (default: from the file name).")] = None,
    rejects: Annotated[
        Path | None, typer.Option(help="Write rejected rows with their reasons here (JSON Lines).")
    ] = None,
) -> None:
    """Import candidates, validating each row; valid rows are imported even when others are rejected."""
    with open_services() as services:
        with path.open(newline="") as stream, Progress(console=console) as progress:
            task = progress.add_task(f"importing {path.name}", total=None)
            rows = bulk.read_rows(stream, bulk.detect_format(path, fmt))
            report = bulk.import_rows(services, organization, rows, opening, lambda n: progress.advance(task, n))
        console.print(f"imported {report.created} candidates, rejected {len(report.rejected)} rows")
        for r in report.rejected[:20]:
            console.print(f"  row {r.row}: {r.field}: {r.reason}")
        if rejects is not None:
            with rejects.open("w") as out:
                out.writelines(
                    json.dumps({"row": r.row, "field": r.field, "reason": r.reason}) + "\n" for r in report.rejected
                )
        if report.rejected:
            raise typer.Exit(code=3 if report.created else 4)


@app.command("export")
def export_candidates(
    organization: Annotated[str, typer.Option(help="The organization to export.")],
    path: Annotated[Path, typer.Argument(help="Where to write (.csv or .jsonl).")],
    fmt: Annotated[str | None, typer.Option("--format", help="csv or jsonl (default: from the file name).")] = None,
) -> None:
    """Export every candidate of an organization in the import format."""
    with open_services() as services:
        with path.open("w", newline="") as out:
            count = bulk.write_rows(bulk.export_rows(services, organization), out, bulk.detect_format(path, fmt))
        console.print(f"exported {count} candidates to {path}")


def main() -> None:
    app()
