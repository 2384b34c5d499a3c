"""The pytest plugin (entry point ``pytest11``): fixtures over a Candidly server in test mode.

- ``candidly``: the running server (``Candidly``), session-scoped unless ``--candidly-scope`` (or the ini option
  ``candidly_scope``) says ``module`` or ``function``; ``candidly_mode = subprocess`` runs ``candidly serve``.
- ``candidly_org``: a new organization per test, with each vendor's credentials (``CandidlyOrg``).
- ``candidly_clock``: the server's clock (``advance(hours=25)``, ``set``), back to the wall clock after the test.
- ``candidly_outbox``: the captured emails, callbacks and webhooks, emptied before the test.
- ``candidly_scenario``: what ``@pytest.mark.candidly_scenario("file.yaml")`` made (path relative to the test file).

Every name starts with ``candidly`` so the plugin never shadows a project's own fixtures.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any, Literal, cast

import pytest

from candidly.testing import Candidly, CandidlyOrg, Clock, Outbox, server

Scope = Literal["session", "package", "module", "class", "function"]
SCOPES: tuple[Scope, ...] = ("session", "package", "module", "class", "function")


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("candidly", "Candidly test server")
    group.addoption("--candidly-scope", choices=SCOPES, help="how long one Candidly server lives (default: session)")
    group.addoption("--candidly-mode", choices=("thread", "subprocess"), help="serve in this process or a child")
    parser.addini("candidly_scope", "how long one Candidly server lives: session (default), module or function")
    parser.addini("candidly_mode", "thread (default: serve in this process) or subprocess (`candidly serve`)")


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "candidly_scenario(path): seed this scenario file (YAML or JSON) for the candidly_scenario fixture"
    )


def _setting(config: pytest.Config, name: str, default: str) -> str:
    return str(config.getoption(f"--{name.replace('_', '-')}") or config.getini(name) or default)


def _scope(fixture_name: str, config: pytest.Config) -> Scope:  # noqa: ARG001 - pytest passes both by name
    scope = _setting(config, "candidly_scope", "session")
    if scope not in SCOPES:
        raise pytest.UsageError(f"candidly_scope must be one of {', '.join(SCOPES)}, not {scope!r}")
    return scope


@pytest.fixture(scope=_scope)
def candidly(pytestconfig: pytest.Config) -> Iterator[Candidly]:
    """A Candidly server in test mode on a free port, with a throwaway database."""
    mode = _setting(pytestconfig, "candidly_mode", "thread")
    if mode not in ("thread", "subprocess"):
        raise pytest.UsageError(f"candidly_mode must be thread or subprocess, not {mode!r}")
    with server(mode=cast(Literal["thread", "subprocess"], mode)) as running:
        yield running


@pytest.fixture
def candidly_org(candidly: Candidly, request: pytest.FixtureRequest) -> CandidlyOrg:
    """A fresh organization for this test: tests sharing a server never see each other's data."""
    return candidly.new_org(f"Test organization for {request.node.name}"[:200])


@pytest.fixture
def candidly_clock(candidly: Candidly) -> Iterator[Clock]:
    clock = candidly.clock
    yield clock
    clock.reset()  # the next test starts on the wall clock again


@pytest.fixture
def candidly_outbox(candidly: Candidly) -> Outbox:
    outbox = candidly.outbox
    outbox.clear()
    return outbox


@pytest.fixture
def candidly_scenario(candidly: Candidly, request: pytest.FixtureRequest) -> dict[str, Any]:
    marker = request.node.get_closest_marker("candidly_scenario")
    if marker is None or not marker.args:
        pytest.fail('candidly_scenario needs @pytest.mark.candidly_scenario("file.yaml") on the test')
    path = Path(marker.args[0])
    return candidly.seed(path if path.is_absolute() else request.path.parent / path)
