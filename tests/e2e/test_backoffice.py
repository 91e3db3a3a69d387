"""Issue 19 in a real browser. An official of Công an phường Bàn Cờ works the demo queue of ten dossiers at
1366×768: by due date, filtered and searched, with fee and signature status; she asks for a supplement with a
note and approves another after a confirmation; the wide layout holds at 1920×1080. A volunteer helps Mai
(390×844) under a consent screen in plain words and hands the dossier to her for signing; Mai's activity log
shows the consent, the volunteer's actions and the official's view, by name; after she revokes, the volunteer
is told so (no "Bước 0/0")."""

from __future__ import annotations

import re

from playwright.sync_api import Browser, Page, expect

from tests.conftest import ARTIFACTS, wait_hydrated
from tests.e2e.helpers import MAI, POLICE_OFFICIAL, VOLUNTEER, goto, login

PDF = b"%PDF-1.4\n% so ho khau cu\n" + b"0" * 400
HOA = "0905100002"  # Phan Thị Hoa, a demo resident whose temporary-residence dossier is overdue at the ward police


def _page(browser: Browser, base_url: str, width: int, height: int) -> Page:
    context = browser.new_context(viewport={"width": width, "height": height}, locale="vi-VN", base_url=base_url)
    return context.new_page()


ONE_ROW_MATCHING = """(q) => {
  const rows = document.querySelectorAll('#office-queue tbody tr');
  const fold = (t) => t.normalize('NFD').replace(/[\\u0300-\\u036f]/g, '').replace(/[đĐ]/g, 'd').toLowerCase();
  return rows.length === 1 && fold(rows[0].innerText).includes(fold(q));
}"""


def _search(page: Page, text: str) -> None:
    """Search and wait for the one row of *this* search (the queue may still show one row of the last search)."""
    page.locator("#filter-q").fill(text)
    page.locator("#filter-apply").click()
    page.wait_for_function(ONE_ROW_MATCHING, arg=text)


def _open(page: Page, text: str) -> str:
    """Find one dossier in the queue by name or number and open it; its number."""
    goto(page, "/procedures/backoffice")
    _search(page, text)
    link = page.locator("#office-queue .queue-link")
    number = link.inner_text()
    link.click()
    expect(page.locator("#office-heading")).to_contain_text(number)
    return number


def _decide(page: Page, form: str, note: str) -> None:
    """Write the note, press the decision, read what will happen, confirm."""
    page.locator(f"#{form}-note").fill(note)
    page.locator(f"#{form} button[type=submit]").click()
    expect(page.locator("#confirm-panel")).to_be_visible()
    expect(page.locator("#confirm-note")).to_contain_text(note)
    page.locator("#confirm-yes").click()


def _queue_at_1366(page: Page) -> None:
    login(page, POLICE_OFFICIAL, next_path="/")
    page.locator("nav.cds-side-nav").get_by_role("link", name="Xử lý hồ sơ").click()  # the office is in the nav
    page.wait_for_url(re.compile(r"/procedures/backoffice$"))
    wait_hydrated(page)
    expect(page.locator("#office-agency")).to_have_text("Công an phường Bàn Cờ")
    rows = page.locator("#office-queue tbody tr")
    expect(rows).to_have_count(8)  # a page of eight: the demo queue has ten
    expect(rows.first).to_have_class(re.compile("cds-row-late"))  # overdue first
    expect(rows.first.locator("td[data-label='Thời gian còn lại']")).to_contain_text(re.compile("Quá hạn|trễ hẹn"))
    expect(page.locator("#page-info")).to_contain_text("Trang 1/2")
    assert page.locator("#office-queue").bounding_box()["width"] > 1000  # the table uses the wide screen
    page.screenshot(path=str(ARTIFACTS / "backoffice-queue-1366.png"), full_page=True)
    page.locator("#page-next").click()
    expect(page.locator("#page-info")).to_contain_text("Trang 2/2")
    expect(page.locator("#count-overdue strong")).not_to_have_text("0")
    page.locator("#filter-status").select_option("2")  # accepted
    page.locator("#filter-apply").click()
    expect(page.locator("#page-info")).to_have_count(0)
    for status in page.locator("#office-queue td[data-label='Trạng thái']").all_inner_texts():
        assert status == "Được tiếp nhận"
    page.locator("#filter-clear").click()
    expect(page.locator("#page-info")).to_contain_text("Trang 1/2")  # cleared: the form is drawn anew, then search
    _search(page, "nguyen van tam")  # accents ignored
    expect(page.locator("#office-queue")).to_contain_text("Nguyễn Văn Tâm")


def _supplement_with_note(page: Page) -> str:
    number = _open(page, "phan thi hoa")
    expect(page.locator("#office-signature")).to_contain_text("Chữ ký số hợp lệ — người ký: Phan Thị Hoa")
    expect(page.locator("#office-fee")).to_contain_text("Đã nộp 7.000 ₫")
    expect(page.locator("#office-files li")).to_have_count(2)
    expect(page.locator("#office-files a", has_text="Xem").first).to_have_attribute(
        "href", re.compile(r"^/api/procedures/attachments/\d+$"))
    expect(page.locator("#office-history")).to_contain_text("Võ Thị Lan (Công an phường Bàn Cờ)")
    page.locator("#item-1").fill("Hợp đồng thuê nhà có chữ ký của chủ nhà")
    page.locator("#supplement-submit").click()
    expect(page.locator("#confirm-consequence")).to_contain_text("Thời hạn giải quyết tạm dừng")
    expect(page.locator("#office-status")).to_have_text("Được tiếp nhận")  # nothing happened before confirming
    page.locator("#confirm-yes").click()
    expect(page.locator("#office-status")).to_have_text("Yêu cầu bổ sung giấy tờ")
    page.screenshot(path=str(ARTIFACTS / "backoffice-dossier-1366.png"), full_page=True)
    return number


def _approve_after_confirmation(page: Page) -> None:
    _open(page, "tran quoc bao")
    page.locator("#office-approve").click()  # no note: the browser asks for it, nothing is sent
    expect(page.locator("#confirm-panel")).to_have_count(0)
    _decide(page, "approve-form", "Đã đối chiếu cơ sở dữ liệu cư trú, đủ điều kiện đăng ký tạm trú.")
    expect(page.locator("#office-status")).to_have_text("Đã trả kết quả", timeout=30000)
    expect(page.locator("#office-history")).to_contain_text("Đã đối chiếu cơ sở dữ liệu cư trú")


def _second_approval_and_assignment(page: Page) -> None:
    _open(page, "ho minh tri")  # permanent residence: Trần Minh Đức proposed, Lan approves second
    expect(page.locator("#proposal-box")).to_contain_text("Trần Minh Đức")
    _decide(page, "approve-form", "Đồng ý với đề xuất.")
    expect(page.locator("#office-status")).to_have_text("Đã trả kết quả", timeout=30000)
    _open(page, "chau van loc")
    page.locator("#assign-to").select_option(label="Trần Minh Đức")
    page.locator("#assign-submit").click()
    expect(page.locator("#office-history")).to_contain_text("Giao cho Trần Minh Đức xử lý")


def test_an_official_works_the_queue(browser: Browser, prod_app) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page = _page(browser, prod_app["url"], 1366, 768)
    try:
        _queue_at_1366(page)
        number = _supplement_with_note(page)
        _approve_after_confirmation(page)
        _second_approval_and_assignment(page)
    finally:
        page.context.close()
    wide = _page(browser, prod_app["url"], 1920, 1080)
    try:
        login(wide, POLICE_OFFICIAL, next_path="/procedures/backoffice")
        _open(wide, number)
        main, side = wide.locator(".cds-col-main").bounding_box(), wide.locator(".cds-col-side").bounding_box()
        assert side["x"] > main["x"] + main["width"] - 1 and main["width"] > 800  # two columns side by side
        wide.screenshot(path=str(ARTIFACTS / "backoffice-dossier-1920.png"), full_page=True)
    finally:
        wide.context.close()
    hoa = _page(browser, prod_app["url"], 390, 844)
    try:
        login(hoa, HOA, next_path="/wallet/activity")
        expect(hoa.locator("#activity-list")).to_contain_text(
            f"Cán bộ Võ Thị Lan (Công an phường Bàn Cờ) đã xem hồ sơ {number} — Đăng ký tạm trú.")
        goto(hoa, "/notifications")
        expect(hoa.locator("#notify-list")).to_contain_text(
            f"Hồ sơ {number} cần bổ sung: Hợp đồng thuê nhà có chữ ký của chủ nhà.")
    finally:
        hoa.context.close()


# --- a volunteer helps Mai --------------------------------------------------------------------------------


def _continue(page: Page, step: str) -> None:
    page.locator("#step-continue").click()
    page.wait_for_url(re.compile(rf"/procedures/draft/\d+/{step}$"))
    expect(page.locator("#step-title")).to_be_visible()


def _mai_agrees(huy: Page, mai: Page) -> None:
    login(huy, VOLUNTEER, next_path="/procedures/volunteer")
    huy.locator("input[name=proc_tam_tru]").check()
    huy.locator("input[name=scope][value=submit]").check()
    huy.locator("#code-create").click()
    code = huy.locator("#volunteer-code").inner_text()
    login(mai, MAI, next_path="/procedures/helper")
    mai.locator("#consent-code").fill(code)
    mai.locator("#code-read").click()
    screen = mai.locator("#consent-screen")
    expect(mai.locator("#consent-who")).to_contain_text("Đỗ Quang Huy — tình nguyện viên tổ công nghệ số cộng đồng")
    expect(mai.locator("#consent-for")).to_have_text("Đăng ký tạm trú")
    expect(mai.locator("#consent-may")).to_have_text(
        "điền tờ khai và nộp hồ sơ bạn đã ký (không được ký hay thanh toán)")
    expect(mai.locator("#consent-until")).to_contain_text("(24 giờ)")
    for data in ("Số định danh cá nhân", "Ngày sinh", "Số điện thoại"):
        expect(mai.locator("#consent-sees")).to_contain_text(data)
    expect(screen).not_to_contain_text("submit")
    mai.screenshot(path=str(ARTIFACTS / "consent-screen-390.png"), full_page=True)
    mai.locator("#code-confirm").click()
    expect(mai.locator("#consents-given")).to_contain_text("Đỗ Quang Huy")


def _huy_prepares(huy: Page, tmp_path) -> str:
    goto(huy, "/procedures/volunteer")
    person = huy.locator("#helping > li").filter(has_text="Lê Thị Mai")
    expect(person).to_contain_text("Đăng ký tạm trú: điền tờ khai và nộp hồ sơ bạn đã ký")
    person.get_by_role("button", name="Bắt đầu hồ sơ").click()
    huy.wait_for_url(re.compile(r"/procedures/draft/\d+/receiver$"))
    draft = huy.url.split("/draft/")[1].split("/")[0]
    wait_hydrated(huy)
    huy.locator("#f-receiver_agency").select_option("ca-ban-co")
    _continue(huy, "declarant")
    expect(huy.locator("#f-personal_id")).to_have_value("079166001234")  # her data, as the consent said
    _continue(huy, "household")
    huy.locator("#f-is_household_head").check()
    _continue(huy, "request")
    huy.locator("#f-residence_address").fill("12 Cao Thắng, phường Bàn Cờ")
    huy.locator("#f-stay_from").fill("01/12/2026")
    huy.locator("#f-stay_months").fill("12")
    _continue(huy, "members")
    _continue(huy, "attachments")
    proof = tmp_path / "so-hong.pdf"
    proof.write_bytes(PDF)
    huy.locator("#proc-upload-box input[type=file]").set_input_files(str(proof))
    huy.locator("#proc-upload-send").click()
    expect(huy.locator("#upload-list")).to_contain_text("so-hong.pdf")
    _continue(huy, "check")
    _continue(huy, "sign")
    expect(huy.locator("#handed-to")).to_contain_text("Lê Thị Mai")
    goto(huy, "/procedures/volunteer")  # "Bắt đầu hồ sơ" again: the same draft, not a new one
    huy.locator("#helping > li").filter(has_text="Lê Thị Mai").get_by_role("button", name="Bắt đầu hồ sơ").click()
    huy.wait_for_url(re.compile(rf"/procedures/draft/{draft}/"))
    return draft


def _mai_signs_from_the_notification(mai: Page, draft: str) -> str:
    goto(mai, "/notifications")
    item = mai.locator("#notify-list li").filter(has_text="Đỗ Quang Huy đã chuẩn bị xong hồ sơ").first
    item.get_by_role("button", name="Mở").click()
    mai.wait_for_url(re.compile(rf"/procedures/draft/{draft}/sign$"))
    wait_hydrated(mai)
    mai.locator("#sign-start").click()
    mai.locator("#f-password").fill("Demo@2026cds")
    mai.locator("#sign-approve").click()
    expect(mai.locator("#signed-ok")).to_be_visible(timeout=30000)
    mai.locator("#dossier-submit").click()
    mai.wait_for_url(re.compile(rf"/procedures/done/{draft}$"))
    return mai.locator("#receipt-number").inner_text()


def test_a_volunteer_helps_mai_under_a_consent_she_understands(browser: Browser, prod_app, tmp_path) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    huy, mai = _page(browser, prod_app["url"], 390, 844), _page(browser, prod_app["url"], 390, 844)
    lan = _page(browser, prod_app["url"], 1366, 768)
    try:
        _mai_agrees(huy, mai)
        draft = _huy_prepares(huy, tmp_path)
        number = _mai_signs_from_the_notification(mai, draft)
        login(lan, POLICE_OFFICIAL, next_path="/procedures/backoffice")
        _open(lan, number)
        goto(mai, "/wallet/activity")
        log = mai.locator("#activity-list")
        expect(log).to_contain_text("Bạn cho phép tình nguyện viên Đỗ Quang Huy điền tờ khai và nộp hồ sơ bạn đã ký")
        expect(log).to_contain_text(f"Tình nguyện viên Đỗ Quang Huy mở hồ sơ {number} — Đăng ký tạm trú cho bạn")
        expect(log).to_contain_text(f"Tình nguyện viên Đỗ Quang Huy đã chuẩn bị xong hồ sơ {number}")
        expect(log).to_contain_text(f"Cán bộ Võ Thị Lan (Công an phường Bàn Cờ) đã xem hồ sơ {number}")
        expect(log).not_to_contain_text("#")
        mai.screenshot(path=str(ARTIFACTS / "activity-log-390.png"), full_page=True)
        goto(mai, "/procedures/helper")
        mai.locator("#consents-given li").filter(has_text="Đỗ Quang Huy").get_by_role("button", name="Thu hồi").click()
        expect(mai.locator("#proc-notice")).to_contain_text("Đã thu hồi")
        goto(huy, f"/procedures/draft/{draft}/check")
        expect(huy.locator("#back-to-volunteer")).to_be_visible()
        expect(huy.locator("#step-progress")).to_have_count(0)  # no "Bước 0/0"
        assert "Bước 0/0" not in huy.locator("main").inner_text()
        goto(huy, "/procedures/volunteer")
        expect(huy.locator("#helping-none")).to_be_visible()
        goto(mai, "/wallet/activity")
        expect(mai.locator("#activity-list li").first).to_contain_text("Bạn đã thu hồi quyền giúp")
    finally:
        for page in (huy, mai, lan):
            page.context.close()
