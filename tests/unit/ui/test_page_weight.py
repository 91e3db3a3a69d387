"""What every page's JavaScript weighs depends on a few component choices (issue 24)."""

from __future__ import annotations

import pytest

from citizen_app.core.registry import import_pillar_pages
from citizen_app.ui.layout import shell
from citizen_app.ui.routes import PAGES


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
