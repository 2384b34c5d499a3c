"""``bench.run --profile``: sample the Candidly server with py-spy while wrk loads one operation, and summarise.

py-spy writes collapsed stacks (one line per distinct stack, ``frame;frame;... count``: what flamegraph.pl,
inferno and speedscope.app read); ``summarise`` turns them into a top table: where samples are on top of the
stack (self), anywhere on it (inclusive), and by package.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path

RATE = 100  # samples a second: py-spy's default, cheap enough not to change what it measures much
TOP = 25
# "name (path:line)" -> the function, whatever line of it was running
FRAME = re.compile(r"^(?P<name>.*) \((?P<path>[^()]*?)(?::\d+)?\)$")


def executable() -> str:
    """py-spy from PATH, else the one beside this interpreter (the project's dev group installs it there)."""
    found = shutil.which("py-spy") or shutil.which("py-spy", path=str(Path(sys.executable).parent))
    if found is None:
        raise SystemExit("py-spy is not installed: `uv sync` (it is in the dev dependency group)")
    return found


def record(pid: int, seconds: int, out: Path, load: Callable[[], object]) -> Path:
    """Record the process ``pid`` and its children for ``seconds`` while ``load()`` runs; the collapsed stacks.

    Non-blocking sampling: py-spy reads the stacks without pausing the server, so the server runs at the speed it
    would. Threads the kernel reports asleep are left out; a thread woken and waiting for a core or the GIL
    (``Condition.wait`` under the thread pool's ``Queue.get``) is counted: that hand-off is part of the cost.
    """
    spy = subprocess.Popen(
        [executable(), "record", "--pid", str(pid), "--duration", str(seconds), "--rate", str(RATE),
         "--format", "raw", "--subprocesses", "--nonblocking", "--output", str(out)],
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )  # fmt: skip
    time.sleep(0.5)  # attached before the load starts, so the load's first second is sampled too
    load()
    _, errors = spy.communicate(timeout=seconds + 60)
    if spy.returncode != 0 or not out.exists():
        raise SystemExit(f"py-spy failed ({spy.returncode}): {errors.decode(errors='replace')[-2000:]}")
    return out


def stacks(collapsed: Path) -> Counter[tuple[str, ...]]:
    """The collapsed file as stack (outermost frame first) -> samples."""
    counts: Counter[tuple[str, ...]] = Counter()
    for line in collapsed.read_text().splitlines():
        stack, _, count = line.rpartition(" ")
        if stack and count.isdigit():
            counts[tuple(stack.split(";"))] += int(count)
    return counts


def function(frame: str) -> str:
    match = FRAME.match(frame)
    return f"{match['name']} ({match['path']})" if match else frame


def package(frame: str) -> str:
    """Where a frame's code lives: ``candidly.storage``, a library (``sqlalchemy``), or ``stdlib:asyncio``.

    py-spy names files relative to the import path they came from (``sqlalchemy/engine/base.py``), or
    ``<frozen os>`` for the interpreter's frozen modules."""
    match = FRAME.match(frame)
    if match is None:
        return frame.split(" ")[0]  # py-spy's own process and thread frames
    path = match["path"]
    if path.startswith("<frozen "):
        return f"stdlib:{path.removeprefix('<frozen ').rstrip('>')}"
    parts = Path(path).parts
    top = parts[0].removesuffix(".py")
    if top == "candidly":
        return "candidly" if len(parts) == 2 else f"candidly.{parts[1]}"
    return f"stdlib:{top}" if top in sys.stdlib_module_names else top


def summarise(counts: Counter[tuple[str, ...]], title: str) -> str:
    total = sum(counts.values()) or 1
    own: Counter[str] = Counter()
    anywhere: Counter[str] = Counter()
    packages: Counter[str] = Counter()
    for stack, n in counts.items():
        python = [f for f in stack if FRAME.match(f)]
        if not python:
            continue
        own[function(python[-1])] += n
        packages[package(python[-1])] += n
        for name in {function(f) for f in python}:  # a recursive function counts once per sample
            anywhere[name] += n

    def block(heading: str, counter: Counter[str]) -> list[str]:
        rows = [f"{100 * n / total:6.1f} %  {n:7d}  {name}" for name, n in counter.most_common(TOP)]
        return ["", heading, *rows]

    return "\n".join([
        title, f"{total} samples at {RATE} a second (sleeping threads left out)",
        *block("self: on top of the stack", own),
        *block("inclusive: anywhere on the stack", anywhere),
        *block("self, by package", packages),
    ]) + "\n"  # fmt: skip
