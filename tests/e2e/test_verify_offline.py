"""The static offline verifier: load /verify-offline/ once online, go offline, reload, and check a
presentation made by the Python holder helper for a credential of the prod app's issuer; a replay fails.

The page verifies entirely in the browser (WebCrypto) with the issuer keys and status list it cached
in IndexedDB, and the service worker serves the page and its scripts without a network.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date

from playwright.sync_api import expect

from tests.conftest import wait_until
from tests.e2e.helpers import goto, wait_controlled
from tests.e2e.test_accessibility import _violations
from tests.e2e.test_payments import app_db

# Predicates are functions: Playwright compiles an expression with eval() each time it polls, which the
# static page's Content-Security-Policy (no 'unsafe-eval') refuses.
READY = "() => document.body.dataset.ready === '1'"
PRECACHED = """() => caches.keys().then(async (names) => {
  for (const n of names) { if (await (await caches.open(n)).match('/verify-offline/page.js')) return true; }
  return false;
})"""
AGE_CACHE = """() => new Promise((resolve, reject) => {
  const open = indexedDB.open('cds-verifier', 1);
  open.onsuccess = () => {
    const tx = open.result.transaction('cache', 'readwrite');
    const store = tx.objectStore('cache');
    const get = store.get('current');
    get.onsuccess = () => { const c = get.result; c.refreshedAt -= 20 * 60 * 1000; store.put(c, 'current'); };
    tx.oncomplete = () => resolve(true);
    tx.onerror = () => reject(tx.error);
  };
  open.onerror = () => reject(open.error);
})"""


@contextmanager
def _issuer_caches_cleared() -> Iterator[None]:
    """The issuer and sealing keys are cached per process: read the prod app's instance folder."""
    from citizen_app.identity import crypto
    from citizen_app.wallet import issuer

    issuer.issuer_key.cache_clear()
    crypto._seal_key.cache_clear()
    try:
        yield
    finally:
        issuer.issuer_key.cache_clear()
        crypto._seal_key.cache_clear()


def _issue_over_60(prod_app):
    """A new level-2 citizen born in 1960 gets an over-60 credential bound to a Python holder key."""
    from citizen_app.identity.crypto import new_p256_key, public_jwk
    from citizen_app.identity.desk import verify_profile
    from citizen_app.identity.profile import ProfileInput, save_profile
    from citizen_app.identity.service import register
    from citizen_app.wallet import credentials as cr
    from tests.e2e.helpers import DEMO_PASSWORD, WARD_OFFICIAL

    phone = "09" + "".join(secrets.choice("0123456789") for _ in range(8))
    id_number = "079060" + "".join(secrets.choice("0123456789") for _ in range(6))
    holder = new_p256_key()
    with _issuer_caches_cleared(), app_db(prod_app) as (db_scope, users), db_scope() as db:
        citizen = register(db, phone, DEMO_PASSWORD, "Trần Văn Kiểm")
        save_profile(db, citizen.id, ProfileInput(full_name="Trần Văn Kiểm", birth_date=date(1960, 3, 8), sex="M",
                                                  id_number=id_number, address="5 Lê Lợi", ward="Bàn Cờ"))
        verify_profile(db, users(db)[WARD_OFFICIAL], citizen.id, id_number)
        credential = cr.issue_credential(db, citizen.id, "age60", public_jwk(holder)).credential
    return credential, holder


def test_offline_verifier_works_without_network(browser, prod_app) -> None:
    from citizen_app.wallet import credentials as cr
    from citizen_app.wallet.qr_transport import encode_for_qr

    credential, holder = _issue_over_60(prod_app)
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="vi-VN", base_url=prod_app["url"])
    try:
        page = context.new_page()
        goto(page, "/verify")
        page.locator("#offline-verifier-link").click()
        page.wait_for_url("**/verify-offline/")
        page.wait_for_function(READY, timeout=30000)
        expect(page.locator("#freshness")).to_contain_text("cập nhật lúc")
        wait_controlled(page)
        page.wait_for_function(READY, timeout=30000)
        wait_until(page, PRECACHED, timeout=30000)

        context.set_offline(True)
        page.reload()
        page.wait_for_function(READY, timeout=30000)
        expect(page.locator("h1")).to_have_text("Kiểm tra giấy tờ số (ngoại tuyến)")
        expect(page.locator("#net-state")).to_have_text("Đang ngoại tuyến")
        expect(page.locator("#freshness")).to_contain_text("vừa xong")
        expect(page.locator("#stale-warning")).to_be_hidden()

        nonce, aud = cr.parse_verifier_request(page.locator("#vr-text").text_content() or "")
        assert aud == "cds:v:offline"
        presentation = encode_for_qr(cr.build_presentation(credential, [], holder, aud, nonce))
        page.locator("#f-code").fill(presentation)
        page.locator("#verify-submit").click()
        expect(page.locator("#verify-verdict")).to_have_text("✔ HỢP LỆ")
        expect(page.locator("#verify-headline")).to_have_text("Trên 60 tuổi")
        expect(page.locator("#verify-status")).to_contain_text("Chưa bị thu hồi")
        assert "1960" not in page.locator("#verify-result").inner_text()

        page.locator("#f-code").fill(presentation)
        page.locator("#verify-submit").click()
        expect(page.locator("#verify-verdict")).to_have_text("✘ KHÔNG HỢP LỆ")
        expect(page.locator("#verify-reason")).to_contain_text("đã được dùng")

        page.evaluate(AGE_CACHE)  # pretend the last refresh was 20 minutes ago (ttl is 5 minutes)
        page.reload()
        page.wait_for_function(READY, timeout=30000)
        expect(page.locator("#freshness")).to_contain_text("20 phút trước")
        expect(page.locator("#stale-warning")).to_contain_text("Đã cũ hơn 5 phút")
        page.set_viewport_size({"width": 320, "height": 800})
        assert _violations(page) == []
        assert not page.evaluate("document.documentElement.scrollWidth > window.innerWidth + 1")
    finally:
        context.close()
