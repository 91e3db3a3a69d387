"""The landlady story in a real browser: Mrs. Mai registers two student tenants, signs, pays the online
fee through the sandbox gateway and submits; the ward police official asks for a supplement; Mai answers
it in place; the official approves; Mai downloads the agency-signed result, which validates."""

from __future__ import annotations

import os
import re
from concurrent.futures import ThreadPoolExecutor
from datetime import date
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect
from sqlmodel import select

from tests.conftest import ARTIFACTS
from tests.e2e.helpers import MAI, POLICE_OFFICIAL, goto, login

PDF = b"%PDF-1.4\n% hop dong thue nha\n" + b"0" * 400


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


def _ensure_verified(login_id: str) -> None:
    """Mai signs with her free signature, which needs a verified (level 2) identity."""
    from citizen_app.core.db import session_scope
    from citizen_app.identity.desk import verify_profile
    from citizen_app.identity.models import UserAccount
    from citizen_app.identity.profile import ProfileInput, get_profile, save_profile

    with session_scope() as db:
        mai = db.exec(select(UserAccount).where(UserAccount.phone == login_id)).one()
        official = db.exec(select(UserAccount).where(UserAccount.phone == POLICE_OFFICIAL)).one()
        profile = get_profile(db, mai.id)
        if profile is not None and profile.level >= 2:
            return
        if profile is None or not (profile.id_number and profile.birth_date and profile.sex):
            profile = save_profile(db, mai.id, ProfileInput(full_name=mai.full_name, birth_date=date(1966, 3, 12),
                                                            sex="F", id_number="079166001234", ward="Bàn Cờ"))
        verify_profile(db, official.id, mai.id, profile.id_number or "")


def _context_page(browser: Browser, base_url: str) -> Page:
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="vi-VN", base_url=base_url)
    return context.new_page()


def _continue(page: Page, step: str) -> None:
    page.locator("#step-continue").click()
    page.wait_for_url(re.compile(rf"/procedures/draft/\d+/{step}$"))
    expect(page.locator("#step-title")).to_be_visible()


def _add_tenant(page: Page, name: str, born: str, sex: str, pid: str) -> None:
    page.locator("#f-full_name").fill(name)
    page.locator("#f-date_of_birth").fill(born)
    page.locator(f"input[name=sex][value={sex}]").check()
    page.locator("#f-personal_id").fill(pid)
    page.locator("#f-stay_months").fill("12")
    page.locator("#group-add").click()
    expect(page.locator("#group-items")).to_contain_text(name)


def _upload(page: Page, root: str, path: str) -> None:
    page.locator(f"#{root}-box input[type=file]").set_input_files(path)
    expect(page.locator(f"#{root}-box")).to_contain_text(path.rsplit("/", 1)[1])
    page.locator(f"#{root}-send").click()


def _fill_form(page: Page, tmp_path) -> None:
    goto(page, "/procedures")
    page.locator("#proc-q").fill("dang ky tam tru theo danh sach")  # no accents: still found
    page.locator("#proc-search").click()
    page.locator("#proc-results").get_by_role("link", name=re.compile("Đăng ký tạm trú theo danh sách")).click()
    expect(page.locator("#proc-title")).to_have_text("Đăng ký tạm trú theo danh sách")
    page.locator("#proc-start").click()
    page.wait_for_url(re.compile(r"/procedures/draft/\d+/receiver$"))
    expect(page.locator("#step-progress")).to_have_text("Bước 1/8")
    page.locator("#f-receiver_agency").select_option("ca-ban-co")
    _continue(page, "owner")
    expect(page.locator("#step-progress")).to_have_text("Bước 2/8")
    expect(page.locator("#f-full_name")).to_have_value("Lê Thị Mai")  # prefilled from the verified profile
    expect(page.locator("#f-personal_id")).to_have_value("079166001234")
    page.locator("#f-owner_role").select_option("owner")
    _continue(page, "place")
    page.locator("#f-residence_address").fill("12 Nguyễn Đình Chiểu, khu phố 3")
    page.locator("#f-stay_from").fill("01/12/2026")
    _continue(page, "tenants")
    _add_tenant(page, "Nguyễn Minh Khoa", "05/09/2005", "nam", "079205001111")
    _add_tenant(page, "Trần Thu Hà", "17/01/2006", "nu", "079306002222")
    _continue(page, "declaration")
    page.locator("#f-owner_consents").check()
    _continue(page, "attachments")
    proof = tmp_path / "so-hong.pdf"
    proof.write_bytes(PDF)
    _upload(page, "proc-upload", str(proof))
    expect(page.locator("#upload-list")).to_contain_text("so-hong.pdf")
    _continue(page, "check")
    answers = page.locator("#check-answers")
    expect(answers).to_contain_text("Trần Thu Hà")
    answers.get_by_role("link", name="Sửa").first.click()  # change an answer, then straight back here
    page.wait_for_url(re.compile(r"/procedures/draft/\d+/receiver\?from=check$"))
    expect(page.locator("#f-receiver_agency")).to_have_value("ca-ban-co")
    _continue(page, "check")
    expect(page.locator("#fee-quote")).to_contain_text("10.000")  # 5,000 per person online
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "procedures-check-390.png"), full_page=True)


def _sign_submit_pay(page: Page) -> tuple[str, str, str]:
    page.locator("#step-continue").click()
    page.wait_for_url(re.compile(r"/procedures/draft/\d+/sign$"))
    page.locator("#sign-start").click()
    expect(page.locator("#sign-code")).to_have_text(re.compile(r"^[A-Z2-7]{4}-[A-Z2-7]{4}$"))
    page.locator("#f-password").fill("Demo@2026cds")
    page.locator("#sign-approve").click()
    expect(page.locator("#signed-ok")).to_be_visible(timeout=30000)  # PAdES signing with a time stamp
    page.locator("#dossier-submit").click()
    page.wait_for_url(re.compile(r"/procedures/done/\d+$"))
    number = page.locator("#receipt-number").inner_text()
    code = page.locator("#receipt-code").inner_text()
    dossier_id = page.url.rsplit("/", 1)[1]
    assert re.fullmatch(r"HS-\d{6}-[A-Z2-9]{8}", number) and len(code) == 8
    page.reload()  # the receipt and its access code are not lost on reload
    expect(page.locator("#receipt-code")).to_have_text(code)
    expect(page.locator("#receipt-verify-code")).to_have_text(re.compile(r"^[A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{4}$"))
    page.locator("#pay-online").click()
    page.wait_for_url(re.compile(r"/pay/sandbox/checkout"))
    page.locator("button[name=decision][value=approve]").click()
    page.wait_for_url(re.compile(rf"/procedures/dossiers/{dossier_id}\?pay_order="))
    expect(page.locator("#dossier-status")).to_have_text("Mới đăng ký")
    return dossier_id, number, code


def _public_lookup(browser: Browser, base_url: str, number: str, code: str) -> None:
    page = _context_page(browser, base_url)
    goto(page, "/procedures/lookup")
    page.locator("#f-number").fill(number)
    page.locator("#f-access_code").fill("WRONG123")
    page.locator("#lookup-submit").click()
    expect(page.get_by_role("alert")).to_contain_text("không đúng")
    page.locator("#f-access_code").fill(code)
    page.locator("#lookup-submit").click()
    expect(page.locator("#lookup-result")).to_contain_text("Mới đăng ký")
    expect(page.locator("#lookup-result")).not_to_contain_text("Lê Thị Mai")  # no personal data
    page.context.close()


def _official_requests_supplement(official: Page, number: str) -> None:
    login(official, POLICE_OFFICIAL, next_path="/procedures/backoffice")
    official.locator("#filter-q").fill(number)  # the demo queue has more than a page of dossiers
    official.locator("#filter-apply").click()
    official.locator("#office-queue").get_by_role("link", name=number).click()
    expect(official.locator("#office-status")).to_have_text("Mới đăng ký")
    official.locator("#office-accept").click()
    expect(official.locator("#office-status")).to_have_text("Được tiếp nhận")
    official.locator("#office-start").click()
    expect(official.locator("#office-status")).to_have_text("Đang xử lý")
    official.locator("#item-1").fill("Bổ sung hợp đồng thuê nhà có chữ ký hai bên")
    official.locator("#slot-1").select_option("lawful_residence_proof")
    official.locator("#supplement-submit").click()
    expect(official.locator("#confirm-note")).to_contain_text("Bổ sung hợp đồng thuê nhà có chữ ký hai bên")
    official.locator("#confirm-yes").click()
    expect(official.locator("#office-status")).to_have_text("Yêu cầu bổ sung giấy tờ")


def test_landlady_story(page: Page, browser: Browser, prod_env, tmp_path) -> None:
    _ensure_verified(MAI)
    login(page, MAI, next_path="/procedures")
    _fill_form(page, tmp_path)
    dossier_id, number, code = _sign_submit_pay(page)
    _public_lookup(browser, prod_env["url"], number, code)

    official = _context_page(browser, prod_env["url"])
    _official_requests_supplement(official, number)

    goto(page, f"/procedures/dossiers/{dossier_id}")
    expect(page.locator("#dossier-status")).to_have_text("Yêu cầu bổ sung giấy tờ")
    expect(page.locator("#supplement-items")).to_contain_text("hợp đồng thuê nhà")
    contract = tmp_path / "hop-dong.pdf"
    contract.write_bytes(PDF + b"hop dong")
    _upload(page, "sup-upload", str(contract))
    expect(page.locator("#proc-notice")).to_contain_text("Đã tải tệp lên")
    page.locator("#supplement-send").click()
    expect(page.locator("#dossier-status")).to_have_text("Đang xử lý")

    official.reload()
    expect(official.locator("#office-status")).to_have_text("Đang xử lý")
    official.locator("#approve-form-note").fill("Hồ sơ đủ điều kiện, đã đối chiếu hợp đồng thuê nhà.")
    official.locator("#office-approve").click()
    official.locator("#confirm-yes").click()
    expect(official.locator("#office-status")).to_have_text("Đã trả kết quả", timeout=30000)
    official.context.close()

    goto(page, f"/procedures/dossiers/{dossier_id}")
    expect(page.locator("#dossier-status")).to_have_text("Đã trả kết quả")
    href = page.locator("#download-result").get_attribute("href")
    response = page.request.get(href)
    assert response.status == 200 and response.headers["content-type"] == "application/pdf"
    _check_signed(response.body(), prod_env["instance_dir"], tmp_path)
    page.locator("input[name=stars][value='5']").check()
    page.locator("#rate-send").click()
    expect(page.locator("#proc-notice")).to_contain_text("Cảm ơn")
    page.screenshot(path=str(ARTIFACTS / "procedures-dossier-390.png"), full_page=True)
    goto(page, "/wallet")  # the signed result also landed in the wallet, with its PDF
    expect(page.locator(f"#credential-list a[id^='result-pdf-'][href='{href}']")).to_be_visible()
    _check_with_pdfsig(page, response.body(), tmp_path)
    _verify_on_trust_pages(page, response.body(), tmp_path)


def _check_signed(pdf: bytes, instance_dir: str, tmp_path: Path) -> None:
    """pyHanko's validator (in a worker thread: its sync API runs its own event loop) and poppler's pdfsig."""
    from citizen_app.signing.pades import validate_signed_pdf

    assert os.environ["INSTANCE_DIR"] == instance_dir  # validates against the app's own CA
    with ThreadPoolExecutor(max_workers=1) as pool:
        checks = pool.submit(validate_signed_pdf, pdf).result()
    assert len(checks) == 1
    check = checks[0]
    assert check.intact and check.valid and check.trusted and check.covers_whole_file
    assert check.signer_name == "Công an phường Bàn Cờ"  # the agency's name, not its code


def _check_with_pdfsig(page: Page, pdf: bytes, tmp_path: Path) -> None:
    """A stranger's check: only the CA certificates and the CRL the app serves on /trust."""
    from tests.unit.signing.nss import nss_store, pdfsig

    served = {path: page.request.get(path).body() for path in
              ("/trust/ca/root.pem", "/trust/ca/issuing.pem", "/trust/crl/issuing.crl")}
    nss = nss_store(tmp_path / "stranger", served["/trust/ca/root.pem"], served["/trust/ca/issuing.pem"],
                    served["/trust/crl/issuing.crl"])
    out = pdfsig(pdf, nss, "ket-qua.pdf")
    assert "Signature is Valid" in out, out
    assert "Certificate is Trusted" in out, out
    assert "Total document signed" in out, out


def _verify_on_trust_pages(page: Page, pdf: bytes, tmp_path: Path) -> None:
    """/trust offers the CA; /trust/verify says the uploaded result is valid and leads to its code's page, which
    shows no personal data."""
    goto(page, "/trust")
    expect(page.locator("#ca-root")).to_contain_text(re.compile(r"([0-9A-F]{2}:){31}[0-9A-F]{2}"))
    goto(page, "/trust/verify")
    target = tmp_path / "tai-len.pdf"
    target.write_bytes(pdf)
    page.locator("#trust-pdf input[type=file]").set_input_files(str(target))
    expect(page.locator("#verify-selected")).to_contain_text("tai-len.pdf")
    page.locator("#verify-submit").click()
    expect(page.locator("#verify-verdict")).to_contain_text("Hợp lệ", timeout=30000)
    page.locator("#verify-registered-code").click()
    page.wait_for_url(re.compile(r"/trust/d/[A-Z2-9-]+$"))
    expect(page.locator("#doc-headline")).to_contain_text("Giấy tờ thật")
    expect(page.locator("#doc-personal-hidden")).to_be_visible()
    expect(page.locator("main")).not_to_contain_text("Lê Thị Mai")


def test_catalog_search_ignores_accents(page: Page) -> None:
    goto(page, "/procedures")
    page.locator("#proc-q").fill("khai sinh")
    page.locator("#proc-search").click()
    expect(page.locator("#proc-results")).to_contain_text("Đăng ký khai sinh")
    page.locator("#proc-q").fill("xyz không có")
    page.locator("#proc-search").click()
    expect(page.locator("#proc-no-results")).to_be_visible()
