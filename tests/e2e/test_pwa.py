"""The installable app against the real prod-mode app in Chromium: manifest, installability, service
worker control and the offline reload; plus the notification centre and settings pages."""

from __future__ import annotations

import re
import secrets
from pathlib import Path

from playwright.sync_api import expect

from tests.conftest import CHROMIUM, CHROMIUM_ARGS, wait_hydrated, wait_until
from tests.e2e.helpers import DEMO_PASSWORD, MAI, goto, login, wait_controlled

PRECACHED = """() => caches.keys().then(async (names) => {
  for (const n of names) { if (await (await caches.open(n)).match('/offline.html')) return true; }
  return false;
})"""
# Every build chunk the page loaded (before the worker controlled it, so only CACHE_ASSETS can have stored them)
ROUTE_CHUNKS_CACHED = """async () => {
  const chunks = performance.getEntriesByType("resource").map((e) => new URL(e.name))
    .filter((u) => u.origin === location.origin && u.pathname.startsWith("/assets/")).map((u) => u.pathname);
  for (const path of chunks) { if (!(await caches.match(path))) return false; }
  return chunks.length > 5;
}"""


def test_manifest_is_linked_and_loads(page) -> None:
    goto(page, "/")
    href = page.get_attribute("link[rel=manifest]", "href")
    assert href == "/manifest.webmanifest"
    response = page.request.get(href)
    assert response.status == 200
    manifest = response.json()
    assert manifest["name"] == "Công dân số TP.HCM" and manifest["display"] == "standalone"
    assert {icon["sizes"] for icon in manifest["icons"]} >= {"192x192", "512x512"}
    for icon in manifest["icons"]:
        assert page.request.get(icon["src"]).status == 200, icon["src"]


def test_installable_controlled_and_works_offline(browser, prod_app, tmp_path: Path) -> None:
    """A persistent profile (installability needs one): no installability errors, the service worker
    controls the page, and with the network off a reload shows the cached home (or the offline page)."""
    context = browser.browser_type.launch_persistent_context(
        str(tmp_path / "profile"), executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS,
        viewport={"width": 390, "height": 844}, locale="vi-VN", base_url=prod_app["url"])
    try:
        page = context.pages[0] if context.pages else context.new_page()
        goto(page, "/")
        wait_controlled(page)
        cdp = context.new_cdp_session(page)
        errors = cdp.send("Page.getInstallabilityErrors")["installabilityErrors"]
        assert errors == [], errors
        manifest = cdp.send("Page.getAppManifest")
        assert manifest["url"].endswith("/manifest.webmanifest") and not manifest.get("errors")
        # The shell is precached once the worker is active.
        wait_until(page, PRECACHED, timeout=30000)
        wait_until(page, ROUTE_CHUNKS_CACHED, timeout=30000)  # the next visit needs no network

        context.set_offline(True)
        page.reload()
        body = page.locator("body")
        expect(body).to_contain_text(re.compile("Công dân số|Bạn đang ngoại tuyến"), timeout=15000)
        assert "ERR_INTERNET_DISCONNECTED" not in page.content()
        page.goto("/a-page-never-visited")
        expect(body).to_contain_text("Bạn đang ngoại tuyến")
    finally:
        context.close()


def test_bell_centre_and_settings(page, prod_app) -> None:
    """A notification written by a pillar shows in the bell and the centre; mark read clears the count;
    the settings page explains that push is unavailable in this (automated, headless) browser."""
    from citizen_app.identity.service import register
    from citizen_app.notify.service import notify
    from tests.e2e.test_payments import app_db

    phone = "09" + "".join(secrets.choice("0123456789") for _ in range(8))
    with app_db(prod_app) as (db_scope, _users), db_scope() as db:
        user = register(db, phone, DEMO_PASSWORD, "Nguyễn Văn Thử")
        notify(db, user.id, "dossier_status", "notify.generic.title", "notify.generic.body", {}, "/help")

    login(page, phone)
    expect(page.locator("#bell")).to_have_attribute("aria-label", re.compile(r"Thông báo, \d+ chưa đọc"))
    page.locator("#bell").click()
    page.wait_for_url(re.compile(r".*/notifications$"))
    wait_hydrated(page)
    expect(page.locator("#notify-list li[data-read='0']").first).to_contain_text("Bạn có thông báo mới.")
    page.locator("#mark-all-read").click()
    expect(page.locator("#notify-saved")).to_be_visible()
    expect(page.locator("#notify-list li[data-read='0']")).to_have_count(0)
    expect(page.locator("#bell-count")).to_have_count(0)
    expect(page.locator("#bell")).to_have_attribute("aria-label", "Thông báo")

    goto(page, "/notifications/settings")
    expect(page.locator("#push-unavailable, #push-enable").first).to_be_visible()
    if page.locator("#push-enable").count():  # a browser that claims push support: enabling fails cleanly
        page.locator("#push-enable").click()
        expect(page.get_by_role("alert")).to_be_visible(timeout=20000)
    expect(page.locator("#no-devices")).to_be_visible()
    expect(page.locator("#install-unavailable, #install-button").first).to_be_visible()


# Pages the service worker answers from its cache at once (assets/sw.js navigationPlan): a person's own pages included.
STORED_PAGES = ["/", "/feedback", "/metro", "/metro/ticket/", "/procedures", "/wallet", "/account", "/notifications",
                "/feedback/mine", "/procedures/mine", "/feedback/new/", "/my-data", "/metro/tickets", "/payments",
                "/login"]


def test_no_page_the_worker_stores_holds_the_persons_data(page, prod_app) -> None:
    """The worker answers a stored page to whoever opens the app next on this phone (until a logout clears it): a page
    is the same HTML for everyone, or it is never stored (Cache-Control no-store / private)."""
    from tests.e2e.test_security_headers import fetch

    report = page.request.get(prod_app["url"] + "/open311/v2/requests.json").json()[0]["service_request_id"]
    login(page, MAI)
    owner = next(c["value"] for c in page.context.cookies() if c["name"] == "cds_owner")  # her pseudonym
    for path in [*STORED_PAGES, f"/feedback/{report}"]:
        mine = page.request.get(prod_app["url"] + path)
        cache = mine.headers.get("cache-control", "")
        if "no-store" in cache or "private" in cache:
            continue
        text = mine.text()
        assert "Lê Thị Mai" not in text and MAI not in text and owner not in text, path
        assert text == fetch(prod_app["url"] + path)[1], path  # the same page as a visitor's
