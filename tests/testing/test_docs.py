"""docs/testing.md shows the vendor examples exactly as the suite runs them."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).parents[2]
EXAMPLES = sorted((ROOT / "tests" / "examples").glob("*.*"))


@pytest.mark.parametrize("example", [p for p in EXAMPLES if p.suffix in (".py", ".yaml") and p.name != "__init__.py"],
                         ids=lambda p: p.name)  # fmt: skip
def test_the_testing_page_shows_the_example_verbatim(example: Path) -> None:
    page = (ROOT / "docs" / "testing.md").read_text()
    fence = "yaml" if example.suffix == ".yaml" else "python"
    assert f"```{fence}\n{example.read_text()}```\n" in page
