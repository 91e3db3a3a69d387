"""Payments end to end in Chromium against the prod-mode app and its sandbox gateway.

A citizen creates a test order, pays it on the sandbox's hosted page and lands back on the order page,
which shows "paid" once the gateway's signed notification (a real HTTP request to the app) arrived; a
second order is declined and shows "failed". An admin refunds a paid order with a reason; a ward's finance
officer sees and refunds only the ward's orders, and the ward police never see them."""

from __future__ import annotations

import os
import re
import secrets
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from urllib.parse import parse_qsl, urlsplit

from playwright.sync_api import Page, expect
from sqlmodel import select

from tests.conftest import wait_hydrated
from tests.e2e.helpers import ADMIN, KHOA, MAI, POLICE_OFFICIAL, WARD_FINANCE, goto, login, logout

ORDER_URL = re.compile(r".*/payments/(CDS[A-Z0-9]+)(\?.*)?$")


@contextmanager
def app_db(prod_app: dict[str, str]) -> Iterator[tuple[Callable, Callable]]:
    """The service layer pointed at the prod app's database and instance folder (restored afterwards)."""
    from citizen_app.core import config
    from citizen_app.core import db as core_db
    from citizen_app.identity.models import UserAccount

    wanted = {"DATABASE_URL": prod_app["database_url"], "INSTANCE_DIR": prod_app["instance_dir"],
              "PUBLIC_URL": prod_app["url"], "PAYMENTS_SANDBOX": "1"}
    old = {key: os.environ.get(key) for key in wanted}
    os.environ.update(wanted)
    config.settings.cache_clear()
    core_db.engine.cache_clear()

    def users(db) -> dict[str, int]:
        return {(u.phone or u.email or ""): u.id for u in db.exec(select(UserAccount)).all()}

    try:
        yield core_db.session_scope, users
    finally:
        core_db.engine().dispose()
        for key, value in old.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
        config.settings.cache_clear()
        core_db.engine.cache_clear()


def _new_test_order(page: Page, amount: str) -> str:
    goto(page, "/payments")
    page.locator("#f-amount").fill(amount)
    page.locator("#test-order-create").click()
    page.wait_for_url(ORDER_URL)
    wait_hydrated(page)
    expect(page.locator("#pay-status")).to_have_attribute("data-status", "pending")
    return ORDER_URL.match(page.url).group(1)  # type: ignore[union-attr]


def _through_sandbox(page: Page, decision: str) -> None:
    page.locator("#pay-submit").click()
    page.wait_for_url(re.compile(r".*/pay/sandbox/checkout\?.*"))
    expect(page.get_by_role("status").first).to_contain_text("Môi trường thử nghiệm")
    page.locator(f"button[name=decision][value={decision}]").click()
    page.wait_for_url(ORDER_URL)
    wait_hydrated(page)


def test_citizen_pays_one_order_and_another_is_declined(page: Page) -> None:
    login(page, KHOA, next_path="/payments")

    code = _new_test_order(page, "12.000")
    expect(page.locator("#pay-code")).to_have_text(code)
    _through_sandbox(page, "approve")
    assert code in page.url
    expect(page.locator("#pay-status")).to_have_attribute("data-status", "paid", timeout=30000)
    expect(page.locator("#pay-receipt")).to_contain_text("12.000 ₫")
    pdf = page.request.get(page.get_attribute("#pay-receipt-pdf", "href"))
    assert pdf.status == 200 and pdf.headers["content-type"] == "application/pdf"
    assert pdf.body().startswith(b"%PDF")

    declined = _new_test_order(page, "8000")
    _through_sandbox(page, "decline")
    assert declined in page.url
    expect(page.locator("#pay-status")).to_have_attribute("data-status", "failed", timeout=30000)
    expect(page.locator("#pay-receipt")).to_have_count(0)

    goto(page, "/payments")
    expect(page.locator(f"li[data-code={code}] .pay-status")).to_have_attribute("data-status", "paid")
    expect(page.locator(f"li[data-code={declined}] .pay-status")).to_have_attribute("data-status", "failed")

    by_transfer = _new_test_order(page, "9000")  # not started at a gateway: the VietQR code is for this order
    page.locator("#pay-show-qr").click()
    expect(page.locator("#pay-qr")).to_be_visible()
    assert page.get_attribute("#pay-qr", "src").startswith("data:image/png;base64,")
    expect(page.locator("#pay-qr-note")).to_have_text(by_transfer)


def _paid_order_for(prod_app: dict[str, str], login_name: str, amount: int, agency: str | None = None) -> str:
    """A sandbox_demo order paid through the real gateway protocol (signed request, decision, signed IPN),
    owned by ``agency`` (a code of data/agencies.json) when given."""
    from citizen_app.identity.models import Agency
    from citizen_app.payments import sandbox, service

    with app_db(prod_app) as (scope, users):
        with scope() as db:
            user_id = users(db)[login_name]
            if agency is None:
                order = service.create_test_order(db, user_id, amount)
            else:
                owner = db.exec(select(Agency.id).where(Agency.code == agency)).one()
                order = service.create_order(db, user_id, service.TEST_KIND, f"e2e-{amount}", amount,
                                             service.TEST_DESCRIPTION, "/payments", agency_id=owner)
            start = service.start_payment(db, user_id, order.code, "sandbox", base_url=prod_app["url"])
            code = order.code
        with scope() as db:
            params = dict(parse_qsl(urlsplit(start.redirect_url).query))
            decision = sandbox.decide(db, params, "approve", "card", "never")
        with scope() as db:
            ipn = dict(parse_qsl(urlsplit(decision.ipn_url or "").query))
            assert service.handle_notification(db, "sandbox", ipn).outcome == service.ACCEPTED
    return code


def test_admin_reconciles_and_refunds(page: Page, prod_app: dict[str, str]) -> None:
    amount = 20000 + secrets.randbelow(900)
    code = _paid_order_for(prod_app, MAI, amount)
    login(page, ADMIN, next_path="/admin/payments")
    expect(page.locator("#pay-summary")).to_be_visible()
    csv = page.request.get(page.get_attribute("#pay-csv", "href"))
    assert csv.status == 200 and "text/csv" in csv.headers["content-type"]
    row = page.locator(f"#pay-staff-orders li[data-code={code}]")
    expect(row).to_contain_text("Lê Thị Mai")
    row.get_by_role("button").click()
    page.locator("#f-refund-amount").fill("5000")
    page.locator("#f-refund-reason").fill("Thu trùng phí, hoàn lại cho công dân")
    page.locator("#refund-submit").click()
    expect(page.get_by_role("alert")).to_contain_text("xác nhận")  # the confirmation box is required
    page.locator("#f-refund-amount").fill("5000")
    page.locator("#f-refund-reason").fill("Thu trùng phí, hoàn lại cho công dân")
    page.locator("#f-refund-confirm").check()
    page.locator("#refund-submit").click()
    expect(page.locator("#pay-admin-saved")).to_contain_text(code)
    expect(row.locator(".pay-status")).to_have_attribute("data-status", "partially_refunded")


def test_finance_sees_and_refunds_only_its_agency(page: Page, prod_app: dict[str, str]) -> None:
    ward_amount = 30000 + secrets.randbelow(900)
    ward_code = _paid_order_for(prod_app, MAI, ward_amount, agency="ubnd-ban-co")
    test_code = _paid_order_for(prod_app, KHOA, 11000 + secrets.randbelow(900))  # a test order: no agency

    login(page, POLICE_OFFICIAL, next_path="/admin/payments")
    expect(page.locator("#pay-scope")).to_contain_text("Công an phường Bàn Cờ")
    expect(page.locator(f"#pay-staff-orders li[data-code={ward_code}]")).to_have_count(0)
    pdf = page.request.get(f"/api/pay/receipt/{ward_code}.pdf")
    assert pdf.status == 404  # the ward's receipt does not exist for the police
    logout(page)

    login(page, WARD_FINANCE, next_path="/admin/payments")
    expect(page.locator("#pay-scope")).to_contain_text("UBND phường Bàn Cờ")
    expect(page.locator(f"#pay-staff-orders li[data-code={test_code}]")).to_have_count(0)
    row = page.locator(f"#pay-staff-orders li[data-code={ward_code}]")
    expect(row).to_contain_text("Lê Thị Mai")
    assert page.request.get(f"/api/pay/receipt/{ward_code}.pdf").status == 200
    row.get_by_role("button").click()
    page.locator("#f-refund-amount").fill(str(ward_amount))
    page.locator("#f-refund-reason").fill("Hồ sơ bị trả lại, hoàn toàn bộ lệ phí")
    page.locator("#f-refund-confirm").check()
    page.locator("#refund-submit").click()
    expect(page.locator("#pay-admin-saved")).to_contain_text(ward_code)
    expect(row.locator(".pay-status")).to_have_attribute("data-status", "refunded")


# --- the issue-20 story: a fee paid twice in two tabs, one abandoned, one expired, a late transfer -------------


def _fee_dossier(prod_app: dict[str, str]) -> int:
    """A dossier of Mai's waiting for its online fee (status 6), made through the services: drafted, signed with
    her demo password (in a thread: pyHanko runs its own event loop), submitted."""
    from concurrent.futures import ThreadPoolExecutor

    from citizen_app.procedures import flow
    from citizen_app.procedures import service as procedures
    from tests.e2e.helpers import DEMO_PASSWORD
    from tests.e2e.test_procedures import _ensure_verified
    from tests.unit.procedures.conftest import MAI_PAGES, PDF

    owner = {**MAI_PAGES["owner"], "full_name": "Lê Thị Mai", "date_of_birth": "12/03/1966",
             "personal_id": "079166001234"}
    pages = {**MAI_PAGES, "receiver": {"receiver_agency": "ca-ban-co"}, "owner": owner,
             "place": {"residence_address": "12 Nguyễn Đình Chiểu, khu phố 3", "stay_from": "01/12/2026"}}
    with app_db(prod_app) as (scope, users):
        _ensure_verified(MAI)
        with scope() as db:
            mai = users(db)[MAI]
            dossier = flow.start(db, mai, "tam_tru_danh_sach")
            for page_id, answers in pages.items():
                procedures.save_page(db, mai, dossier.id, page_id, answers)
            procedures.add_attachment(db, mai, dossier.id, "lawful_residence_proof", "so-hong.pdf", PDF)
            dossier_id = dossier.id
        with scope() as db:
            view_id = flow.prepare_signature(db, mai, dossier_id).id

        def approve() -> None:
            with scope() as db:
                flow.approve_signature(db, mai, dossier_id, view_id, DEMO_PASSWORD)

        with ThreadPoolExecutor(1) as pool:
            pool.submit(approve).result()
        with scope() as db:
            assert procedures.submit(db, mai, dossier_id).fee.amount == 10_000
    return dossier_id


def _expire_now(prod_app: dict[str, str], code: str) -> None:
    """Let the order run out: its deadline is moved into the past and the reconciliation job runs."""
    from datetime import timedelta

    from citizen_app.core.timeutil import utcnow
    from citizen_app.payments import service

    with app_db(prod_app) as (scope, _users):
        with scope() as db:
            order = service.order_by_code(db, code)
            assert order is not None
            order.expires_at = utcnow() - timedelta(minutes=10)
            db.add(order)
        with scope() as db:
            assert service.reconcile_pending(db).codes[code] == "expired"


def _wait_status(prod_app: dict[str, str], code: str, status: str, seconds: float = 30) -> None:
    import time

    from citizen_app.payments import service

    deadline = time.monotonic() + seconds
    with app_db(prod_app) as (scope, _users):
        while True:
            with scope() as db:
                found = service.order_by_code(db, code)
                if found is not None and found.status == status:
                    return
            assert time.monotonic() < deadline, f"{code} is still {found.status if found else None}"
            time.sleep(0.3)


def _txn_ref(page: Page) -> str:
    page.wait_for_url(re.compile(r".*/pay/sandbox/checkout\?.*"))
    return dict(parse_qsl(urlsplit(page.url).query))["vnp_TxnRef"]


def _on_gateway(page: Page, decision: str, back_to: str) -> None:
    page.locator(f"button[name=decision][value={decision}]").click()
    page.wait_for_url(re.compile(back_to))
    wait_hydrated(page)


def test_fee_paid_twice_in_two_tabs_one_charge_stands(page: Page, browser, prod_app: dict[str, str]) -> None:
    dossier_id = _fee_dossier(prod_app)
    dossier = f"/procedures/dossiers/{dossier_id}"
    login(page, MAI, next_path=dossier)
    second_tab = page.context.new_page()

    # Two tabs press "pay": the second resumes the first's order, on the same gateway transaction.
    page.locator("#pay-online").click()
    order_a = _txn_ref(page)
    goto(second_tab, dossier)
    expect(second_tab.locator("#fee-order-status")).to_have_attribute("data-status", "pending")
    expect(second_tab.locator("#pay-online")).to_have_text("Tiếp tục thanh toán")
    second_tab.locator("#pay-online").click()
    assert _txn_ref(second_tab) == order_a

    # The second tab cancels at the gateway: plain words, nothing charged; the first tab's page can no longer pay.
    _on_gateway(second_tab, "cancel", rf".*{dossier}\?pay_order={order_a}.*")
    expect(second_tab.locator("#proc-notice")).to_contain_text("Bạn đã hủy thanh toán. Không có khoản tiền nào bị trừ")
    expect(second_tab.locator("#fee-order-status")).to_have_attribute("data-status", "cancelled")
    page.locator("button[name=decision][value=approve]").click()
    expect(page.get_by_role("alert")).to_contain_text("đã bị hủy")
    page.locator("#sandbox-back").click()
    page.wait_for_url(re.compile(rf".*{dossier}\?.*"))
    wait_hydrated(page)

    # Pay again, leave the gateway without deciding, then choose a bank transfer: a VietQR order of its own.
    expect(page.locator("#pay-online")).to_have_text("Thanh toán lại")
    page.locator("#pay-online").click()
    order_b = _txn_ref(page)
    _on_gateway(page, "abandon", rf".*{dossier}\?.*")
    expect(page.locator("#proc-notice")).to_contain_text("Bạn chưa hoàn tất thanh toán")
    page.locator("#fee-order-link").click()
    page.wait_for_url(re.compile(rf".*/payments/{order_b}$"))
    wait_hydrated(page)
    page.locator("#pay-show-qr").click()
    page.wait_for_url(re.compile(r".*/payments/CDS[A-Z0-9]+\?qr=1&moved_from=.*"))
    wait_hydrated(page)
    order_c = ORDER_URL.match(page.url).group(1)  # type: ignore[union-attr]
    expect(page.locator("#pay-qr")).to_be_visible()
    expect(page.locator("#pay-qr-note")).to_have_text(order_c)
    expect(page.locator("#pay-qr-until")).to_contain_text("Chỉ chuyển trước")
    bank_link = page.get_attribute("#pay-sandbox-bank", "href") or ""
    assert "payload=" in bank_link

    # The VietQR order runs out: every page says expired, and shows no way to pay it.
    _expire_now(prod_app, order_c)
    goto(page, f"/payments/{order_c}")
    expect(page.locator("#pay-status")).to_have_attribute("data-status", "expired")
    expect(page.locator("#pay-hint")).to_contain_text("Đừng chuyển khoản cho đơn này")
    expect(page.locator("#pay-show-qr")).to_have_count(0)
    expect(page.locator("#pay-qr")).to_have_count(0)
    expect(page.locator("#pay-again")).to_have_attribute("href", dossier)

    # Paid by card: one charge, the dossier moves on.
    page.locator("#pay-again").click()
    page.wait_for_url(re.compile(rf".*{dossier}$"))
    wait_hydrated(page)
    page.locator("#pay-online").click()
    order_d = _txn_ref(page)
    _on_gateway(page, "approve", rf".*{dossier}\?pay_order={order_d}.*")
    expect(page.locator("#dossier-status")).to_have_text("Mới đăng ký", timeout=30000)
    expect(page.locator("#fee-order-status")).to_have_attribute("data-status", "paid")

    # The payer had scanned the expired code: the late transfer is captured, refunded and reported.
    second_tab.goto(bank_link)  # the sandbox bank: a page of the "bank", not of the app
    second_tab.locator("#bank-transfer").click()
    expect(second_tab.locator("#bank-done")).to_contain_text(order_c)
    _wait_status(prod_app, order_c, "refunded")  # the bank's statement feed reaches the app in its own time
    goto(page, f"/payments/{order_c}")
    expect(page.locator("#pay-status")).to_have_attribute("data-status", "refunded")
    expect(page.locator("#pay-flag")).to_contain_text("hoàn tự động")
    expect(page.locator("#receipt-refunds")).to_contain_text("tiền đến sau khi đơn hết hạn")
    expect(page.locator("#receipt-method")).to_have_text("Chuyển khoản ngân hàng (VietQR)")

    goto(page, "/payments")
    states = {code: page.locator(f"li[data-code={code}] .pay-status").get_attribute("data-status")
              for code in (order_a, order_b, order_c, order_d)}
    assert states == {order_a: "cancelled", order_b: "cancelled", order_c: "refunded", order_d: "paid"}
    goto(page, "/notifications")
    for told in ("Đã nhận thanh toán", "Đơn thanh toán đã hết hạn", "Đã hoàn khoản thanh toán không dùng đến"):
        expect(page.get_by_text(told).first).to_be_visible()

    staff = browser.new_context(viewport={"width": 390, "height": 844}, locale="vi-VN", base_url=prod_app["url"])
    try:
        reader = staff.new_page()
        login(reader, POLICE_OFFICIAL, next_path="/admin/payments")
        late = reader.locator(f"#pay-late-payments li[data-code={order_c}]")
        expect(late).to_contain_text("tiền đến sau khi đơn hết hạn")
        expect(late.locator(".pay-refund-state")).to_contain_text("Đã hoàn 10.000 ₫")
        matches = reader.locator("#pay-methods .pay-match")
        expect(matches.first).to_be_visible()
        assert set(matches.evaluate_all("els => els.map(e => e.dataset.match)")) == {"match"}
    finally:
        staff.close()


def test_declined_ticket_is_paid_again_and_the_return_works_on_another_host(page: Page,
                                                                            prod_app: dict[str, str]) -> None:
    returns: list[str] = []
    page.on("request", lambda request: returns.append(request.url) if "/pay/return/" in request.url else None)
    login(page, KHOA, next_path="/metro")
    page.locator("#metro-buy-single").click()
    _txn_ref(page)
    _on_gateway(page, "decline", r".*/metro/tickets/?\?.*pay_order=.*")
    row = page.locator("#metro-purchases li").first
    expect(row).to_have_attribute("data-pay-status", "failed")
    expect(row).to_contain_text("Thanh toán không thành công")
    expect(row).not_to_contain_text("Chờ thanh toán")

    # The gateway's return, opened on another host name than PUBLIC_URL: the person arrives signed in.
    port = urlsplit(prod_app["url"]).port
    other_host = returns[-1].replace(f"127.0.0.1:{port}", f"localhost:{port}")
    page.goto(other_host)
    page.wait_for_url(re.compile(rf"^http://127\.0\.0\.1:{port}/metro/tickets/?\?.*pay_notice=failed"))
    wait_hydrated(page)
    expect(page.locator("#account-link")).to_be_visible()
    expect(page.locator("#metro-pay-notice")).to_contain_text("Cổng thanh toán từ chối giao dịch")
    page.goto(f"http://localhost:{port}/login?next=/payments")  # a login never happens on the other host
    page.wait_for_url(re.compile(rf"^http://127\.0\.0\.1:{port}/"))

    goto(page, "/metro/tickets")
    page.locator("#metro-purchases li").first.locator("button[data-action=retry]").click()
    _txn_ref(page)
    _on_gateway(page, "approve", r".*/metro/tickets/?\?.*pay_order=.*")
    expect(page.locator("#metro-pay-result")).to_contain_text("Thanh toán thành công", timeout=30000)
    goto(page, "/notifications")
    expect(page.get_by_text("Vé đã sẵn sàng").first).to_be_visible()
