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
    page.locator("#pay-show-qr").click()
    expect(page.locator("#pay-qr")).to_be_visible()
    assert page.get_attribute("#pay-qr", "src").startswith("data:image/png;base64,")
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
