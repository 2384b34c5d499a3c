"""Run wrk with a Lua script and read its requests per second and latency percentiles."""

from __future__ import annotations

import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Result:
    rps: float
    p50_ms: float
    p99_ms: float
    non_2xx: int
    errors: int


def _ms(text: str) -> float:
    number, unit = re.fullmatch(r"([\d.]+)(us|ms|s)", text.strip()).groups()  # type: ignore[union-attr]
    return float(number) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]


def run(url: str, script: Path, *, seconds: int, connections: int, threads: int = 1, timeout: int = 30) -> Result:
    wrk = shutil.which("wrk")
    if wrk is None:
        raise SystemExit("wrk is not installed: apt-get install wrk")
    out = subprocess.run(
        [wrk, f"-t{threads}", f"-c{connections}", f"-d{seconds}s", f"--timeout={timeout}s", "--latency", "-s", str(script), url],
        capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))  # type: ignore[union-attr]
    p50 = _ms(re.search(r"\s50%\s+(\S+)", out).group(1))  # type: ignore[union-attr]
    p99 = _ms(re.search(r"\s99%\s+(\S+)", out).group(1))  # type: ignore[union-attr]
    non_2xx = int(m.group(1)) if (m := re.search(r"Non-2xx or 3xx responses: (\d+)", out)) else 0
    errors = sum(int(n) for n in re.findall(r"(?:connect|read|write|timeout) (\d+)", out))
    return Result(rps=rps, p50_ms=p50, p99_ms=p99, non_2xx=non_2xx, errors=errors)


def lua_script(method: str, paths: list[str], body: str | None, headers: dict[str, str]) -> str:
    """A wrk script cycling through ``paths`` (so gets and updates spread over many rows)."""
    quoted = ",".join(f'"{p}"' for p in paths)
    header_lines = "\n".join(f'wrk.headers["{k}"] = "{v}"' for k, v in headers.items())
    body_line = f"local body = [==[{body}]==]" if body is not None else "local body = nil"
    return f"""
local paths = {{{quoted}}}
local n = #paths
local i = 0
{header_lines}
{body_line}
request = function()
  i = i + 1
  return wrk.format("{method}", paths[(i % n) + 1], nil, body)
end
"""
