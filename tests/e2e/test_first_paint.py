"""Pages paint from their own HTML and inline CSS, then load the app (issue 24), and the app still takes over.

On the built prod-mode app: the head of every page of the issue holds the CSS of its first paint and nothing that
blocks it (no stylesheet link, module preload, module script or script file); in the browser each page hydrates
without an error (React's hydration mismatch #418 made it draw every page again after its JavaScript), without
console errors, and with the whole stylesheet applied after the first paint."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, Route, expect

from citizen_app.core.headers import MAP_TILES
from tests.conftest import wait_hydrated
from tests.e2e.test_security_headers import fetch

PAGES = ["/", "/feedback", "/metro", "/metro/ticket/", "/procedures", "/login"]
WHOLE_STYLESHEET = """() => {
  const link = document.querySelector('link[rel="stylesheet"][href*="__reflex_global_styles"]');
  try { return link && link.sheet ? link.sheet.cssRules.length : 0; } catch (e) { return 0; }
}"""


@pytest.mark.parametrize("path", PAGES)
def test_the_head_holds_the_first_paint_and_nothing_that_blocks_it(prod_app, path: str) -> None:
    _, body = fetch(prod_app["url"] + path)
    head = body.split("</head>")[0]
    critical = "".join(re.findall(r"<style[^>]*>(.*?)</style>", head, re.DOTALL))
    assert ".cds-shell" in critical and ".rt-" in critical and ".cds-large" in critical, critical[:500]
    assert not re.search(r'rel="(?:stylesheet|modulepreload)"', head), head
    blocking = [tag for tag in re.findall(r"<script\b[^>]*>", head)
                if " src=" in tag and not re.search(r"\s(?:defer|async)\b", tag)]
    assert blocking == []  # a script file in the head stops the parser until it has loaded
    assert 'type="module"' not in body and 'type="text/x-cds-boot"' in body
    assert re.search(r'<link data-cds-css="" href="/assets/__reflex_global_styles-[\w-]+\.css">', head)


def _no_map_tiles(route: Route) -> None:  # the test machine has no internet: the tiles would log network errors
    route.fulfill(status=204)


@pytest.mark.parametrize("path", PAGES)
def test_the_page_hydrates_without_errors_and_gets_the_whole_stylesheet(page: Page, path: str) -> None:
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(f"page error: {error}"))
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    page.route(MAP_TILES + "/**", _no_map_tiles)
    page.goto(path)
    wait_hydrated(page)
    page.wait_for_function(WHOLE_STYLESHEET, timeout=30000)
    page.wait_for_timeout(500)  # a late error (a request of the page's own script) would show here
    assert errors == [], errors
    assert page.evaluate("document.querySelectorAll('link[rel=cds-modulepreload], link[data-cds-css]:not([rel])')"
                         ".length") == 0


def test_the_ticket_screen_draws_without_the_apps_javascript(page: Page) -> None:
    # The rider at the gate needs the ticket screen, not the app: its scripts are the page's own. With every build
    # module refused, a visitor still gets the screen's answer and a way to log in (no request for tickets).
    asked: list[str] = []
    page.route("**/assets/*.js", lambda route: route.abort())
    page.on("request", lambda request: asked.append(request.url) if "/api/metro/" in request.url else None)
    page.goto("/metro/ticket/")
    expect(page.locator("#metro-no-ticket")).to_be_visible()
    expect(page.locator("#metro-ticket-login")).to_have_attribute("href", "/login?next=/metro/ticket/")
    expect(page.locator("#metro-ticket-loading")).to_be_hidden()
    assert asked == []
