"""The template renderer starts its children on first use: renders one after another keep to one child."""

from __future__ import annotations

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
