"""A gate an operator can run, in Chromium against the prod-mode app: the operator registers a gate and shows its
one-time QR; the device enrols from it, validates online and offline (each scan its own result, the offline
decision shown as such), and uploads its offline taps when the network returns."""

from __future__ import annotations

import re

import zxingcpp
from PIL import Image
from playwright.sync_api import Page, expect

from tests.conftest import ARTIFACTS
from tests.e2e.helpers import KHOA, METRO_OPERATOR, goto, login, wait_controlled
from tests.e2e.test_metro import _buy_single, _qr_text

PHONE = {"width": 390, "height": 844}
OFFICE = {"width": 1366, "height": 768}


def _scan(gate: Page, text: str, n: int, word: str, reason: str, mode: str) -> None:
    gate.locator("#gd-qr").fill(text)
    gate.locator("#gd-submit").click()
    box = gate.locator("#gd-result-box")
    expect(box).to_have_attribute("data-scan", str(n))
    expect(box).to_have_attribute("data-mode", mode)
    expect(box).to_contain_text(word)
    expect(box).to_contain_text(reason)
    expect(box).to_contain_text(f"Lượt quét {n} · ")


def _enrolment_link(operator: Page) -> str:
    goto(operator, "/metro/operator")
    operator.locator("#op-gate-id").fill("E2E-BT1")
    operator.select_option("#op-station", "L1-01")
    operator.select_option("#op-kind", "gate")
    operator.locator("#op-label").fill("Lối vào A")
    operator.locator("#op-register").click()
    expect(operator.locator("#op-enrol")).to_be_visible()
    link = operator.locator("#op-enrol-link").input_value()
    assert re.fullmatch(r"http://127\.0\.0\.1:\d+/metro/gate/#enrol=[A-Za-z0-9_-]{32}", link), link
    ARTIFACTS.mkdir(exist_ok=True)
    operator.screenshot(path=str(ARTIFACTS / "metro-operator-1366x768.png"))
    operator.locator("#op-enrol-qr").screenshot(path=str(ARTIFACTS / "metro-enrol-qr.png"))
    decoded = zxingcpp.read_barcodes(Image.open(ARTIFACTS / "metro-enrol-qr.png"))
    assert decoded and decoded[0].text == link  # what a device's camera reads is the link itself
    expect(operator.locator("#device-E2E-BT1")).to_contain_text("Chờ ghép")
    return link


def test_a_gate_enrolled_from_the_operators_qr_validates_online_and_offline_and_syncs(browser, prod_app) -> None:
    office = browser.new_context(viewport=OFFICE, locale="vi-VN", base_url=prod_app["url"])
    device = browser.new_context(viewport=PHONE, locale="vi-VN", base_url=prod_app["url"])
    phone = browser.new_context(viewport=PHONE, locale="vi-VN", base_url=prod_app["url"])
    try:
        operator = office.new_page()
        login(operator, METRO_OPERATOR, next_path="/metro/operator")
        link = _enrolment_link(operator)

        gate = device.new_page()
        gate.goto(link)  # the device's camera app opens the QR's link: the page enrols at once
        expect(gate.locator("#gd-title")).to_have_text("Cổng E2E-BT1 · Ga Bến Thành")
        assert "enrol" not in gate.url  # the code left the address bar
        expect(gate.locator("#gd-connection")).to_have_text("Trực tuyến")

        rider = phone.new_page()
        login(rider, KHOA, next_path="/metro")
        wait_controlled(rider)
        _buy_single(rider)
        rider.locator("#metro-result-open").click()
        rider.wait_for_url(re.compile(r"/metro/ticket/?\?id="))

        _scan(gate, _qr_text(rider), 1, "MỜI QUA", "Mời qua cổng", "online")
        expect(gate.locator("#gd-mode")).to_have_text("Đã kiểm tra với máy chủ")

        device.set_offline(True)
        expect(gate.locator("#gd-connection")).to_have_text("Ngoại tuyến — cổng tự quyết định")
        _scan(gate, _qr_text(rider), 2, "DỪNG LẠI", "chống quay vòng", "offline")  # its own answer, not the last
        expect(gate.locator("#gd-mode")).to_have_text("QUYẾT ĐỊNH NGOẠI TUYẾN (cổng tự kiểm tra)")
        expect(gate.locator("#gd-pending")).to_have_attribute("data-count", "0")  # a refusal queues nothing
        gate.locator("#gd-dir-out").click()
        expect(gate.locator("#gd-dir-out")).to_have_attribute("aria-pressed", "true")
        _scan(gate, _qr_text(rider), 3, "MỜI QUA", "Please go through", "offline")
        expect(gate.locator("#gd-mode")).to_contain_text("lượt qua đã lưu, chờ đồng bộ")
        expect(gate.locator("#gd-pending")).to_have_attribute("data-count", "1")
        expect(gate.locator("#gd-result-box")).to_be_in_viewport()
        gate.screenshot(path=str(ARTIFACTS / "metro-gate-device-offline-390x844.png"))

        # The queue survives a restart of the page while the server is still out of reach.
        device.route("**/api/metro/gate/**", lambda route: route.abort())
        device.set_offline(False)
        gate.reload()
        expect(gate.locator("#gd-title")).to_have_text("Cổng E2E-BT1 · Ga Bến Thành")
        expect(gate.locator("#gd-pending")).to_have_attribute("data-count", "1")

        device.unroute("**/api/metro/gate/**")
        gate.evaluate("() => window.dispatchEvent(new Event('online'))")
        expect(gate.locator("#gd-pending")).to_have_attribute("data-count", "0", timeout=20000)
        expect(gate.locator("#gd-synced")).to_contain_text("Đồng bộ lúc")

        goto(rider, "/metro/tickets")  # the exit decided offline reached the server
        expect(rider.locator("#metro-journeys")).to_contain_text("Hoàn tất")
        goto(operator, "/metro/operator")
        row = operator.locator("#device-E2E-BT1")
        expect(row).to_contain_text("Đang hoạt động")
        expect(row.locator("td").nth(4)).to_have_text("0")
        expect(row).not_to_contain_text("Mất liên lạc")
    finally:
        office.close()
        device.close()
        phone.close()


def test_a_device_without_a_valid_code_is_not_a_gate(browser, prod_app) -> None:
    context = browser.new_context(viewport={"width": 320, "height": 640}, locale="vi-VN", base_url=prod_app["url"])
    try:
        page = context.new_page()
        goto(page, "/metro/gate")
        expect(page.locator("#gd-enrol")).to_be_visible()
        page.locator("#gd-enrol-code").fill("http://127.0.0.1/metro/gate/#enrol=" + "x" * 32)
        page.locator("#gd-enrol-submit").click()
        expect(page.locator("#gd-message")).to_contain_text("Mã ghép không đúng, đã dùng hoặc đã hết hạn")
        expect(page.locator("#gd-device")).to_have_count(0)
        assert page.evaluate("() => document.documentElement.scrollWidth") <= 320
    finally:
        context.close()


def test_station_pages_console_and_gate_have_no_accessibility_violations(browser, prod_app) -> None:
    """axe-core WCAG 2.2 A/AA on the riders' station pages (320 px and desktop), the gate's enrolment panel and the
    operator console (1366×768), and no horizontal scrolling at 320 px."""
    from tests.e2e.test_accessibility import _violations

    problems: dict[str, list[str]] = {}
    context = browser.new_context(viewport={"width": 320, "height": 800}, locale="vi-VN", base_url=prod_app["url"])
    try:
        page = context.new_page()
        for width in (320, 1280):
            page.set_viewport_size({"width": width, "height": 900})
            for path in ("/metro/stations", "/metro/station?code=L1-05", "/metro/alerts", "/metro/gate"):
                goto(page, path)
                if path == "/metro/stations":
                    expect(page.locator("#metro-line-map > li")).to_have_count(14)
                if path.startswith("/metro/station?"):
                    expect(page.locator("#metro-next-trains > li")).to_have_count(2)
                    expect(page.locator("#metro-station-name")).to_contain_text("Ga Tân Cảng")
                    link = page.locator("a", has_text="Chỉ đường đi bộ").first
                    assert "travelmode=walking" in (link.get_attribute("href") or "")
                found = _violations(page)
                if width == 320 and page.evaluate("document.documentElement.scrollWidth > window.innerWidth + 1"):
                    found.append("horizontal scrolling at 320 px (WCAG 1.4.10 Reflow)")
                if found:
                    problems[f"{path} at {width}"] = found
        page.set_viewport_size(OFFICE)
        login(page, METRO_OPERATOR, next_path="/metro/operator")
        expect(page.locator("#op-register-form")).to_be_visible()
        if found := _violations(page):
            problems["/metro/operator"] = found
    finally:
        context.close()
    assert not problems, problems
