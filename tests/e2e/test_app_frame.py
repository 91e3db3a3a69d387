"""The installed app's frame (issue 21), measured in Chromium against the prod-mode app: compact at 320-390 px in
both languages and with large text (the header title on one line, the bottom bar not a quarter of the screen, no
label wrapping, the payment order page no wider than the phone), and the offer to install the app on the home page
after a first success, once, dismissible, with the steps on an iPhone."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.conftest import ARTIFACTS
from tests.e2e.helpers import KHOA, goto, login
from tests.e2e.test_payments import _paid_order_for

# One line = every client rect of the text starts at the same height.
LINES = """(el) => { const range = document.createRange(); range.selectNodeContents(el);
  return new Set([...range.getClientRects()].filter((r) => r.width > 0).map((r) => Math.round(r.top))).size; }"""
FRAME = """() => {
  const h = (sel) => { const e = document.querySelector(sel); return e ? e.getBoundingClientRect().height : 0; };
  return {header: h('.cds-header'), nav: h('.cds-bottom-nav'), vh: innerHeight, vw: innerWidth,
          scroll: document.documentElement.scrollWidth}; }"""
IPHONE = ("Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
          "Version/17.4 Mobile/15E148 Safari/604.1")


def _prefer(page: Page, lang: str, large: bool) -> None:
    page.context.add_init_script(f"localStorage.setItem('cds_lang', '{lang}');"
                                 f"localStorage.setItem('cds_large', '{'1' if large else '0'}');")


def _one_line(page: Page, selector: str) -> None:
    for handle in page.locator(selector).all():
        if handle.is_visible():
            assert handle.evaluate(LINES) == 1, f"{selector} wraps: {handle.inner_text()!r}"


@pytest.mark.parametrize("width", [320, 390])
@pytest.mark.parametrize("lang", ["vi", "en"])
def test_frame_is_compact(browser, prod_app, width: int, lang: str) -> None:
    context = browser.new_context(viewport={"width": width, "height": 844 if width > 320 else 568}, locale="vi-VN",
                                  base_url=prod_app["url"])
    try:
        page = context.new_page()
        _prefer(page, lang, large=True)
        login(page, KHOA, next_path="/")
        assert page.evaluate("() => document.documentElement.classList.contains('cds-large')")
        assert page.evaluate("() => document.documentElement.lang") == lang
        frame = page.evaluate(FRAME)
        assert frame["header"] <= 64, frame
        assert frame["nav"] <= 64 and frame["nav"] < frame["vh"] / 8, frame
        assert frame["scroll"] <= width, frame
        _one_line(page, ".cds-brand-text")
        _one_line(page, "#lang-switch")
        _one_line(page, ".cds-bottom-link span")
        for label in page.locator(".cds-bottom-link span").all():  # whole, not cut with an ellipsis
            assert label.evaluate("(el) => el.scrollWidth <= el.clientWidth"), label.inner_text()
        expect(page.locator("#lang-switch")).to_have_text("English" if lang == "vi" else "Tiếng Việt")
        page.screenshot(path=str(ARTIFACTS / f"frame-{width}-{lang}-large.png"))
    finally:
        context.close()


def test_payment_order_page_fits_320_with_large_text(browser, prod_app) -> None:
    code = _paid_order_for(prod_app, KHOA, 23456)
    context = browser.new_context(viewport={"width": 320, "height": 568}, locale="vi-VN", base_url=prod_app["url"])
    try:
        page = context.new_page()
        _prefer(page, "vi", large=True)
        login(page, KHOA, next_path=f"/payments/{code}")
        expect(page.locator("#pay-receipt")).to_be_visible()
        widest = page.evaluate("""() => Math.max(...[...document.querySelectorAll('main *')]
          .map((e) => e.getBoundingClientRect().right))""")
        assert page.evaluate("() => document.documentElement.scrollWidth") <= 320
        assert widest <= 320, widest
        page.screenshot(path=str(ARTIFACTS / "payment-order-320-large.png"), full_page=True)
    finally:
        context.close()


def _first_success(page: Page) -> None:
    """A report sent or a ticket bought (pwa.js: noteSuccess) — here the ticket screen showing a ticket."""
    page.evaluate("() => window.cdsPwa.noteSuccess()")


def test_install_offer_after_a_first_success_once(browser, prod_app) -> None:
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="vi-VN", base_url=prod_app["url"])
    try:
        page = context.new_page()
        goto(page, "/")
        offer = page.locator("#cds-install-offer")
        page.evaluate("""() => { const e = new Event('beforeinstallprompt'); window.__prompted = 0;
          e.prompt = () => { window.__prompted += 1; }; e.userChoice = Promise.resolve({outcome: 'accepted'});
          window.dispatchEvent(e); }""")
        page.wait_for_timeout(1500)
        expect(offer).to_be_empty()  # nothing succeeded yet: no offer
        _first_success(page)
        expect(offer).to_contain_text("Cài Công dân số lên màn hình chính")
        page.get_by_role("button", name="Cài ứng dụng").click()
        expect(offer).to_be_empty()
        assert page.evaluate("() => window.__prompted") == 1
        page.reload()
        page.wait_for_timeout(1500)
        expect(offer).to_be_empty()  # once
    finally:
        context.close()


def test_install_offer_shows_the_iphone_steps_and_can_be_dismissed(browser, prod_app) -> None:
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="vi-VN", base_url=prod_app["url"],
                                  user_agent=IPHONE, is_mobile=True, has_touch=True)
    try:
        page = context.new_page()
        goto(page, "/")
        _first_success(page)
        steps = page.locator("#cds-install-ios-steps li")
        expect(steps).to_have_count(3)
        expect(steps.nth(1)).to_have_text(re.compile("Thêm vào MH chính"))
        page.locator("#cds-install-offer").get_by_role("button", name="Đóng").click()
        expect(page.locator("#cds-install-offer")).to_be_empty()
        page.reload()
        page.wait_for_timeout(1500)
        expect(page.locator("#cds-install-offer")).to_be_empty()
    finally:
        context.close()
