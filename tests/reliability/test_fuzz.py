"""Schemathesis against every surface's OpenAPI document: no 5xx, and no answer that breaks its own schema.

A bounded run is part of the suite, with the same cases every time (derandomized, so CI is repeatable);
``CANDIDLY_FUZZ_EXAMPLES=2000 uv run pytest tests/reliability/test_fuzz.py -s`` is the long one, with fresh random
cases each run (see docs/reliability.md). Half the cases name resources that exist, so the fuzzer reaches past the
404 of a random id into the handlers.
"""

from __future__ import annotations

import contextlib
import os
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.core.failures import FailureGroup
from schemathesis.specs.openapi.checks import content_type_conformance, response_schema_conformance

from tests.helpers import Org, TestClient
from tests.reliability.surfaces import DOCUMENTS, populate

EXAMPLES = int(os.environ.get("CANDIDLY_FUZZ_EXAMPLES", "20"))
EXPLORE = "CANDIDLY_FUZZ_EXAMPLES" in os.environ
CHECKS = [not_a_server_error, response_schema_conformance, content_type_conformance]
# Deletes and erasure last, so the other operations still find the data they name.
LAST = ("DELETE", "/erase")
REPORTED = 3000  # characters of each failure: a generated body can run to megabytes


@pytest.fixture
def database_url(sqlite_url: str) -> str:
    """SQLite only: the fuzzer checks the wire format, which does not depend on the backend."""
    return sqlite_url


def _operations(schema: Any) -> list[Any]:
    found = [result.ok() for result in schema.get_all_operations()]
    return sorted(found, key=lambda op: any(mark in op.label for mark in LAST))


def _fuzz(operation: Any, mode: GenerationMode, headers: dict[str, str], known: dict[str, list[str]]) -> int:
    """Run one operation's cases in one generation mode; the number of cases run."""
    ran = 0

    @given(case=operation.as_strategy(generation_mode=mode), existing=st.booleans(), pick=st.integers(0, 99))
    @settings(max_examples=EXAMPLES, deadline=None, database=None, suppress_health_check=list(HealthCheck),
              derandomize=not EXPLORE)  # fmt: skip
    def run(case: Any, existing: bool, pick: int) -> None:
        nonlocal ran
        if existing and case.path_parameters:
            for name in case.path_parameters:
                if known.get(name):
                    case.path_parameters[name] = known[name][pick % len(known[name])]
        ran += 1
        case.call_and_validate(headers=headers, checks=CHECKS)

    with contextlib.suppress(Unsatisfiable):  # nothing to make invalid (e.g. only a free-form string in the path)
        run()
    return ran


@pytest.mark.parametrize("document", DOCUMENTS)
def test_no_server_error_and_no_answer_outside_the_schema(client: TestClient, org: Org, document: str) -> None:
    if client.get(document).status_code == 404:
        pytest.skip(f"{document} is not served")
    known = populate(client, org, "Fuzz").ids
    schema = schemathesis.openapi.from_asgi(document, client.app)
    failures: dict[str, str] = {}
    cases = 0
    operations = _operations(schema)
    for operation in operations:
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
            try:
                cases += _fuzz(operation, mode, org.headers, known)
            except (Exception, FailureGroup) as exc:  # one operation's failure must not hide another's
                failures[f"{operation.label} ({mode.value})"] = str(exc)[:REPORTED]
    print(f"\nfuzz {document}: {cases} cases over {len(operations)} operations, {len(failures)} failing")
    assert not failures, "\n\n".join(f"{label}:\n{detail}" for label, detail in failures.items())
