"""WCAG 2.2 A/AA checks by axe-core in Chromium on the main pages, at phone and desktop widths."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.conftest import ROOT
from tests.e2e.helpers import MAI, SIDEWALK, VOLUNTEER, WARD_OFFICIAL, context_page, goto, login, logout

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
        if path == "/feedback":  # the map's markers come from a fetch: check them, not an empty map
            page.locator("#fb-map[data-markers]").wait_for(state="attached", timeout=20000)
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


@pytest.mark.xfail(strict=True, reason="known gap: rx.upload's hidden file input has no label (axe `label`); "
                   "Reflex 0.10.1 passes no attributes to it; the new-report and procedure uploaders share it")
def test_report_page_with_public_updates_has_no_violations(browser, prod_app) -> None:
    """A report with a citizen's update, at 320 px: as the neighbour who wrote it (the update form) and as the ward
    official who may hide it (the moderation form), each on their own phone."""
    neighbour = context_page(browser, prod_app["url"])
    neighbour.set_viewport_size({"width": 320, "height": 900})
    login(neighbour, MAI, next_path="/feedback")
    goto(neighbour, "/feedback?q=" + SIDEWALK.replace(" ", "+"))
    neighbour.locator("#fb-results").get_by_role("link", name=SIDEWALK).click()
    neighbour.wait_for_url(re.compile(r"/feedback/\d+$"))
    report = neighbour.url.rsplit("/", 1)[1]
    neighbour.locator("#f-update").fill("Tối qua vẫn còn bàn ghế trên vỉa hè.")
    neighbour.locator("#fb-update-send").click()
    neighbour.locator("#fb-update-notice").wait_for()
    problems = {"neighbour": _violations(neighbour)}
    if neighbour.evaluate("document.documentElement.scrollWidth > window.innerWidth + 1"):
        problems["neighbour"].append("horizontal scrolling at 320 px (WCAG 1.4.10 Reflow)")
    neighbour.context.close()
    official = context_page(browser, prod_app["url"])
    official.set_viewport_size({"width": 320, "height": 900})
    login(official, WARD_OFFICIAL, next_path=f"/feedback/{report}")
    official.locator("#fb-updates li summary").last.click()
    problems["ward official"] = _violations(official)
    official.context.close()
    assert not any(problems.values()), problems
