"""The server logs through a queue, and every line logged reaches the stream, the ones logged as it stops included."""

from __future__ import annotations

import io
import logging
import signal
from pathlib import Path

import httpx
import orjson

from candidly.web import log_queue
from tests.support.serve import server


def test_lines_queued_and_lines_logged_after_the_queue_stopped_are_all_written() -> None:
    stream = io.StringIO()
    logger = logging.getLogger("tests.log_queue")
    logger.propagate, logger.level = False, logging.INFO
    handler = logging.StreamHandler(stream)
    logger.handlers = [handler]
    with log_queue.queued(logger):
        assert logger.handlers != [handler]  # lines now go to the queue, not to the stream
        for n in range(500):
            logger.info("line %d", n)
    logger.info("after")
    assert logger.handlers == [handler]
    assert stream.getvalue().splitlines() == [*(f"line {n}" for n in range(500)), "after"]


def test_the_server_writes_every_access_line_and_its_shutdown_lines_before_it_exits(tmp_path: Path) -> None:
    database, log = tmp_path / "candidly.db", tmp_path / "server.log"
    settings = {"access_log": "true", "log_level": "info", "run_worker": "true"}
    with server(f"sqlite:///{database}", log, **settings) as (base, process):
        sent = [f"queued-{n}" for n in range(40)]
        with httpx.Client(base_url=base) as client:
            for request_id in sent:
                assert client.get("/healthz", headers={"X-Request-Id": request_id}).status_code == 200
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=30) in (0, -signal.SIGTERM)  # uvicorn ends by re-raising the signal it caught
    lines = log.read_text().splitlines()
    logged = [orjson.loads(line) for line in lines if line.startswith("{")]
    assert [line["request_id"] for line in logged if line["request_id"].startswith("queued-")] == sent
    assert all(line["path"] == "/healthz" and line["status"] == 200 for line in logged if line["request_id"] in sent)
    # Logged by the app while it shuts down, after the last request: written before the process ended.
    assert any(line.startswith("delivery worker") and line.endswith("stopped") for line in lines)
