"""What every page's JavaScript weighs depends on a few component choices (issue 24)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from citizen_app.core.registry import import_pillar_pages
from citizen_app.shell.layout import shell
from citizen_app.ui.routes import PAGES
from citizen_app.ui.theme import COLORS

ROOT = Path(__file__).resolve().parents[3]
RADIX_SCALES = (  # Radix Themes 3's colour scales (@radix-ui/themes/tokens/colors/*.css)
    "amber", "blue", "bronze", "brown", "crimson", "cyan", "gold", "grass", "gray", "green", "indigo", "iris", "jade",
    "lime", "mauve", "mint", "olive", "orange", "pink", "plum", "purple", "red", "ruby", "sage", "sand", "sky",
    "slate", "teal", "tomato", "violet", "yellow")


@pytest.fixture(scope="module")
def pages() -> dict[str, str]:
    """Every registered page, rendered to its compiled JSX."""
    import_pillar_pages()
    return {path: str(shell(spec)) for path, spec in PAGES.items()}


def test_no_page_names_an_icon_at_run_time(pages: dict[str, str]) -> None:
    # rx.icon(<a Var>) compiles to lucide's DynamicIcon: its map of ~1,600 icons went into the shared chunk
    # that every page preloads (848 KiB, 140 KiB compressed). ui.components.icon_either picks a static icon.
    dynamic = sorted(path for path, jsx in pages.items() if "DynamicIcon" in jsx)
    assert dynamic == []


def test_every_colour_the_app_names_is_in_the_stylesheet() -> None:
    # The global stylesheet carries only ui.theme.COLORS' scales: a badge in another colour would be unstyled.
    named = {match for source in (ROOT / "citizen_app").rglob("*.py")
             for match in re.findall(r"""["']([a-z]+)["']""", source.read_text(encoding="utf-8"))
             if match in RADIX_SCALES}
    assert {"red", "green", "amber"} <= named  # the scan finds them
    assert named <= set(COLORS), sorted(named - set(COLORS))
    assert set(RADIX_SCALES) >= set(COLORS)
