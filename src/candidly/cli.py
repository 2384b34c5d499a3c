"""The ``candidly`` command: serve, migrate, and operator commands for organizations and keys."""

from __future__ import annotations

import json
import os
import secrets
import signal
import sys
import tempfile
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any, NoReturn

import httpx
import typer
from rich.console import Console
from rich.progress import Progress
from typer.core import TyperGroup

from candidly import bulk, seed
from candidly.bootstrap import Services, build_services, build_worker
from candidly.domain import commands as c
from candidly.domain.errors import DomainError
from candidly.domain.principals import ALL_SCOPES, Actor, Principal
from candidly.preflight import ConfigError, check_database_url, check_port_free, load_settings
from candidly.settings import Settings
from candidly.storage.marker import TestModeRefused
from candidly.storage.secrets import SecretKeyMissing, reseal_all
from candidly.web import log_queue, serving


class OneLineErrors(TyperGroup):
    """Every command's mistakes end it with one line on stderr, never a traceback: 2 for configuration, 1 else."""

    def invoke(self, ctx: Any) -> Any:  # a click Context; typer bundles its own click, whose type is private
        try:
            return super().invoke(ctx)
        except (ConfigError, TestModeRefused, SecretKeyMissing, seed.SeedError) as error:
            fail(str(error), 2)
        except DomainError as error:
            fail(error.message, 1)


def fail(message: str, status: int) -> NoReturn:
    print(f"candidly: error: {message}", file=sys.stderr)
    raise typer.Exit(code=status)


app = typer.Typer(
    cls=OneLineErrors,
    help="Candidly: a self-hosted candidate API server.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)
console = Console()
OPERATOR = Actor(
    Principal(key_id=None, organization_ids=(), scopes=ALL_SCOPES, is_operator=True),
    surface="cli",
    type="operator",
)


def refuse_test_mode(settings: Settings, why: str) -> None:
    if settings.test_mode:
        raise ConfigError(f"test mode refused: {why}")


@contextmanager
def open_services() -> Iterator[Services]:
    """Services for one command, with the database connections closed afterwards."""
    services = build_services(checked_settings())
    try:
        yield services
    finally:
        services.database.engine.dispose()


def checked_settings() -> Settings:
    """Settings whose database can be reached: every mistake is found before anything is migrated or started."""
    settings = load_settings()
    check_database_url(settings.database_url)
    return settings


@app.command()
def serve(
    host: Annotated[
        str | None, typer.Option(help="Address to listen on.", show_default="CANDIDLY_HOST, else 127.0.0.1")
    ] = None,
    port: Annotated[
        int | None, typer.Option(help="Port to listen on.", show_default="CANDIDLY_PORT, else 8000")
    ] = None,
    workers: Annotated[int, typer.Option(help="Worker processes.")] = 1,
    forwarded_allow_ips: Annotated[
        str | None,
        typer.Option(help="Proxies whose X-Forwarded-For is believed (IPs or networks, comma-separated; '*' any)."),
    ] = None,
) -> None:
    """Apply migrations and serve the API (with the delivery worker in-process unless disabled)."""
    if forwarded_allow_ips is not None:
        # The app is built in each server process from the environment, so the option travels there.
        os.environ["CANDIDLY_FORWARDED_ALLOW_IPS"] = forwarded_allow_ips
    settings = checked_settings()
    if workers > 1:
        refuse_test_mode(settings, "the clock and the captured outbox live in one process: serve with --workers 1")
    host, port = host or settings.host, port or settings.port
    check_port_free(host, port)
    serving.exec_server(
        host=host,
        port=port,
        workers=workers,
        log_level=settings.log_level,
        graceful_seconds=settings.shutdown_grace_seconds,
    )


@app.command()
def worker() -> None:
    """Run a delivery worker on its own (scale-out: any number may run beside the servers)."""
    settings = checked_settings()
    log_queue.configure(settings.log_level)
    refuse_test_mode(settings, "the server's /_candidly endpoints deliver test mode's messages; run no worker")
    delivery = build_worker(build_services(settings))
    stop = threading.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: stop.set())
    console.print("delivery worker running; Ctrl-C stops it after the current send")
    delivery.run(stop)


@app.command()
def migrate() -> None:
    """Bring the database schema to the newest version."""
    settings = checked_settings()
    build_services(settings)
    console.print(f"database at head: {settings.database_url.split('@')[-1]}")


@app.command("rotate-secret-key")
def rotate_secret_key() -> None:
    """Seal every stored secret with CANDIDLY_SECRET_KEY; the earlier key must be in CANDIDLY_SECRET_KEY_PREVIOUS."""
    with open_services() as services, services.database.connection(write=True) as conn:
        count = reseal_all(conn, services.database.box)
    console.print(f"{count} secrets sealed with the current key; CANDIDLY_SECRET_KEY_PREVIOUS may now be dropped")


@app.command("create-organization")
def create_organization(name: str) -> None:
    """Create an organization and print its first API key: the token and its signing secret, shown this once."""
    with open_services() as services:
        org, issued = services.bus.execute(c.CreateOrganization(name), OPERATOR)
        console.print(f"organization {org.id} ({org.name})")
        console.print(f"api key id {issued.key.id}")
        print(f"signing_secret {issued.key.signing_secret}")  # plain print: a console would wrap the secret
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
        print(f"signing_secret {issued.key.signing_secret}")
        print(issued.token)


@app.command("import")
def import_candidates(
    path: Annotated[
        Path,
        typer.Argument(
            help=f"CSV (with a header row) or JSON Lines file of candidates, with the columns {', '.join(bulk.COLUMNS)} "
            "(metadata a JSON object, gdpr_expiry_date YYYY-MM-DD); a row naming any other column is rejected.",
            exists=True,
            dir_okay=False,
        ),
    ],
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


@app.command("seed")
def seed_scenario(
    path: Annotated[Path, typer.Argument(help="Scenario file: YAML (.yaml, .yml) or JSON.")],
    url: Annotated[
        str | None,
        typer.Option(help="A running server's base URL (with CANDIDLY_ADMIN_TOKEN); default: this database."),
    ] = None,
) -> None:
    """Create a scenario's organizations, openings, users and candidates; print their ids and credentials as JSON."""
    settings = checked_settings()
    scenario = seed.load(path)
    if url is not None and not settings.admin_token:
        raise seed.SeedError("--url needs the server's operator token in CANDIDLY_ADMIN_TOKEN")
    _rehearse(scenario)
    if url is not None and settings.admin_token:
        with httpx.Client(base_url=url, timeout=60) as client:
            made = seed.apply(client, scenario, settings.admin_token)
    else:
        made = _seed_here(settings, scenario)
    print(json.dumps(made, indent=2))


def _rehearse(scenario: seed.Scenario) -> None:
    """Apply the scenario to a scratch database first: a mistake in its last entry then changes nothing real."""
    with tempfile.TemporaryDirectory(prefix="candidly-seed-") as scratch:
        _seed_here(Settings(database_url=f"sqlite:///{Path(scratch) / 'rehearsal.db'}", test_mode=True), scenario)


def _seed_here(settings: Settings, scenario: seed.Scenario) -> dict[str, object]:
    """Apply a scenario to this settings' database through the API served from a thread, for this one command."""
    from candidly.web.server import serve_in_thread  # the HTTP stack only for the command that needs it

    token = secrets.token_urlsafe(32)  # an operator token that lives as long as this command
    local = settings.model_copy(update={"admin_token": token, "run_worker": False, "access_log": False})
    services = build_services(local)
    try:
        with serve_in_thread(local, services) as base_url, httpx.Client(base_url=base_url, timeout=60) as client:
            return seed.apply(client, scenario, token)
    finally:
        services.database.engine.dispose()


def main() -> None:
    app()
