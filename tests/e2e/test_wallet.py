"""Mrs. Mai gets an over-60 credential and shows it to a verifier by QR (nonce mode); a replay fails.

Two browser contexts: the verifier's page (e.g. a shop or metro gate) and Mai's phone. Headless
Chromium has no camera, so the QR codes travel as text read from the DOM; the presentation QR image
is also decoded with zxing-cpp to prove it scans to the same text.
"""

from __future__ import annotations

import base64
import io
import re

from playwright.sync_api import expect

from tests.conftest import ARTIFACTS
from tests.e2e.helpers import HA, MAI, VOLUNTEER, WARD_OFFICIAL, goto, login, outbox_messages


def _new_page(browser, prod_app):
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="vi-VN", base_url=prod_app["url"])
    return context, context.new_page()


def _decode_canvas(page, selector: str, expected: str | None = None) -> str:
    """Decode the canvas QR; the page draws it just after the text appears, so poll briefly."""
    import zxingcpp
    from PIL import Image

    text = ""
    for _ in range(40):
        data_url = page.locator(selector).evaluate("c => c.toDataURL('image/png')")
        image = Image.open(io.BytesIO(base64.b64decode(data_url.split(",", 1)[1])))
        results = zxingcpp.read_barcodes(image)
        text = results[0].text if results else ""
        if text and (expected is None or text == expected):
            return text
        page.wait_for_timeout(250)
    assert text, "the QR code on screen did not decode"
    return text


def test_mai_presents_over_60_by_qr_and_replay_is_rejected(browser, prod_app) -> None:
    mai_ctx, mai = _new_page(browser, prod_app)
    shop_ctx, shop = _new_page(browser, prod_app)
    try:
        login(mai, MAI, next_path="/wallet")
        expect(mai.locator("#wallet-level")).to_contain_text("Mức 2")
        mai.locator("#request-age60").click()
        expect(mai.locator("#wallet-info")).to_contain_text("Đã nhận xác nhận trên 60 tuổi")
        present_link = mai.locator("#credential-list a[id^='present-']").first
        expect(present_link).to_be_visible()
        ARTIFACTS.mkdir(exist_ok=True)
        mai.screenshot(path=str(ARTIFACTS / "wallet-home-390x844.png"), full_page=True)
        present_link.click()
        expect(mai.locator("#present-credential")).to_be_visible()

        goto(shop, "/verify")
        expect(shop.locator("#vr-text")).to_contain_text("cdsvp1:")
        request_text = shop.locator("#vr-text").text_content() or ""
        assert _decode_canvas(shop, "#vr-qr", request_text) == request_text

        mai.locator("#f-request").fill(request_text)
        mai.locator("#read-request").click()
        expect(mai.locator("#requester")).to_contain_text("Trang kiểm tra giấy tờ của Công dân số")
        expect(mai.locator("#requester")).not_to_contain_text("cds:")
        mai.locator("#make-vp").click()
        expect(mai.locator("#vp-version")).to_have_text(re.compile(r"^\d+$"))  # under "details", not "QR 18-L"
        expect(mai.locator("#vp-version")).not_to_be_visible()
        presentation = mai.locator("#vp-text").input_value()
        assert presentation.startswith("VP1:")
        assert _decode_canvas(mai, "#vp-qr", presentation) == presentation
        ARTIFACTS.mkdir(exist_ok=True)
        mai.screenshot(path=str(ARTIFACTS / "wallet-present-390x844.png"), full_page=True)
        print(f"\nover-60 presentation QR: {mai.locator('#vp-size').text_content()}")

        shop.locator("#f-code").fill(presentation)
        shop.locator("#verify-submit").click()
        expect(shop.locator("#verify-verdict")).to_contain_text("HỢP LỆ")
        expect(shop.locator("#verify-verdict")).not_to_contain_text("KHÔNG")
        expect(shop.locator("#verify-headline")).to_have_text("Trên 60 tuổi")
        expect(shop.locator("#verify-issuer")).to_contain_text("Công dân số")  # a name, not http://127.0.0.1:…
        expect(shop.locator("#verify-issuer")).not_to_contain_text("http")
        result = shop.locator("#verify-result").inner_text()
        assert "1966" not in result and "08/03" not in result and "Ngày sinh" not in result
        shop.screenshot(path=str(ARTIFACTS / "wallet-verify-valid-390x844.png"), full_page=True)

        shop.locator("#f-code").fill(presentation)
        shop.locator("#verify-submit").click()
        expect(shop.locator("#verify-verdict")).to_contain_text("KHÔNG HỢP LỆ")
        expect(shop.locator("#verify-reason")).to_contain_text("đã dùng cho lần kiểm tra trước")
        expect(shop.locator("#verify-reason")).not_to_contain_text("ảnh chụp")

        goto(mai, "/wallet/activity")
        newest = mai.locator("#activity-list li").first
        expect(newest).to_contain_text("Đã xuất trình xác nhận trên 60 tuổi cho Trang kiểm tra giấy tờ của Công dân số")
        mai.locator("#verify-chain").click()
        expect(mai.locator("#chain-result")).to_contain_text("Nhật ký nguyên vẹn")
    finally:
        mai_ctx.close()
        shop_ctx.close()


def test_ward_desk_student_offer_and_one_time_qr(browser, prod_app) -> None:
    """An official checks Hà's ID card (level 2) and offers a student credential; Hà collects it and
    shows it with a one-minute QR; the verifier sees "is a student" and not her school."""
    desk_ctx, desk = _new_page(browser, prod_app)
    ha_ctx, ha = _new_page(browser, prod_app)
    gate_ctx, gate = _new_page(browser, prod_app)
    try:
        login(desk, WARD_OFFICIAL, next_path="/wallet/desk")
        desk.locator("#f-phone").first.fill(HA)
        desk.locator("#desk-search").click()
        expect(desk.locator("#desk-name")).to_have_text("Trần Thu Hà")
        expect(desk.locator("#desk-level")).to_contain_text("Mức 1")
        expect(desk.locator("#desk-card")).to_contain_text("2006")  # the year of birth, never the ID digits
        assert not re.search(r"\d{3}", (desk.locator("#desk-card").text_content() or "").replace("2006", ""))
        desk.get_by_label("Số định danh in trên thẻ").fill("079306005678")
        desk.locator("#desk-verify").click()
        expect(desk.locator("#desk-level")).to_contain_text("Mức 2")
        offer_form = desk.locator("form").filter(has=desk.locator("#offer-make"))
        offer_form.get_by_label("Số điện thoại").fill(HA)
        offer_form.get_by_label("Trường").fill("Trường ĐH Bách khoa")
        offer_form.get_by_label("Họ tên trên thẻ sinh viên").fill("Trần Thu Hà")
        desk.locator("#offer-make").click()
        expect(desk.locator("#offer-text")).to_contain_text("cdsof1:")
        desk.screenshot(path=str(ARTIFACTS / "wallet-desk-390x844.png"), full_page=True)
        offer = desk.locator("#offer-text").text_content() or ""

        login(ha, HA, next_path="/wallet")
        expect(ha.locator("#wallet-level")).to_contain_text("Mức 2")
        ha.get_by_text("Nhận thẻ sinh viên từ cán bộ").click()
        ha.locator("#f-offer").fill(offer)
        ha.locator("#offer-submit").click()
        expect(ha.locator("#wallet-info")).to_contain_text("Đã nhận thẻ học sinh, sinh viên")
        ha.locator("#credential-list a[id^='present-']").first.click()
        expect(ha.locator("#claim-student")).to_be_checked()
        expect(ha.locator("#claim-school")).not_to_be_checked()
        ha.locator("#mode-one-time").click()
        ha.locator("#make-vp").click()
        expect(ha.locator("#vp-countdown")).to_be_visible()
        presentation = ha.locator("#vp-text").input_value()
        print(f"\nstudent one-time presentation QR: {ha.locator('#vp-size').text_content()}")

        goto(gate, "/login")
        expect(gate.locator("#passkey-login")).to_be_visible()
        goto(gate, "/verify")
        gate.locator("#f-code").fill(presentation)
        gate.locator("#verify-submit").click()
        expect(gate.locator("#verify-headline")).to_have_text("Là học sinh, sinh viên")
        assert "Bách khoa" not in gate.locator("#verify-result").inner_text()
    finally:
        for context in (desk_ctx, ha_ctx, gate_ctx):
            context.close()


def test_ward_recovery_code_sets_a_new_password(browser, prod_app) -> None:
    """An official checks the ID card of a level-2 citizen and issues a one-time code; the citizen sets a
    new password on /recover and signs in with it."""
    import secrets
    from datetime import date

    from citizen_app.identity.desk import verify_profile
    from citizen_app.identity.profile import ProfileInput, save_profile
    from citizen_app.identity.service import register
    from tests.e2e.helpers import DEMO_PASSWORD
    from tests.e2e.test_payments import app_db

    phone = "09" + "".join(secrets.choice("0123456789") for _ in range(8))
    id_number = "079165" + "".join(secrets.choice("0123456789") for _ in range(6))
    with app_db(prod_app) as (db_scope, users), db_scope() as db:
        citizen = register(db, phone, DEMO_PASSWORD, "Ngô Thị Khôi")
        save_profile(db, citizen.id, ProfileInput(full_name="Ngô Thị Khôi", birth_date=date(1965, 1, 2), sex="F",
                                                  id_number=id_number, ward="Bàn Cờ"))
        verify_profile(db, users(db)[WARD_OFFICIAL], citizen.id, id_number)

    desk_ctx, desk = _new_page(browser, prod_app)
    citizen_ctx, page = _new_page(browser, prod_app)
    try:
        login(desk, WARD_OFFICIAL, next_path="/wallet/desk")
        desk.locator("#f-phone").first.fill(phone)
        desk.locator("#desk-search").click()
        expect(desk.locator("#desk-name")).to_have_text("Ngô Thị Khôi")
        desk.locator("#f-recovery-id").fill("079165000000")
        desk.locator("#recovery-issue").click()
        expect(desk.locator("#form-error")).to_contain_text("không khớp")
        desk.locator("#f-recovery-id").fill(id_number)
        desk.locator("#recovery-issue").click()
        expect(desk.locator("#recovery-code")).to_have_text(re.compile(r"^[A-Z2-9]{5}-[A-Z2-9]{5}$"))
        code = desk.locator("#recovery-code").text_content() or ""

        goto(page, "/recover")
        page.locator("#f-identifier").fill(phone)
        page.locator("#f-code").fill(code)
        page.locator("#f-password").fill("Khoiphuc2026moi")
        page.locator("#f-password2").fill("Khoiphuc2026moi")
        page.locator("#recover-submit").click()
        expect(page.locator("#recover-info")).to_contain_text("Đã đặt mật khẩu mới")
        login(page, phone, password="Khoiphuc2026moi", next_path="/wallet/activity")
        expect(page.locator("#activity-list")).to_contain_text("mã khôi phục")
        assert any("mã khôi phục" in m["body"] for m in outbox_messages(page, phone))  # told by SMS too
    finally:
        desk_ctx.close()
        citizen_ctx.close()


def test_volunteer_sees_no_id_card_or_recovery_forms(page) -> None:
    login(page, VOLUNTEER, next_path="/wallet/desk")
    expect(page.locator("#desk-note")).to_contain_text("chỉ do cán bộ phường")
    for form_button in ("#desk-search", "#desk-verify", "#recovery-issue"):
        expect(page.locator(form_button)).to_have_count(0)
