"""Register (with the code sent to the phone), log in, switch language, log out — in Chromium against the prod-mode
app."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from tests.conftest import ARTIFACTS, wait_hydrated
from tests.e2e.helpers import outbox_code, outbox_messages

PASSWORD = "Nhatro2026benthanh"
HOME_URL = re.compile(r"^https?://[^/]+/?(\?.*)?$")


def _goto(page, path: str) -> None:
    page.goto(path)
    wait_hydrated(page)


def test_home_is_vietnamese_and_screenshot(page) -> None:
    _goto(page, "/")
    assert page.evaluate("document.documentElement.lang") == "vi"
    expect(page.locator("#home-heading")).to_have_text("Chào mừng đến với Công dân số TP.HCM")
    nav = page.get_by_role("navigation", name="Điều hướng chính").last
    for label in ("Trang chủ", "Thủ tục", "Phản ánh", "Vé metro", "Ví"):
        expect(nav.get_by_role("link", name=label)).to_be_visible()
    assert page.evaluate("document.querySelector('a[href*=\"reflex.dev\"]')") is None
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "home-390x844.png"))


def test_no_dead_links_in_navigation(page) -> None:
    _goto(page, "/")
    hrefs = page.eval_on_selector_all("nav a", "els => [...new Set(els.map(e => e.getAttribute('href')))]")
    for href in hrefs:
        response = page.request.get(href)
        assert response.status == 200, href


def test_register_login_language_logout(page) -> None:
    """Registration proves the phone with the code sent to it (read from the development outbox)."""
    _goto(page, "/register")
    page.get_by_label("Họ, chữ đệm và tên").fill("Nguyễn Thị Hoa")
    page.get_by_label("Số điện thoại hoặc email").fill("0987654321")
    page.get_by_label("Mật khẩu", exact=True).fill("123")
    page.get_by_label("Nhập lại mật khẩu").fill("123")
    page.locator("#f-consent").check()
    page.locator("#register-submit").click()
    expect(page.get_by_role("alert")).to_contain_text("Mật khẩu phải có ít nhất 10 ký tự")
    assert outbox_messages(page, "0987654321") == []  # nothing is sent for a form that breaks the rules

    page.get_by_label("Mật khẩu", exact=True).fill(PASSWORD)
    page.get_by_label("Nhập lại mật khẩu").fill(PASSWORD)
    page.locator("#register-submit").click()
    expect(page.locator("#register-sent")).to_contain_text("Chúng tôi đã gửi tin nhắn tới 0987654321")
    assert not any(c["name"] == "cds_sid" for c in page.context.cookies())  # no account yet
    page.screenshot(path=str(ARTIFACTS / "register-code-390x844.png"), full_page=True)
    page.get_by_label("Mã xác nhận (6 số)").fill("000000" if outbox_code(page, "0987654321") != "000000" else "111111")
    page.locator("#register-confirm").click()
    expect(page.get_by_role("alert")).to_contain_text("Mã không đúng")
    page.get_by_label("Mã xác nhận (6 số)").fill(outbox_code(page, "0987654321"))
    page.locator("#register-confirm").click()
    page.wait_for_url(HOME_URL)
    wait_hydrated(page)
    expect(page.locator("#home-heading")).to_have_text("Nguyễn Thị Hoa")
    cookie = next(c for c in page.context.cookies() if c["name"] == "cds_sid")
    assert cookie["httpOnly"] and cookie["sameSite"] == "Lax"

    page.locator("#lang-switch").click()
    expect(page.locator("#lang-switch")).to_have_text("Tiếng Việt")
    assert page.evaluate("document.documentElement.lang") == "en"
    page.reload()
    wait_hydrated(page)
    expect(page.get_by_text("Your open items")).to_be_visible()
    assert {c["name"]: c["value"] for c in page.context.cookies()}.get("cds_lang") == "en"
    large_text = page.get_by_role("button", name="Large text")
    large_text.click()
    expect(large_text).to_have_attribute("aria-pressed", "true")
    # A new tab is a new Reflex state: the server reads the remembered choices from the cookie.
    other = page.context.new_page()
    _goto(other, "/")
    expect(other.get_by_text("Your open items")).to_be_visible()
    expect(other.get_by_role("button", name="Large text")).to_have_attribute("aria-pressed", "true")
    assert other.evaluate("document.documentElement.classList.contains('cds-large')")
    other.close()
    large_text.click()
    expect(large_text).to_have_attribute("aria-pressed", "false")

    _goto(page, "/account")
    page.locator("#logout").click()
    page.wait_for_url(re.compile(r".*notice=logged_out"))
    wait_hydrated(page)
    expect(page.locator("#session-notice")).to_contain_text("You have logged out.")
    assert not any(c["name"] == "cds_sid" for c in page.context.cookies())

    _goto(page, "/login")
    page.get_by_label("Phone number or e-mail").fill("0987654321")
    page.get_by_label("Password").fill("wrong-password-9")
    page.locator("#login-submit").click()
    expect(page.get_by_role("alert")).to_contain_text("The phone/e-mail or the password is wrong.")
    page.get_by_label("Password").fill(PASSWORD)
    page.locator("#login-submit").click()
    page.wait_for_url(HOME_URL)
    wait_hydrated(page)
    expect(page.locator("#home-heading")).to_have_text("Nguyễn Thị Hoa")


def test_tampered_cookie_shows_notice(page, prod_app) -> None:
    page.context.add_cookies([{"name": "cds_sid", "value": "forged-token", "url": prod_app["url"]}])
    _goto(page, "/")
    expect(page.locator("#session-notice")).to_contain_text("Phiên đăng nhập không hợp lệ")
    expect(page.locator("#home-login")).to_be_visible()


def _sent_answer(page, identifier: str) -> str:
    _goto(page, "/register")
    page.get_by_label("Họ, chữ đệm và tên").fill("Người Thử Số")
    page.get_by_label("Số điện thoại hoặc email").fill(identifier)
    page.get_by_label("Mật khẩu", exact=True).fill(PASSWORD)
    page.get_by_label("Nhập lại mật khẩu").fill(PASSWORD)
    page.locator("#f-consent").check()
    page.locator("#register-submit").click()
    expect(page.locator("#register-sent")).to_be_visible()
    return (page.locator("#register-sent").text_content() or "").replace(identifier, "…")


def test_existing_number_gets_the_same_answer_and_its_owner_is_told(page) -> None:
    """Registration does not tell anyone which numbers have accounts: Mai (0903123456) has one."""
    assert _sent_answer(page, "0903123456") == _sent_answer(page, "0987000111")
    (told,) = [m for m in outbox_messages(page, "0903123456") if m["purpose"] == "registration_exists"]
    assert "/login" in told["body"]
    assert not [m for m in outbox_messages(page, "0903123456") if m["purpose"] == "registration_code"]
