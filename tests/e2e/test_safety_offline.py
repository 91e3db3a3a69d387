"""The offline link checker: open it from /safety once online, go offline, reload, and check a fake bank site,
a fake government portal and a real one with the lists kept on the device; accessible at 320 px."""

from __future__ import annotations

from playwright.sync_api import expect

from tests.conftest import wait_until
from tests.e2e.helpers import goto, wait_controlled
from tests.e2e.test_accessibility import _violations

READY = "() => document.body.dataset.ready === '1'"
PRECACHED = """() => caches.keys().then(async (names) => {
  for (const n of names) {
    const cache = await caches.open(n);
    const engine = await cache.match('/safety-offline/linkcheck.js');
    if (engine && await cache.match('/safety-offline/data.json')) return true;
  }
  return false;
})"""


def _check(page, text: str) -> None:
    page.locator("#f-link").fill(text)
    page.locator("#check-submit").click()


def test_offline_checker_works_without_network(browser, prod_app) -> None:
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="vi-VN", base_url=prod_app["url"])
    try:
        page = context.new_page()
        goto(page, "/safety")
        page.locator("#offline-checker-link").click()
        page.wait_for_url("**/safety-offline/")
        page.wait_for_function(READY, timeout=30000)
        expect(page.locator("#freshness")).to_contain_text("Danh sách cập nhật lúc")
        wait_controlled(page)
        page.wait_for_function(READY, timeout=30000)
        wait_until(page, PRECACHED, timeout=30000)

        context.set_offline(True)
        page.reload()
        page.wait_for_function(READY, timeout=30000)
        expect(page.locator("h1")).to_have_text("Kiểm tra đường dẫn, số điện thoại (không cần mạng)")
        expect(page.locator("#net-state")).to_have_text("Đang ngoại tuyến")
        expect(page.locator("#freshness")).to_contain_text("Danh sách cập nhật lúc")  # the copy kept on the device
        expect(page.locator("#lists")).to_contain_text("Ngân hàng Nhà nước")

        _check(page, "https://vietc0mbank.com.vn/dang-nhap")
        result = page.locator("#check-result")
        expect(result).to_have_attribute("data-verdict", "danger")
        expect(page.locator("#verdict")).to_have_text("Nguy hiểm — có dấu hiệu giả mạo")
        expect(page.locator("#advice")).to_contain_text("Vietcombank: 1900 545413")
        expect(page.locator("#advice")).to_contain_text("vietcombank.com.vn")

        _check(page, "http://dichvucong.gov.vn.login-secure.top/")
        expect(result).to_have_attribute("data-verdict", "danger")
        expect(page.locator("#reasons")).to_contain_text("giả làm trang của cơ quan nhà nước")

        _check(page, "https://dichvucong.gov.vn/")
        expect(result).to_have_attribute("data-verdict", "verified")
        expect(page.locator("#reasons")).to_contain_text("Cổng Dịch vụ công quốc gia")

        _check(page, "javascript:alert(1)")
        expect(page.locator("#check-error")).to_contain_text("Đừng bấm vào")
        expect(result).to_be_hidden()

        page.locator("#lang-toggle").click()
        _check(page, "0899 000 111")
        expect(page.locator("#verdict")).to_have_text("Reported as a scam")
        page.set_viewport_size({"width": 320, "height": 800})
        assert _violations(page) == []
        assert not page.evaluate("() => document.documentElement.scrollWidth > window.innerWidth + 1")
    finally:
        context.close()


def test_safety_page_with_a_verdict_is_accessible_at_320px(page) -> None:
    page.set_viewport_size({"width": 320, "height": 800})
    goto(page, "/safety")
    page.locator("#f-link").fill("https://vietcombank-hotro.com")
    page.locator("#check-submit").click()
    expect(page.locator("#verdict")).to_have_attribute("data-verdict", "danger")
    expect(page.locator("#advice")).to_contain_text("1900 545413")
    expect(page.locator("#lists")).to_contain_text("Bộ Công Thương")
    assert _violations(page) == []
    assert not page.evaluate("() => document.documentElement.scrollWidth > window.innerWidth + 1")
