"""WCAG 2.2 A/AA checks by axe-core in Chromium on the main pages, at phone and desktop widths."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import ROOT
from tests.e2e.helpers import MAI, VOLUNTEER, WARD_OFFICIAL, goto, login, logout

AXE = ROOT / "tests" / "a11y" / "node_modules" / "axe-core" / "axe.min.js"
PUBLIC_PAGES = ["/", "/login", "/register", "/help", "/procedures", "/feedback", "/feedback/scorecard", "/metro",
                "/verify"]
PRIVATE_PAGES = ["/account", "/wallet", "/notifications"]
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]


def _violations(page) -> list[str]:
    if not AXE.exists():
        pytest.fail(f"{AXE} is missing: run `make test-deps`")
    # Evaluated through DevTools: the pages' Content-Security-Policy refuses an injected inline <script>.
    page.evaluate(Path(AXE).read_text(encoding="utf-8"))
    result = page.evaluate("tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", TAGS)
    return [f"{v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes'][:3]]}"
            for v in result["violations"]]


@pytest.mark.parametrize("width", [320, 1280])
def test_public_pages_have_no_violations(page, width: int) -> None:
    page.set_viewport_size({"width": width, "height": 900})
    problems = {}
    for path in PUBLIC_PAGES:
        goto(page, path)
        found = _violations(page)
        overflow = page.evaluate("document.documentElement.scrollWidth > window.innerWidth + 1")
        if overflow:
            found.append("horizontal scrolling at this width (WCAG 1.4.10 Reflow)")
        if found:
            problems[path] = found
    assert not problems, problems


def test_logged_in_pages_have_no_violations(page) -> None:
    login(page, MAI)
    problems = {}
    for path in PRIVATE_PAGES:
        goto(page, path)
        if found := _violations(page):
            problems[path] = found
    assert not problems, problems


def test_registration_code_step_and_ward_desk_have_no_violations(page) -> None:
    page.set_viewport_size({"width": 320, "height": 900})
    goto(page, "/register")
    page.locator("#f-full_name").fill("Người Thử Ba")
    page.locator("#f-identifier").fill("0987000333")
    page.locator("#f-password").fill("Nhatro2026benthanh")
    page.locator("#f-password2").fill("Nhatro2026benthanh")
    page.locator("#f-consent").check()
    page.locator("#register-submit").click()
    page.locator("#register-sent").wait_for()
    problems = {"/register (code)": _violations(page)}
    for login_id, ready in ((WARD_OFFICIAL, "#desk-search"), (VOLUNTEER, "#desk-note")):
        logout(page)
        login(page, login_id, next_path="/wallet/desk")
        page.locator(ready).wait_for()
        problems[f"/wallet/desk ({login_id})"] = _violations(page)
    assert not any(problems.values()), problems
