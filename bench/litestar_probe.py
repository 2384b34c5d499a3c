"""A measurement, not a port: InstaView's ``GET`` and ``PATCH /instaview/candidates/{id}`` served by Litestar
(msgspec) over the same service layer as Candidly's FastAPI surface, beside no-op references on both frameworks.

Does moving a surface from FastAPI+Pydantic to Litestar+msgspec bring the get to 0.7 (the update to 0.5) of the
no-op FastAPI app, ``bench/reference_app.py``? The Litestar routes do what InstaView's FastAPI routes do, with the
same code: the bearer key through the Authenticator's cache (``dialects.base.key_principal``), the company
(``instaview.deps``), a ``Caller`` on the same database executor (and group writer), the same ``candidate_of``,
``rendered`` and update path (``instaview.routes``), domain errors in InstaView's envelope (``instaview.errors``).
The update's body is a msgspec Struct written for this probe (``CandidateUpdate`` below). Litestar and msgspec are
not Candidly's dependencies; uv adds them for the run only::

    uv run --with 'litestar==2.25.0' --with 'msgspec>=0.18' python -m bench.litestar_probe inprocess [--operation update]
    uv run --with 'litestar==2.25.0' --with 'msgspec>=0.18' python -m bench.litestar_probe wrk --rounds 3

``inprocess`` seeds a SQLite file (as ``bench/inprocess.py`` does) and calls each app in-process, database work
inline: CPU ms and Python calls per request (calls on the event loop's thread: an update's work on the group
writer's thread counts in its CPU, not in its calls) for the FastAPI reference, the Litestar reference, Candidly as
served (edge, root app, InstaView's FastAPI sub-app), InstaView's FastAPI sub-app alone, the Litestar routes alone
and behind Candidly's edge, the same routes as plain Starlette endpoints (FastAPI's ground without its dependency
solving; the update's body still parsed by InstaView's Pydantic model), and ``core``: the work with no framework.
``--breakdown candidly litestar core`` adds each one's self time by package (cProfile: read the shares, not the
times) and the get core's steps.

``wrk`` starts ``candidly serve`` (API-only), seeds it through its API, starts the Litestar surface (behind the
edge, the same settings and database), the Starlette one likewise, and both references on the same uvicorn, and
alternates wrk runs of the gets (or ``--operation update``'s updates; 32 connections), printing each run and its
ratio to the mean of the FastAPI reference runs beside it; ``--database-threads 0`` runs both surfaces' database
work inline. The load average is printed: on a shared machine read ranges.
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import gc
import os
import pstats
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from datetime import date
from pathlib import Path
from typing import Annotated, Any, Literal, cast

import orjson
from fastapi.exceptions import RequestValidationError
from pydantic import ValidationError
from starlette.applications import Starlette
from starlette.requests import Request as StarletteRequest
from starlette.responses import Response as StarletteResponse
from starlette.routing import Route
from starlette.types import ASGIApp, Receive, Send
from starlette.types import Scope as AsgiScope

from bench import inprocess, reference_app, servers, workload, wrk
from candidly.bootstrap import build_services
from candidly.dialects.base import FastJSONResponse, SurfaceServices, bearer_token, key_principal
from candidly.dialects.instaview import PREFIX, deps, fields, ids, routes, translate
from candidly.dialects.instaview import errors as instaview_errors
from candidly.dialects.instaview import schemas as wire
from candidly.domain import commands as c
from candidly.domain.errors import DomainError, InvalidField
from candidly.domain.principals import Actor, Scope
from candidly.service.caller import Caller
from candidly.settings import Settings
from candidly.web.app import create_app, surface_services
from candidly.web.edge import Edge

try:  # not Candidly's dependencies: ``uv run --with`` adds them (the ignores: ``uv run mypy`` runs without them)
    import msgspec  # type: ignore[import-not-found, unused-ignore]
    from litestar import Litestar, Request, Response, get, patch, post  # type: ignore[import-not-found, unused-ignore]
    from litestar.datastructures import State  # type: ignore[import-not-found, unused-ignore]
    from litestar.params import Parameter  # type: ignore[import-not-found, unused-ignore]
    from msgspec import UNSET, UnsetType  # type: ignore[import-not-found, unused-ignore]
except ImportError as missing:
    raise SystemExit(
        f"{missing.name} is missing: run with uv run --with 'litestar==2.25.0' --with 'msgspec>=0.18'"
    ) from None

# --- the surfaces -------------------------------------------------------------------------------------------------


async def candidate_body(surfaces: SurfaceServices, token: str | None, company_id: str | None, ident: str) -> Any:
    """InstaView's get with no framework: key, company, one read-only transaction, the candidate as InstaView
    writes it. Both the Litestar route and ``core`` call this; the FastAPI route does the same steps."""
    who = await caller(surfaces, token, company_id)
    return await who.read(lambda r: routes.rendered(r, [routes.candidate_of(r, ident)], PREFIX)[0])


async def instaview_get(
    request: Request[Any, Any, Any],
    candidate_id: str,
    company_id: Annotated[str | None, Parameter(query="companyId", max_length=64)] = None,
) -> dict[str, Any]:
    """GET /instaview/candidates/{id}: Litestar encodes the returned dict with msgspec."""
    token = bearer_token(cast(StarletteRequest, request))  # it only reads ``headers.get``, which both requests have
    body: dict[str, Any] = await candidate_body(request.app.state.surfaces, token, company_id, candidate_id)
    return body


async def healthz() -> dict[str, str]:
    return {"status": "ok"}


Name = Annotated[str, msgspec.Meta(min_length=1, max_length=100)]
JobId = Annotated[str, msgspec.Meta(max_length=64)]
Phone = Annotated[str, msgspec.Meta(pattern=r"^\+[1-9]\d{1,14}$")]
Status = Annotated[str, msgspec.Meta(pattern="^(UNDEFINED|APPLIED|IN_PROCESS|REJECTED|ACCEPTED)$")]


class CandidateUpdate(msgspec.Struct, rename="camel"):  # type: ignore[misc, call-arg, unused-ignore]
    """``instaview.schemas.CandidateUpdate`` in msgspec: what was not sent stays UNSET (Pydantic's fields_set).
    Not equal to it: ``gdprExpiryDate`` as a timestamp (decision 8) needs a decode hook Pydantic's BeforeValidator
    gives, and msgspec names only the first invalid field, with its own words."""

    first_name: Name | UnsetType | None = UNSET
    last_name: Name | UnsetType | None = UNSET
    email: Annotated[str, msgspec.Meta(max_length=254)] | UnsetType | None = UNSET
    phone_number: Phone | UnsetType | None = UNSET
    gdpr_expiry_date: date | UnsetType | None = UNSET
    status: Status | UnsetType | None = UNSET
    job_ids: Annotated[list[JobId], msgspec.Meta(max_length=50)] | UnsetType | None = UNSET
    metadata: Annotated[dict[str, Any], msgspec.Meta(max_length=50)] | UnsetType | None = UNSET
    gender: Literal["male", "female"] | UnsetType | None = UNSET
    cv: Annotated[str, msgspec.Meta(max_length=50000)] | UnsetType | None = UNSET


async def caller(surfaces: SurfaceServices, token: str | None, company_id: str | None) -> Caller:
    """The request's caller as InstaView's ``Who`` binds it: the key (cached), then the company."""
    principal = await key_principal(surfaces, token)
    return Caller(principal, deps.company(principal, company_id), Actor(principal, "instaview"), surfaces.backend)


async def update_body(who: Caller, ident: str, changes: c.CandidateChanges, jobs: list[str] | None) -> Any:
    """InstaView's update once its body is parsed, as ``routes.update_candidate`` runs it for a candidate without a
    CV (the benchmark's): one write transaction, answered from inside it."""
    who.principal.require(Scope.WRITE_CANDIDATES)
    edit = routes._Update(ids.core(ident), changes, ids.core_all(jobs), PREFIX)
    return await routes._written(who, edit.command(edit.fields), edit.answer(anonymized=False), edit.checks)


def changes_of(body: CandidateUpdate) -> c.CandidateChanges:
    """The core fields sent (``translate.candidate_fields`` reads Pydantic's ``model_fields_set`` instead)."""
    for name in fields.NOT_NULL:
        if getattr(body, name) is None:
            raise InvalidField(fields.wire_name(name), "must not be null")
    sent = {core: getattr(body, attr) for core, attr in fields.CANDIDATE.items() if getattr(body, attr) is not UNSET}
    return cast(c.CandidateChanges, sent)


async def instaview_update(
    request: Request[Any, Any, Any],
    candidate_id: str,
    data: CandidateUpdate,
    company_id: Annotated[str | None, Parameter(query="companyId", max_length=64)] = None,
) -> dict[str, Any]:
    """PATCH /instaview/candidates/{id}, its body decoded and validated by msgspec."""
    who = await caller(request.app.state.surfaces, bearer_token(cast(StarletteRequest, request)), company_id)
    jobs = None if data.job_ids is UNSET else data.job_ids
    body: dict[str, Any] = await update_body(who, candidate_id, changes_of(data), jobs)
    return body


def domain_error(request: Request[Any, Any, Any], exc: Exception) -> Response[bytes]:
    """InstaView's envelope, rendered by the FastAPI surface's own handler (it only reads the exception)."""
    answer = instaview_errors._domain_error(StarletteRequest(dict(request.scope)), exc)
    return Response(bytes(answer.body), status_code=answer.status_code, media_type="application/json",
                    headers={k: v for k, v in answer.headers.items() if k != "content-length"})  # fmt: skip


def litestar_surface(surfaces: SurfaceServices, lifespan: list[Any] | None = None) -> Any:
    """The Litestar app serving InstaView's get and update (and ``/healthz``, for a server's readiness)."""
    path = f"{PREFIX}/candidates/{{candidate_id:str}}"
    handlers = [get(path)(instaview_get), patch(path)(instaview_update), get("/healthz")(healthz)]
    return Litestar(
        route_handlers=handlers,
        exception_handlers={DomainError: domain_error},
        state=State({"surfaces": surfaces}),
        openapi_config=None,
        lifespan=lifespan or [],
    )


def starlette_surface(surfaces: SurfaceServices, lifespan: Any = None) -> Starlette:
    """The same two routes as plain Starlette endpoints, for comparison: FastAPI's own ground without its dependency
    solving, the update's body still parsed by InstaView's Pydantic model, errors by InstaView's own handlers."""

    async def read(request: StarletteRequest) -> StarletteResponse:
        ident, company_id = request.path_params["candidate_id"], _company_id(request)
        return FastJSONResponse(await candidate_body(surfaces, bearer_token(request), company_id, ident))

    async def update(request: StarletteRequest) -> StarletteResponse:
        who = await caller(surfaces, bearer_token(request), _company_id(request))
        try:
            body = wire.CandidateUpdate.model_validate_json(await request.body())
        except ValidationError as exc:
            # Located under "body", as FastAPI locates a body's errors (InstaView's handler reads the path after it).
            raise RequestValidationError([{**e, "loc": ("body", *e["loc"])} for e in exc.errors()]) from exc
        routes._refuse_nulls(body)
        changes = translate.candidate_fields(body)
        return FastJSONResponse(await update_body(who, request.path_params["candidate_id"], changes, body.job_ids))

    path = f"{PREFIX}/candidates/{{candidate_id}}"
    return Starlette(
        routes=[Route(path, read, methods=["GET"]), Route(path, update, methods=["PATCH"]),
                Route("/healthz", lambda _: FastJSONResponse({"status": "ok"}))],
        exception_handlers={DomainError: instaview_errors._domain_error,
                            RequestValidationError: instaview_errors._validation_error},
        lifespan=lifespan,
    )  # fmt: skip


def _company_id(request: StarletteRequest) -> str | None:
    """``companyId`` as InstaView's FastAPI dependency declares it (at most 64 characters)."""
    company_id = request.query_params.get("companyId")
    if company_id is not None and len(company_id) > 64:
        raise InvalidField("companyId", "must be at most 64 characters")
    return company_id


async def ref_read(path: str) -> dict[str, Any]:
    return reference_app.SMALL


async def ref_write(path: str, data: dict[str, Any]) -> dict[str, Any]:
    return reference_app.SMALL


def litestar_reference() -> Any:
    """bench/reference_app.py on Litestar: the same routes and answers (async handlers, Litestar's own idiom)."""
    route = "/ref/{path:path}"
    handlers = [get(route)(ref_read), post(route, status_code=200)(ref_write), patch(route)(ref_write)]
    return Litestar(route_handlers=handlers, openapi_config=None)


def edge_options(candidly: ASGIApp) -> dict[str, Any]:
    """The keyword arguments Candidly's app built its edge with (``web/app.py``'s ``add_edge``)."""
    return next(m.kwargs for m in candidly.user_middleware if m.cls is Edge)  # type: ignore[attr-defined]


def served(surface: Callable[[SurfaceServices, Any], ASGIApp]) -> ASGIApp:
    """``surface`` behind Candidly's edge, from ``CANDIDLY_*`` settings, as ``candidly serve`` builds its app."""
    settings = Settings()
    services = build_services(settings, migrate=False)
    candidly = create_app(settings, services=services)

    @asynccontextmanager
    async def lifespan(_app: Any) -> AsyncIterator[None]:
        services.bus.open()
        yield

    app = Edge(surface(surface_services(services), lifespan), **edge_options(candidly))
    gc.collect()  # as ``candidly serve`` does (web/serving.py): what was imported stays out of the collector's walks
    gc.freeze()
    return app


def served_litestar() -> ASGIApp:
    """For ``uvicorn --factory``: the Litestar surface behind the edge."""
    return served(lambda surfaces, lifespan: litestar_surface(surfaces, [lifespan]))


def served_starlette() -> ASGIApp:
    """For ``uvicorn --factory``: the Starlette surface behind the edge."""
    return served(starlette_surface)


# --- in-process ---------------------------------------------------------------------------------------------------

Call = Callable[[], Awaitable[int]]


def under(app: ASGIApp, root_path: str) -> ASGIApp:
    """``app`` called as a mount at ``root_path`` calls it (Starlette's Mount sets the scope's root_path)."""

    async def mounted(scope: AsgiScope, receive: Receive, send: Send) -> None:
        await app({**scope, "root_path": root_path}, receive, send)

    return mounted


def variants(candidly: Any, headers: dict[str, str], ids: list[str], operation: str) -> dict[str, Call]:
    """Each way of answering the get or the update (and the two no-op references), as a call answering its status."""
    surfaces = surface_services(candidly.state.services)
    litestar = litestar_surface(surfaces)
    starlette = starlette_surface(surfaces)
    turn = iter(range(1 << 62))

    def ident() -> str:
        return ids[next(turn) % len(ids)]

    apps = {
        "candidly": candidly,
        "fastapi-surface": under(next(s.app for s in candidly.state.surfaces if s.prefix == PREFIX), PREFIX),
        "litestar+edge": Edge(litestar, **edge_options(candidly)),
        "litestar": litestar,
        "starlette+edge": Edge(starlette, **edge_options(candidly)),
        "starlette": starlette,
    }
    method, body = ("GET", b"") if operation == "get" else ("PATCH", orjson.dumps(workload.UPDATE))
    calls = {name: _sender(inprocess.Asgi(app, headers), method, ident, body) for name, app in apps.items()}
    token = headers["Authorization"].removeprefix("Bearer ")
    changes = changes_of(msgspec.json.decode(body or b"{}", type=CandidateUpdate))

    async def core() -> int:
        if operation == "get":
            orjson.dumps(await candidate_body(surfaces, token, None, ident()))
        else:
            orjson.dumps(await update_body(await caller(surfaces, token, None), ident(), cast(Any, {**changes}), None))
        return 200

    fastapi_ref, litestar_ref = inprocess.Asgi(reference_app.app, {}), inprocess.Asgi(litestar_reference(), {})
    return {
        "reference": lambda: fastapi_ref.request(method, "/ref/x", body),
        "litestar-reference": lambda: litestar_ref.request(method, "/ref/x", body),
        **calls,
        "core": core,
    }


def _sender(asgi: inprocess.Asgi, method: str, ident: Callable[[], str], body: bytes) -> Call:
    return lambda: asgi.request(method, f"{PREFIX}/candidates/{ident()}", body)


PACKAGES = (
    ("/litestar/", "litestar"), ("/msgspec/", "msgspec"), ("/fastapi/", "fastapi"), ("/starlette/", "starlette"),
    ("/pydantic", "pydantic"), ("/sqlalchemy/", "sqlalchemy"), ("/anyio/", "anyio"), ("/asyncio/", "asyncio"),
    ("/json/", "stdlib json (JSON columns)"),
    ("candidly/storage/", "candidly storage"), ("candidly/service/", "candidly service"),
    ("candidly/dialects/", "candidly dialect"), ("candidly/domain/", "candidly domain"),
    ("candidly/web/", "candidly edge"), ("/bench/", "bench harness"),
)  # fmt: skip


def package(filename: str, function: str) -> str:
    """The bucket a profiled function's self time goes to: its package, or for a C function what it does."""
    for marker, name in PACKAGES:
        if marker in filename:
            return name
    if filename == "~":
        if "sqlite3" in function:
            return "sqlite3 (C)"
        if "orjson" in function or "msgspec" in function:
            return "json encoding (C)"
        return "builtins (C)"
    return "other python"


async def by_package(call: Call, requests: int) -> dict[str, float]:
    """Self time per package, as a share of the profiled total."""
    profiler = cProfile.Profile()
    await inprocess.timed(call, requests, profiler)
    stats: dict[tuple[str, int, str], tuple[Any, ...]] = pstats.Stats(profiler).stats  # type: ignore[attr-defined]
    shares: dict[str, float] = defaultdict(float)
    for (filename, _, function), (_, _, own, *_) in stats.items():
        shares[package(filename, function)] += own
    total = sum(shares.values())
    return {name: own / total for name, own in sorted(shares.items(), key=lambda kv: -kv[1])}


async def pieces(candidly: Any, headers: dict[str, str], ident: str, requests: int) -> dict[str, float]:
    """The core's steps timed apart (CPU ms each): the key, the read (SQL and rows to entities), the rendering,
    the JSON encoding."""
    surfaces = surface_services(candidly.state.services)
    token = headers["Authorization"].removeprefix("Bearer ")
    principal = await key_principal(surfaces, token)
    who = Caller(principal, deps.company(principal, None), Actor(principal, "instaview"), surfaces.backend)
    found = await who.read(lambda r: (routes.candidate_of(r, ident), r.applications_of(ident), r.attempts_of(ident)))
    body = translate.candidate(*found, PREFIX)

    async def auth() -> int:
        await key_principal(surfaces, token)
        return 200

    async def read() -> int:
        await who.read(lambda r: (routes.candidate_of(r, ident), r.applications_of(ident), r.attempts_of(ident)))
        return 200

    async def render() -> int:
        translate.candidate(*found, PREFIX)
        return 200

    async def encode() -> int:
        orjson.dumps(body)
        return 200

    steps = {"auth (cached key)": auth, "read (3 statements, rows to entities)": read,
             "render (translate.candidate)": render, "encode (orjson)": encode}  # fmt: skip
    return {name: min([await inprocess.timed(step, requests) for _ in range(3)]) for name, step in steps.items()}


async def run_inprocess(args: argparse.Namespace) -> None:
    print(f"load average {os.getloadavg()}", flush=True)
    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings(
            database_url=f"sqlite:///{Path(tmp) / 'probe.db'}", admin_token="bench-operator",
            secret_key="bench-secret-key", access_log=False, run_worker=False, database_threads=0,
            log_level="warning",
        )  # fmt: skip
        candidly = create_app(settings)
        made = await inprocess.world(candidly, None, args.seed)
        headers, ids = made.headers, made.candidate_ids
        calls = variants(candidly, headers, ids, args.operation)
        await compare(calls, args.requests, args.repeat)
        if args.breakdown and args.operation == "update":
            print(
                "\nno breakdown of the update: its command runs on the group writer's thread, which cProfile does not see"
            )
        elif args.breakdown:
            await breakdown(calls, args.breakdown, candidly, headers, ids[0], args.requests)
    print(f"load average {os.getloadavg()}", flush=True)


async def breakdown(
    calls: dict[str, Call], names: list[str], candidly: Any, headers: dict[str, str], ident: str, requests: int
) -> None:
    """Each named variant's self time by package, then the get core's steps timed apart."""
    for name in names:
        print(f"\nself time by package, {name} (cProfile, {requests} requests):")
        for bucket, share in (await by_package(calls[name], requests)).items():
            print(f"  {bucket:26} {share:6.1%}")
    print("\nthe core's steps, CPU ms each (best of 3):")
    for step, ms in (await pieces(candidly, headers, ident, requests)).items():
        print(f"  {step:40} {ms:.3f}")


async def compare(calls: dict[str, Call], requests: int, repeat: int) -> None:
    """Each variant's CPU ms (range over ``repeat`` rounds, every variant once a round: a machine that drifts
    moves them all alike) and Python calls per request; then each round's ratio to the FastAPI reference."""
    for call in calls.values():
        await inprocess.timed(call, 100)  # warm every variant first: caches, compiled statements
    rounds: dict[str, list[float]] = defaultdict(list)
    for _ in range(repeat):
        for name, call in calls.items():
            rounds[name].append(await inprocess.timed(call, requests))
    for name, call in calls.items():
        each = await inprocess.function_calls(call, 50)
        print(f"{name:20} {min(rounds[name]):.3f}-{max(rounds[name]):.3f} CPU ms/request  {each}", flush=True)
    print(f"\nin-process ratio to the FastAPI reference (its CPU ms / the variant's), per round of {requests}:")
    for name, times in rounds.items():
        ratios = [ref / ms for ref, ms in zip(rounds["reference"], times, strict=True)]
        print(f"  {name:20} {' '.join(f'{r:.2f}' for r in ratios)}")


# --- wrk ----------------------------------------------------------------------------------------------------------


def serve_litestar(database_url: str, factory: str, settings: dict[str, str]) -> Any:
    """A uvicorn process (one worker, the options ``candidly serve`` uses) over ``factory`` in this module, with
    the settings ``servers.candidly`` gives Candidly, and ``settings`` added."""
    port = servers.free_port()
    args = [sys.executable, "-m", "uvicorn", f"bench.litestar_probe:{factory}", "--factory", "--port", str(port),
            "--no-access-log", "--log-level", "warning", "--no-proxy-headers"]  # fmt: skip
    env = {"CANDIDLY_DATABASE_URL": database_url, "CANDIDLY_ADMIN_TOKEN": "bench-operator",
           "CANDIDLY_SECRET_KEY": servers.SECRET_KEY, "CANDIDLY_RUN_WORKER": "false", "CANDIDLY_ACCESS_LOG": "false",
           "CANDIDLY_LOG_LEVEL": "warning", **settings}  # fmt: skip
    ready = f"http://127.0.0.1:{port}/{'healthz' if factory.startswith('served') else 'ref/ping'}"
    return servers.process(args, env, ready), f"http://127.0.0.1:{port}"


def reference_factory() -> Any:
    return litestar_reference()


def run_wrk(args: argparse.Namespace) -> None:
    print(f"load average before {os.getloadavg()}", flush=True)
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{tmp}/probe.db"
        settings = {} if args.database_threads is None else {"CANDIDLY_DATABASE_THREADS": str(args.database_threads)}
        with servers.candidly(url, settings=settings) as (candidly_base, _), servers.reference() as (ref_base, _):
            print(f"seeding {args.seed} candidates", flush=True)
            world = workload.seed(candidly_base, args.seed)
            litestar_server, litestar_base = serve_litestar(url, "served_litestar", settings)
            starlette_server, starlette_base = serve_litestar(url, "served_starlette", settings)
            ref_server, litestar_ref_base = serve_litestar(url, "reference_factory", {})
            with litestar_server, starlette_server, ref_server:
                op = next(op for op in workload.operations(world) if op.name == args.operation)
                targets = {"candidly": (candidly_base, op.paths), "litestar+edge": (litestar_base, op.paths),
                           "starlette+edge": (starlette_base, op.paths),
                           "litestar-ref": (litestar_ref_base, op.reference_paths)}  # fmt: skip
                alternate(args, Path(tmp), (ref_base, op.reference_paths), targets, op)
    print(f"load average after {os.getloadavg()}", flush=True)


def alternate(
    args: argparse.Namespace,
    tmp: Path,
    ref: tuple[str, list[str]],
    targets: dict[str, tuple[str, list[str]]],
    op: workload.Operation,
) -> None:
    """FastAPI reference, then each target, then the reference again, ``rounds`` times (the targets' order flips
    every round); each target's ratio is to the mean of the two reference runs around it."""

    def load(name: str, base: str, paths: list[str], seconds: int) -> wrk.Result:
        lua = tmp / f"{name}.lua"
        lua.write_text(wrk.lua_script(op.method, paths, op.body, op.headers))
        return wrk.run(base, lua, seconds=seconds, connections=args.connections)

    for name, (base, paths) in [("reference", ref), *targets.items()]:
        load(f"warm-{name}", base, paths, args.warmup)
    ratios: dict[str, list[float]] = defaultdict(list)
    before = load("reference", *ref, args.seconds)
    print(f"reference      {before.rps:7.0f} req/s", flush=True)
    for n in range(args.rounds):
        results = {}
        for name in list(targets) if n % 2 == 0 else list(targets)[::-1]:
            results[name] = result = load(name, *targets[name], args.seconds)
            print(f"{name:14} {result.rps:7.0f} req/s  p50 {result.p50_ms:.1f} ms  p99 {result.p99_ms:.1f} ms  "
                  f"non-2xx {result.non_2xx}  errors {result.errors}", flush=True)  # fmt: skip
        after = load("reference", *ref, args.seconds)
        print(f"reference      {after.rps:7.0f} req/s   (load {os.getloadavg()[0]:.2f})", flush=True)
        for name, result in results.items():
            ratios[name].append(result.rps / ((before.rps + after.rps) / 2))
        before = after
    print("\nratio to the FastAPI reference, per round:")
    for name, values in ratios.items():
        print(f"  {name:14} {' '.join(f'{v:.2f}' for v in values)}  (range {min(values):.2f}-{max(values):.2f})")


def parse() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    modes = parser.add_subparsers(dest="mode", required=True)
    local = modes.add_parser("inprocess", help="CPU ms and Python calls per request, in-process")
    local.add_argument("--seed", type=int, default=1000, help="candidates seeded")
    local.add_argument("--operation", choices=["get", "update"], default="get", help="InstaView's get or update")
    local.add_argument("--requests", type=int, default=2000, help="requests per timed run")
    local.add_argument("--repeat", type=int, default=3, help="rounds, each timing every variant once")
    local.add_argument("--breakdown", nargs="*", help="variants to profile by package (e.g. candidly litestar core)")
    load = modes.add_parser("wrk", help="wrk runs alternating with the FastAPI reference's")
    load.add_argument("--seed", type=int, default=1000, help="candidates seeded")
    load.add_argument("--operation", choices=["get", "update"], default="get", help="InstaView's get or update")
    load.add_argument("--seconds", type=int, default=8, help="of each wrk run")
    load.add_argument("--warmup", type=int, default=2, help="seconds of unrecorded load per server first")
    load.add_argument("--rounds", type=int, default=3)
    load.add_argument("--connections", type=int, default=32)
    load.add_argument("--database-threads", type=int, help="CANDIDLY_DATABASE_THREADS of both gets (0: inline)")
    return parser.parse_args()


def main() -> None:
    args = parse()
    started = time.monotonic()
    if args.mode == "inprocess":
        asyncio.run(run_inprocess(args))
    else:
        run_wrk(args)
    print(f"({time.monotonic() - started:.0f} s)")


if __name__ == "__main__":
    main()
