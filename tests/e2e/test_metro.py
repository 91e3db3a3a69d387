"""Metro Line 1 in Chromium against the prod-mode app: buy through the sandbox, ride offline, gate decisions."""

from __future__ import annotations

import re
import time

import zxingcpp
from PIL import Image
from playwright.sync_api import BrowserContext, Page, expect

from citizen_app.metro.qr import parse_scan
from tests.conftest import ARTIFACTS, wait_hydrated
from tests.e2e.helpers import BEN_THANH, KHOA, THU_DUC, WARD_OFFICIAL, buy_single, goto, login, wait_controlled

SIZE = {"width": 390, "height": 844}


def _context(browser, prod_app) -> BrowserContext:
    return browser.new_context(viewport=SIZE, locale="vi-VN", base_url=prod_app["url"])


def _qr_text(page: Page) -> str:
    qr = page.locator("#metro-qr")
    expect(qr).to_have_attribute("data-qr", re.compile(r"^MT1:"))
    return qr.get_attribute("data-qr") or ""


def _decode_canvas(page: Page) -> str:
    path = ARTIFACTS / "metro-ticket-qr.png"
    ARTIFACTS.mkdir(exist_ok=True)
    page.locator("#metro-qr").screenshot(path=str(path))
    results = zxingcpp.read_barcodes(Image.open(path))
    assert results, "zxing-cpp found no QR code on the ticket screen"
    return results[0].text


def _check_prices(page: Page) -> None:
    expect(page.locator("#metro-price-cashless")).to_have_text("13.000 ₫")
    expect(page.locator("#metro-price-cash")).to_have_text("14.000 ₫")
    expect(page.locator("#metro-estimate")).to_contain_text("Giá ước tính")
    page.screenshot(path=str(ARTIFACTS / "metro-buy-390x844.png"), full_page=True)


def _buy_single(page: Page) -> None:
    buy_single(page, BEN_THANH, THU_DUC, before_buying=_check_prices, amount="13.000 ₫")


def _present(gate: Page, station: str, direction: str, text: str, expected: str, reason: str, n: int) -> None:
    gate.select_option("#gate-station", station)
    gate.select_option("#gate-direction", direction)
    gate.locator("#gate-qr").fill(text)
    gate.locator("#gate-submit").click()
    box = gate.locator("#gate-result-box")
    expect(box).to_contain_text(f"Lượt quét {n}")
    expect(box).to_contain_text(expected)
    expect(box).to_contain_text(reason)


def test_buy_ride_offline_and_gate(browser, prod_app) -> None:
    rider_ctx, staff_ctx = _context(browser, prod_app), _context(browser, prod_app)
    try:
        rider = rider_ctx.new_page()
        login(rider, KHOA, next_path="/metro")
        wait_controlled(rider)
        wait_hydrated(rider)
        _buy_single(rider)

        rider.locator("#metro-result-open").click()  # full page load: the service worker caches the shell
        rider.wait_for_url(re.compile(r"/metro/ticket/?\?id="))
        expect(rider.locator("#metro-ticket-route")).to_have_text("Ga Bến Thành → Ga Thủ Đức")
        online_text = _qr_text(rider)
        assert len(online_text) == 4 + 288 and parse_scan(online_text) is not None

        rider_ctx.set_offline(True)
        rider.reload()
        expect(rider.locator("#metro-ticket-product")).to_have_text("Vé lượt")
        expect(rider.locator("#metro-ticket-validity")).to_contain_text("Chỉ dùng trong ngày mua")
        expect(rider.get_by_text("Đang ngoại tuyến")).to_be_visible()
        shown = _qr_text(rider)
        decoded = _decode_canvas(rider)
        assert decoded[:190] == shown[:190]  # same signed ticket (the proof part may have rotated)
        rider.screenshot(path=str(ARTIFACTS / "metro-ticket-offline-390x844.png"))

        gate = staff_ctx.new_page()
        login(gate, WARD_OFFICIAL, next_path="/metro/gate")
        _present(gate, BEN_THANH, "in", decoded, "MỜI QUA", "Mời qua cổng", 1)
        _present(gate, BEN_THANH, "in", _qr_text(rider), "DỪNG LẠI", "chống quay vòng", 2)
        _present(gate, THU_DUC, "out", _qr_text(rider), "MỜI QUA", "Please go through", 3)
        gate.screenshot(path=str(ARTIFACTS / "metro-gate-390x844.png"))

        # A code made with a clock 2 minutes behind (what a screenshot is after 2 minutes) is refused.
        rider.clock.install(time=time.time() - 120)
        rider.reload()
        stale = _qr_text(rider)
        scan = parse_scan(stale)
        assert scan is not None and scan.proof_time < time.time() - 60
        _present(gate, BEN_THANH, "in", stale, "DỪNG LẠI", "Mã vé đã cũ", 4)

        rider_ctx.set_offline(False)
        goto(rider, "/metro/tickets")
        journeys = rider.locator("#metro-journeys")
        expect(journeys).to_contain_text("Hoàn tất")
        expect(journeys).to_contain_text("Ga Thủ Đức")
        rider.locator("#metro-purchases a", has_text="Biên lai").first.click()
        rider.wait_for_url(re.compile(r"/metro/receipt/?\?id="))
        # One receipt number per payment: the metro receipt's is the payment receipt's (the order code).
        expect(rider.locator("#receipt-no")).to_have_text(re.compile(r"^CDS[0-9A-Z]+$"))
        number = rider.locator("#receipt-no").inner_text()
        expect(rider.locator("#metro-receipt-pdf")).to_have_attribute("href", f"/api/pay/receipt/{number}.pdf")
        expect(rider.locator("#receipt-amount")).to_have_text("13.000 ₫")
    finally:
        rider_ctx.close()
        staff_ctx.close()


def test_gate_page_needs_staff_or_an_enrolled_device(browser, prod_app) -> None:
    ctx = _context(browser, prod_app)
    try:
        page = ctx.new_page()
        login(page, KHOA, next_path="/metro/gate")
        expect(page.locator("#gd-enrol")).to_be_visible()  # a rider's browser is no gate until enrolled
        expect(page.locator("#gate-qr")).to_have_count(0)
        page.locator("#gd-enrol-code").fill("not-an-enrolment-code")
        page.locator("#gd-enrol-submit").click()
        expect(page.get_by_role("alert")).to_contain_text("Mã ghép không đúng")
        expect(page.locator("#gate-qr")).to_have_count(0)
        expect(page.locator("#gd-qr")).to_have_count(0)
    finally:
        ctx.close()
