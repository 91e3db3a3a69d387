"""The feedback loop in a real browser: Hà reports encroachment on the sidewalk with a geotagged photo
(her phone number typed in the text, her name hidden); the ward official triages, answers from a template
and closes it as fixed with an "after" photo; a logged-out visitor sees the outcome without any personal
data; Hà confirms and rates. A second test checks that a draft survives a closed tab."""

from __future__ import annotations

import io
import re
import uuid
from pathlib import Path

from PIL import Image
from playwright.sync_api import Browser, Page, expect

from tests.e2e.helpers import HA, KHOA, WARD_OFFICIAL, context_page, goto, jpeg_with_gps, login, upload_photo

BAN_CO = {"latitude": 10.77525, "longitude": 106.68310}  # near chợ Bàn Cờ
TYPED_PHONE = "0909 123 456"


def _citizen_reports(page: Page, title: str, tmp_path: Path) -> str:
    login(page, HA, next_path="/feedback/new")
    page.locator("#f-category_code").select_option("sidewalk")  # routed to UBND phường Bàn Cờ
    page.locator("#f-title").fill(title)
    page.locator("#f-description").fill(
        f"Quán bày bàn ghế kín vỉa hè, người đi bộ phải xuống đường. Gọi tôi {TYPED_PHONE}.")
    page.locator("#fb-locate").click()  # "use my location" (the browser's geolocation)
    expect(page.locator("#f-lat")).to_have_value(re.compile(r"^10\.775"))
    expect(page.locator("#fb-dupes")).to_contain_text("Vườn Chuối")  # an open demo report 30 m away
    page.locator("#f-address").fill("Trước số 5 Vườn Chuối")
    page.locator("#f-ward").fill("Bàn Cờ")
    page.locator("#f-hide_name").check()
    # Photos stay on the phone with the draft (resized there) and go with the report (assets/feedback/outbox-form.js).
    page.locator("#fb-device-photos").set_input_files(str(jpeg_with_gps(tmp_path / "via-he.jpg", (180, 90, 40))))
    expect(page.locator("#fb-photo-list li")).to_have_count(1)
    page.locator("#fb-submit").click()
    page.wait_for_url(re.compile(r"/feedback/\d+\?created=1$"))
    expect(page.locator("#fb-title")).to_have_text(title)
    expect(page.locator("#fb-stage")).to_contain_text("Đã tiếp nhận")
    return page.url.split("/feedback/")[1].split("?")[0]


def _official_closes(official: Page, title: str, tmp_path: Path) -> None:
    login(official, WARD_OFFICIAL, next_path="/feedback/workbench")
    official.locator("#wb-queue").get_by_role("link", name=re.compile(re.escape(title))).click()
    expect(official.locator("#case-reporter")).to_contain_text("Trần Thu Hà")  # officials see who reported
    expect(official.locator("#case-description")).to_contain_text(TYPED_PHONE)  # ...and the original text
    official.locator("#wb-accept").click()
    expect(official.locator("#case-stage")).to_contain_text("Đã phân loại")
    official.locator("#f-template").select_option("in_progress")
    expect(official.locator("#f-response")).to_have_value(re.compile("đang được UBND phường Bàn Cờ xử lý"))
    official.locator("#wb-respond").click()
    expect(official.locator("#case-response")).to_contain_text("đang được UBND phường Bàn Cờ xử lý")
    official.locator("#f-outcome").select_option("fixed")
    official.locator("#f-close_text").fill("Đã nhắc nhở chủ quán và dọn trả lại vỉa hè cho người đi bộ.")
    official.locator("#wb-close").click()
    expect(official.get_by_role("alert")).to_contain_text("ảnh sau khi khắc phục")  # fixed needs an after photo
    upload_photo(official, "wb-after", jpeg_with_gps(tmp_path / "sau.jpg", (60, 160, 60)), "wb-after-list", 1)
    official.locator("#wb-close").click()
    expect(official.locator("#case-stage")).to_contain_text("Chờ người phản ánh xác nhận")
    official.context.close()


def _public_sees_outcome(visitor: Page, report_id: str, title: str) -> None:
    goto(visitor, "/feedback")
    visitor.locator("#f-q").fill("ban ghe kin via he")  # no diacritics: still found
    visitor.locator("#fb-search").click()
    visitor.locator("#fb-results").get_by_role("link", name=title).click()
    visitor.wait_for_url(re.compile(rf"/feedback/{report_id}$"))
    expect(visitor.locator("#fb-outcome")).to_have_text("Đã khắc phục")
    expect(visitor.locator("#fb-response")).to_contain_text("dọn trả lại vỉa hè")
    expect(visitor.locator("#fb-reporter")).to_contain_text("ẩn danh")
    expect(visitor.locator("#fb-description")).to_contain_text("[***]")
    body = visitor.locator("main")
    for private in ("Trần Thu Hà", TYPED_PHONE, "0909123456", HA):
        expect(body).not_to_contain_text(private)
    expect(visitor.locator("#fb-gallery li")).to_have_count(2)  # the report photo and the after photo
    src = visitor.locator("#fb-gallery a").first.get_attribute("href")
    photo = visitor.request.get(src)
    assert photo.status == 200 and photo.headers["content-type"] == "image/jpeg"
    assert not Image.open(io.BytesIO(photo.body())).getexif()  # EXIF (GPS) stripped
    visitor.context.close()


def test_report_triage_close_confirm_rate(browser: Browser, prod_app, tmp_path: Path) -> None:
    title = f"Lấn chiếm vỉa hè Vườn Chuối {uuid.uuid4().hex[:6]}"
    citizen = context_page(browser, prod_app["url"], geolocation=BAN_CO, permissions=["geolocation"])
    report_id = _citizen_reports(citizen, title, tmp_path)

    _official_closes(context_page(browser, prod_app["url"]), title, tmp_path)
    _public_sees_outcome(context_page(browser, prod_app["url"]), report_id, title)

    goto(citizen, f"/feedback/{report_id}")
    expect(citizen.locator("#fb-confirm-until")).to_have_text(re.compile(r"^\d{2}/\d{2}/\d{4}$"))
    citizen.locator("#fb-confirm").click()
    expect(citizen.locator("#fb-notice")).to_contain_text("Cảm ơn bạn đã xác nhận")
    expect(citizen.locator("#fb-stage")).to_contain_text("Đã đóng")
    citizen.locator("#f-score-4").check()
    citizen.locator("#f-rating_reason").fill("Xử lý nhanh, vỉa hè đã thông thoáng")
    citizen.locator("#fb-rate-send").click()
    expect(citizen.locator("#fb-rating")).to_have_text("Đánh giá: 4/5")
    citizen.context.close()


def test_draft_survives_a_closed_tab(page: Page, browser: Browser, prod_app) -> None:
    login(page, KHOA, next_path="/feedback/new")
    page.locator("#f-category_code").select_option("garbage")
    page.locator("#f-title").fill("Rác đổ trộm ở góc hẻm")
    page.locator("#f-description").fill("Ai đó đổ xà bần ban đêm.")
    expect(page.locator("#fb-draft-status")).to_contain_text("Đã lưu nháp")
    cookies = page.context.cookies()
    page.context.close()  # the tab (and the browser context) is gone

    again = context_page(browser, prod_app["url"])
    again.context.add_cookies(cookies)
    goto(again, "/feedback/new")
    expect(again.locator("#f-title")).to_have_value("Rác đổ trộm ở góc hẻm")
    expect(again.locator("#f-category_code")).to_have_value("garbage")
    again.locator("#fb-discard").click()
    expect(again.locator("#f-title")).to_have_value("")
    again.context.close()
