"""Shared browser steps for the end-to-end tests."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

from PIL import Image
from playwright.sync_api import Browser, Page, expect
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from tests.conftest import wait_hydrated, wait_until

DEMO_PASSWORD = "Demo@2026cds"
MAI = "0903123456"  # Lê Thị Mai, 60, landlady in phường Bàn Cờ
KHOA = "0912000001"  # student tenant
HA = "0912000002"  # student tenant
WARD_OFFICIAL = "0938000001"  # Phạm Văn Bình, UBND phường Bàn Cờ
POLICE_OFFICIAL = "0938000002"  # Võ Thị Lan, Công an phường Bàn Cờ
WARD_FINANCE = "0938000003"  # Trương Ngọc Hân, finance officer of UBND phường Bàn Cờ
ADMIN = "admin@congdanso.example"
VOLUNTEER = "0977000001"  # Đỗ Quang Huy
METRO_OPERATOR = "0938000011"  # Hồ Thanh Tùng, HURC1 metro operations
STREETLIGHT = "Đèn đường không sáng trước chợ Bàn Cờ"  # demo reports (citizen_app/feedback/demo_data.py)
GARBAGE = "Rác tồn đọng đầu hẻm 69 Nguyễn Đình Chiểu"
SIDEWALK = "Quán lấn chiếm vỉa hè đường Vườn Chuối"
BEN_THANH, THU_DUC = "L1-01", "L1-11"  # Metro Line 1 stations (data/metro)


# Functions, not expressions: Playwright polls an expression through eval(), which pages without
# 'unsafe-eval' in their Content-Security-Policy (the static ones) refuse.
SW_ACTIVATED = """() => navigator.serviceWorker.getRegistration('/').then(
  (r) => Boolean(r && r.active && r.active.state === 'activated'))"""
SW_CONTROLLED = "() => navigator.serviceWorker && navigator.serviceWorker.controller !== null"
SW_DIAGNOSIS = """navigator.serviceWorker.getRegistration('/').then((r) => JSON.stringify({
  controller: Boolean(navigator.serviceWorker.controller), active: r && r.active && r.active.state,
  waiting: Boolean(r && r.waiting), installing: Boolean(r && r.installing)}))"""


def wait_controlled(page: Page, timeout: int = 30000) -> None:
    """Wait until the service worker is activated and controls ``page``.

    clients.claim() skips a page whose navigation was still in flight when the worker activated (the
    page is not "execution ready" yet), so such a page is only controlled from its next load: reload it
    once, as the user's next visit would.
    """
    wait_until(page, SW_ACTIVATED, timeout=timeout)
    try:
        page.wait_for_function(SW_CONTROLLED, timeout=5000)
        return
    except PlaywrightTimeout:
        page.reload()
    try:
        page.wait_for_function(SW_CONTROLLED, timeout=timeout)
    except PlaywrightTimeout as error:
        diagnosis = page.evaluate(SW_DIAGNOSIS)
        raise AssertionError(f"the service worker does not control {page.url}: {diagnosis}") from error


def outbox_messages(page: Page, recipient: str) -> list[dict[str, str]]:
    """What the app "sent" to ``recipient`` by SMS/e-mail, newest first (the development outbox of ``prod_app``)."""
    response = page.request.get("/api/dev/outbox", params={"to": recipient})
    assert response.ok, response.status
    return response.json()["messages"]


def outbox_code(page: Page, recipient: str) -> str:
    """The 6-digit registration code in the newest message to ``recipient``, read as its owner would."""
    for message in outbox_messages(page, recipient):
        if message["purpose"] == "registration_code":
            return re.findall(r"\b\d{6}\b", message["body"])[0]
    raise AssertionError(f"no registration code was sent to {recipient}")


def jpeg_with_gps(path: Path, colour: tuple[int, int, int]) -> Path:
    """A phone photo: a JPEG whose EXIF names the camera and the place it was taken."""
    image = Image.new("RGB", (800, 600), colour)
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"
    gps = exif.get_ifd(0x8825)
    gps[1], gps[2], gps[3], gps[4] = "N", (10.0, 46.0, 31.0), "E", (106.0, 40.0, 59.0)
    image.save(path, "JPEG", exif=exif)
    return path


def context_page(browser: Browser, base_url: str, **options) -> Page:
    """A new phone (390 × 844, Vietnamese): its own cookies, as another person's browser."""
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="vi-VN", base_url=base_url,
                                  **options)
    return context.new_page()


def upload_photo(page: Page, box: str, path: Path, listing: str, count: int) -> None:
    """Choose ``path`` in the uploader ``box``, upload it and wait until ``listing`` holds ``count`` photos."""
    page.locator(f"#{box}-box input[type=file]").set_input_files(str(path))
    expect(page.locator(f"#{box}-selected")).to_contain_text(path.name)
    page.locator(f"#{box}-send").click()
    expect(page.locator(f"#{listing} li")).to_have_count(count)


def goto(page: Page, path: str) -> None:
    page.goto(path)
    wait_hydrated(page)


def login(page: Page, identifier: str, password: str = DEMO_PASSWORD, next_path: str = "/") -> None:
    """Log in through the real form; ends on ``next_path`` with the session cookie set."""
    goto(page, f"/login?next={next_path}")
    page.locator("#f-identifier").fill(identifier)
    page.locator("#f-password").fill(password)
    page.locator("#login-submit").click()
    page.wait_for_url(re.compile(r"^https?://[^/]+" + re.escape(next_path.rstrip("/")) + r"/?(\?.*)?$"))
    wait_hydrated(page)
    expect(page.locator("#account-link")).to_be_visible()


def logout(page: Page) -> None:
    page.context.clear_cookies()


def buy_single(page: Page, origin: str = BEN_THANH, destination: str = THU_DUC,
               before_buying: Callable[[Page], None] | None = None, amount: str | None = None) -> None:
    """Buy a single ticket as the logged-in rider does: the metro page (the ticket is bound to this browser's device
    key), the sandbox gateway's page (showing ``amount``, when given), paid; ends on the purchase's result page.
    ``before_buying`` runs once the stations are chosen."""
    goto(page, "/metro")
    page.select_option("#metro-origin", origin)
    page.select_option("#metro-destination", destination)
    if before_buying:
        before_buying(page)
    page.locator("#metro-buy-single").click()
    page.wait_for_url(re.compile(r"/pay/sandbox/checkout"))
    if amount:
        expect(page.get_by_text(amount)).to_be_visible()
    page.get_by_role("button", name=re.compile(r"^Thanh toán")).click()
    page.wait_for_url(re.compile(r"/metro/tickets/?\?.*pay_order="))
    expect(page.locator("#metro-pay-result")).to_contain_text("Thanh toán thành công")
