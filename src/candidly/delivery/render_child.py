"""The template renderer's child process: sandboxed Jinja2 behind a pipe, and nothing else of Candidly.

``delivery/renderer.py`` starts it (``command``) and holds it to its budget. It imports only what rendering needs
(Jinja2's sandbox, orjson), not the renderer's worker side nor the app, and not OpenSSL, so each child stays near
the size of a bare interpreter with Jinja2 (about 17 MB).
"""

from __future__ import annotations

import functools
import resource
import sys
from typing import Any

import orjson
from jinja2 import Template, TemplateError
from jinja2.sandbox import SandboxedEnvironment

READY = b"ready\n"  # the first line a child writes, once it is ready to render

# Jinja2 imports hashlib for its bytecode cache, which rendering from strings never uses; hashlib would load
# OpenSSL's libcrypto for it (3.3 MB resident in every child). With ``_hashlib`` blocked before anything imports
# it, hashlib keeps to Python's built-in hashes. It runs in the child before this module is imported: the server
# imports this module too (for READY), and its own OpenSSL stays.
_START = "import sys; sys.modules['_hashlib'] = None; from candidly.delivery.render_child import main; main()"


def command(memory_bytes: int) -> list[str]:
    """The command line of a child whose address space is limited to ``memory_bytes``."""
    return [sys.executable, "-c", _START, str(memory_bytes)]


_ENV = SandboxedEnvironment(autoescape=False)  # plain-text mail needs no HTML escaping


class _TooLarge(Exception):
    """The rendered email outgrew the characters the budget allows."""


@functools.lru_cache(maxsize=256)
def _compiled(source: str) -> Template:
    """Compiling costs more than rendering, and an opening's invitations share one template."""
    return _ENV.from_string(source)


def _render_part(source: str, context: dict[str, Any], room: int) -> str:
    """``source`` rendered chunk by chunk, stopping as soon as it outgrows ``room`` characters."""
    out: list[str] = []
    for chunk in _compiled(source).generate(context):
        room -= len(chunk)
        if room < 0:
            raise _TooLarge("the rendered email is larger than the budget allows")
        out.append(chunk)
    return "".join(out)


def render(request: dict[str, Any]) -> dict[str, Any]:
    """One request, as the child answers it: ``{"subject", "body"}`` or ``{"error"}``."""
    room = int(request["max_chars"])
    try:
        subject = _render_part(request["subject"], request["context"], room)
        body = _render_part(request["body"], request["context"], room - len(subject))
    except (TemplateError, _TooLarge) as exc:
        return {"error": str(exc)}
    except MemoryError:
        return {"error": "rendering the template needed more memory than the budget allows"}
    except Exception as exc:  # whatever a template provokes (OverflowError, ...) is that template's fault
        return {"error": f"{exc.__class__.__name__}: {exc}"}
    return {"subject": subject, "body": body}


def main() -> None:
    """Serve render requests, one JSON line in, one JSON line out, until stdin closes."""
    memory = int(sys.argv[1])
    resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
    sys.stdout.buffer.write(READY)
    sys.stdout.buffer.flush()
    for line in sys.stdin.buffer:
        sys.stdout.buffer.write(orjson.dumps(render(orjson.loads(line))) + b"\n")
        sys.stdout.buffer.flush()
