"""City information and digital safety in a real browser: the home search finds a metro fare and a dossier's
status, the link checker catches a look-alike shop, a citizen downloads their data, and a ward official's
announcement reaches a citizen of that ward."""

from __future__ import annotations

import json
import re
import secrets

import pytest
from playwright.sync_api import Browser, Page, expect
from sqlmodel import select

from tests.e2e.helpers import KHOA, MAI, WARD_OFFICIAL, goto, login


@pytest.fixture()
def prod_env(prod_app, monkeypatch: pytest.MonkeyPatch):
    """Point this process's service layer at the running app's database and instance folder."""
    from citizen_app.core import config
    from citizen_app.core import db as core_db

    monkeypatch.setenv("DATABASE_URL", prod_app["database_url"])
    monkeypatch.setenv("INSTANCE_DIR", prod_app["instance_dir"])
    config.settings.cache_clear()
    core_db.engine.cache_clear()
    yield prod_app
    core_db.engine().dispose()
    core_db.engine.cache_clear()
    config.settings.cache_clear()


def _submitted_dossier() -> tuple[str, str]:
    """A received dossier of Mrs. Mai with a known access code (written through the procedures helpers)."""
    from citizen_app.core.db import session_scope
    from citizen_app.core.timeutil import utcnow
    from citizen_app.identity.models import UserAccount
    from citizen_app.procedures import service as procedures
    from citizen_app.procedures.models import ProcDossier

    alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
    number = "HS-261126-" + "".join(secrets.choice(alphabet) for _ in range(8))
    code = "".join(secrets.choice(alphabet) for _ in range(8))
    with session_scope() as db:
        mai = db.exec(select(UserAccount).where(UserAccount.phone == MAI)).one()
        db.add(ProcDossier(number=number, access_code_hash=procedures._code_hash(number, code),
                           procedure_code="tam_tru", applicant_id=mai.id, subject_id=mai.id, subject_name=mai.full_name,
                           answers={}, current_page="", status=1, submitted_at=utcnow()))
    return number, code


def _home_search(page: Page, text: str) -> None:
    goto(page, "/")
    page.locator("#lookup-box-q").fill(text)
    page.locator("#lookup-box-submit").click()
    page.wait_for_url(re.compile(r"/lookup\?q="))


def test_home_search_finds_a_fare_and_a_dossier(page: Page, prod_env) -> None:
    _home_search(page, "gia ve Ben Thanh den Suoi Tien")
    hits = page.locator("#lookup-hits")
    expect(hits).to_contain_text("Ga Bến Thành → Ga Bến xe Suối Tiên")
    expect(hits).to_contain_text("₫")
    expect(page.locator("#fare-result")).to_contain_text("₫")  # the fare form below is filled in too
    number, code = _submitted_dossier()
    _home_search(page, number.lower())
    expect(page.locator("#lookup-hits")).to_contain_text(number)
    page.locator("#f-access_code").fill(code)
    page.locator("#dossier-submit").click()
    result = page.locator("#dossier-result")
    expect(result).to_contain_text(number)
    expect(result).not_to_contain_text("Lê Thị Mai")  # public lookup shows no personal data


def test_link_checker_catches_a_look_alike(page: Page, prod_app) -> None:
    goto(page, "/")
    page.locator("#home-safety-link").click()
    page.wait_for_url("**/safety")
    expect(page.locator("#lists")).to_contain_text("bản mẫu")  # sample lists say so
    page.locator("#f-link").fill("https://sh\u043epee.vn/flash-sale")  # Cyrillic 'о'
    page.locator("#check-submit").click()
    verdict = page.locator("#verdict")
    expect(verdict).to_have_attribute("data-verdict", "danger")
    expect(verdict).to_contain_text("Nguy hiểm")
    expect(page.locator("#advice")).to_contain_text("hãy tự gõ shopee.vn")
    expect(page.locator("#reasons")).to_contain_text("shopee.vn")
    expect(page.locator("#ascii-form")).to_contain_text("xn--")
    page.locator("#f-link").fill("https://shopee.vn/")
    page.locator("#check-submit").click()
    expect(page.locator("#verdict")).to_have_attribute("data-verdict", "verified")
    page.locator("#f-link").fill("http://dichvucong.gov.vn.login-secure.top/")
    page.locator("#check-submit").click()
    expect(page.locator("#verdict")).to_have_attribute("data-verdict", "danger")
    expect(page.locator("#reasons")).to_contain_text("luôn kết thúc bằng .gov.vn")
    page.locator("#f-link").fill("1900 545 414")
    page.locator("#check-submit").click()
    expect(page.locator("#advice")).to_contain_text("Vietcombank: 1900 545413")


def test_my_data_export_downloads_my_rows(browser: Browser, prod_app) -> None:
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="vi-VN", base_url=prod_app["url"])
    page = context.new_page()
    login(page, KHOA, next_path="/my-data")
    expect(page.locator("#my-data-tables")).to_contain_text("Tài khoản đăng nhập")
    with page.expect_download() as info:
        page.locator("#my-data-download").click()
    body = json.loads(open(info.value.path(), encoding="utf-8").read())  # noqa: SIM115
    assert body["tables"]["user_account"]["rows"][0]["full_name"] == "Nguyễn Minh Khoa"
    assert body["tables"]["login_session"]["rows"], "the current login session is listed"
    assert "password_hash" not in body["tables"]["user_account"]["rows"][0]
    assert "$argon2" not in json.dumps(body)  # no password hash value anywhere
    context.close()


def test_official_publishes_ward_announcement_citizen_sees_it(browser: Browser, prod_app) -> None:
    title = f"Phun thuốc diệt muỗi khu phố 3 — {secrets.token_hex(3)}"
    official = browser.new_context(viewport={"width": 390, "height": 844}, locale="vi-VN", base_url=prod_app["url"])
    page = official.new_page()
    login(page, WARD_OFFICIAL, next_path="/announcements/manage")
    page.locator("#f-title_vi").fill(title)
    page.locator("#f-body_vi").fill("Sáng thứ Bảy, đóng cửa sổ từ 8:00 đến 10:00.")
    page.locator("#announce-publish").click()
    expect(page.locator("#announce-notice")).to_be_visible()
    expect(page.locator("#announce-mine")).to_contain_text(title)
    official.close()
    citizen = browser.new_context(viewport={"width": 390, "height": 844}, locale="vi-VN", base_url=prod_app["url"])
    page = citizen.new_page()
    login(page, MAI, next_path="/announcements")
    page.locator("#f-ward").select_option("Bàn Cờ")
    page.locator("#ward-submit").click()
    first = page.locator("#announcements article").first
    expect(first).to_contain_text(title)
    expect(first).to_contain_text("Phường Bàn Cờ")
    citizen.close()
