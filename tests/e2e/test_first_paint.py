"""Pages paint from their own HTML and inline CSS, then load the app (issue 24), and the app still takes over.

On the built prod-mode app: the head of every page of the issue holds the CSS of its first paint and nothing that
blocks it (no stylesheet link, module preload, module script or script file); in the browser each page hydrates
without an error (React's hydration mismatch #418 made it draw every page again after its JavaScript), without
console errors, and with the whole stylesheet applied after the first paint."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Browser, Page, Route, expect

from citizen_app.core.headers import MAP_TILES
from tests.conftest import wait_hydrated, wait_until
from tests.e2e.helpers import STREETLIGHT, wait_controlled
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


# A report's page is a dynamic route: the server puts the report in the prerendered page's frame (report_frame.py).
FRAME_LAYOUT = """() => {
  const top = (el) => el ? Math.round(el.getBoundingClientRect().top) : null;
  const article = document.querySelector('[data-cds-frame] article') || document.querySelector('article');
  return {frames: document.querySelectorAll('[data-cds-frame]').length, title: top(article.querySelector('h1')),
          description: top(article.querySelector('h2 + p')),
          labels: [...article.querySelectorAll('dt')].map(dt => dt.textContent)};
}"""


@pytest.fixture()
def demo_report(prod_app) -> int:
    from sqlalchemy import create_engine, text

    engine = create_engine(prod_app["database_url"])
    with engine.connect() as connection:
        found = connection.execute(text("SELECT id FROM feedback_report WHERE public_title = :title"),
                                   {"title": STREETLIGHT}).scalar_one()
    engine.dispose()
    return found


def test_a_reports_page_paints_the_report_before_the_app_and_the_app_takes_its_place(
        browser: Browser, prod_app, demo_report: int) -> None:
    path = f"/feedback/{demo_report}"
    _, body = fetch(prod_app["url"] + path)
    critical = "".join(re.findall(r"<style[^>]*>(.*?)</style>", body.split("</head>")[0], re.DOTALL))
    assert ".cds-label" in critical and ".cds-h2" in critical and "rt-r-size-7" in critical  # the frame's CSS
    frame = browser.new_page(base_url=prod_app["url"], viewport={"width": 390, "height": 844})
    frame.route("**/assets/*.js", lambda route: route.abort())  # no app: what the HTML alone paints
    frame.goto(path)
    expect(frame.locator("[data-cds-frame] h1")).to_have_text(STREETLIGHT)
    painted = frame.evaluate(FRAME_LAYOUT)
    frame.close()
    app = browser.new_page(base_url=prod_app["url"], viewport={"width": 390, "height": 844})
    errors: list[str] = []
    app.on("pageerror", lambda error: errors.append(f"page error: {error}"))
    app.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    app.route(MAP_TILES + "/**", _no_map_tiles)
    app.goto(path)
    expect(app.locator("#fb-title")).to_have_text(STREETLIGHT)
    wait_hydrated(app)
    drawn = app.evaluate(FRAME_LAYOUT)
    app.close()
    assert errors == [], errors  # hydrated as the prerendered placeholder page: no mismatch
    assert drawn["frames"] == 0  # the app's view replaced the frame
    # the same facts in the same places: nothing moves when the app takes over
    assert (painted["title"], painted["labels"], painted["description"]) == (
        drawn["title"], drawn["labels"], drawn["description"])


STORED_FRAME = """async ([path, text]) => {
  for (const name of await caches.keys()) {
    const hit = await (await caches.open(name)).match(path);
    if (hit && (await hit.text()).includes(text)) return hit.headers.get('Content-Language');
  }
  return null;
}"""


def _set_title(prod_app, report: int, title: str) -> None:
    from sqlalchemy import create_engine, text

    engine = create_engine(prod_app["database_url"])
    with engine.begin() as connection:
        connection.execute(text("UPDATE feedback_report SET public_title = :title WHERE id = :id"),
                           {"title": title, "id": report})
    engine.dispose()


def test_a_stored_reports_page_is_answered_at_once_and_the_app_draws_the_report_as_it_is_now(
        browser: Browser, prod_app, demo_report: int) -> None:
    # The worker answers a report's page from its cache (in the reader's language, assets/sw.js pageFitsReader): what
    # changed since is on the screen as soon as the app has loaded, in the same visit.
    path, changed = f"/feedback/{demo_report}", STREETLIGHT + " (đã cập nhật)"
    context = browser.new_context(base_url=prod_app["url"], viewport={"width": 390, "height": 844})
    page = context.new_page()
    page.route(MAP_TILES + "/**", _no_map_tiles)
    page.goto(path)
    wait_controlled(page)
    assert wait_until(page, STORED_FRAME, [path, STREETLIGHT], timeout=30000) == "vi"
    try:
        _set_title(prod_app, demo_report, changed)
        response = page.goto(path)
        assert response is not None and response.from_service_worker
        expect(page.locator("#fb-title")).to_have_text(changed)  # the app's live view, in place of the stored frame
        wait_hydrated(page)
        assert page.locator("[data-cds-frame]").count() == 0
        assert wait_until(page, STORED_FRAME, [path, changed], timeout=30000) == "vi"  # refreshed for the next visit
    finally:
        _set_title(prod_app, demo_report, STREETLIGHT)
        context.close()
