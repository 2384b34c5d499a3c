"""The server's logging: a request only puts its lines on a queue; one thread writes them to the stream.

Writing a line to a stream from the event loop (the access log, once per request) costs the request the write and
the handler's lock; through ``QueueHandler`` it costs an append. uvicorn's own loggers keep their handlers.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from logging.handlers import QueueHandler, QueueListener
from queue import SimpleQueue

FORMAT = "%(message)s"


def configure(level: str) -> None:
    """Lines of ``level`` and above go to stderr as they are (the access log's are JSON already)."""
    logging.basicConfig(level=level.upper(), format=FORMAT)


@contextmanager
def queued(root: logging.Logger | None = None) -> Iterator[None]:
    """While the block runs, the handlers of ``root`` (the root logger) are fed from a queue by a thread of their own.

    On the way out they take the logger back first, so a line logged from then on is written at once, and then the
    listener writes every line still queued before this returns: nothing logged is lost when the server stops.
    """
    root = root or logging.getLogger()
    handlers = root.handlers[:]
    lines: SimpleQueue[logging.LogRecord] = SimpleQueue()
    listener = QueueListener(lines, *handlers, respect_handler_level=True)
    root.handlers = [QueueHandler(lines)]
    listener.start()
    try:
        yield
    finally:
        root.handlers = handlers
        listener.stop()
