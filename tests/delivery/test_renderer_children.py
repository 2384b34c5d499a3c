"""The template renderer starts its children on first use: renders one after another keep to one child."""

from __future__ import annotations

from pathlib import Path

from candidly.delivery.renderer import Renderer


def test_renders_one_after_another_are_served_by_one_child_process() -> None:
    renderer = Renderer(children=2)
    try:
        for n in range(3):
            assert renderer.render("Hi {{ n }}", "Body {{ n }}", {"n": n}) == (f"Hi {n}", f"Body {n}")
        running = [child.process for child in renderer.all if child.process is not None]
        assert len(running) == 1
        assert running[0].poll() is None  # alive, serving the next render
    finally:
        renderer.close()


def test_a_child_renders_without_loading_openssl() -> None:
    """OpenSSL's libcrypto (3.3 MB resident) is not mapped into a rendering child: rendering never hashes."""
    renderer = Renderer(children=1)
    try:
        assert renderer.render("{{ n }}", "Body", {"n": 1}) == ("1", "Body")
        process = renderer.all[0].process
        assert process is not None
        assert "libcrypto" not in Path(f"/proc/{process.pid}/maps").read_text()
    finally:
        renderer.close()
