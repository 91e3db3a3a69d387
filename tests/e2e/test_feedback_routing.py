"""A pothole in phường Bàn Cờ reaches people (1366×768, the officials' desks): it lands in the ward committee's
queue (it is in an alley), the committee's lead assigns it, reassigns it to himself (his own queue), then proposes
it to the roads department, which takes it over; the public history names the agency of each step, nobody."""

from __future__ import annotations

import re
import uuid

from playwright.sync_api import Browser, Page, expect

from tests.e2e.helpers import MAI, WARD_OFFICIAL, goto, login

ROADS_OFFICIAL = "0938000006"  # Đặng Văn Tâm, Sở Xây dựng (giao thông)
DESK = {"width": 1366, "height": 768}
BAN_CO = {"latitude": 10.77452, "longitude": 106.68421}
FIELD_IDS_USED_TWICE = """() => {
  const ids = [...document.querySelectorAll("main input[id], main textarea[id], main select[id]")].map(e => e.id);
  return [...new Set(ids.filter((id, i) => ids.indexOf(id) !== i))];
}"""


def _desk(browser: Browser, base_url: str, **options) -> Page:
    return browser.new_context(viewport=DESK, locale="vi-VN", base_url=base_url, **options).new_page()


def _report_pothole(page: Page, title: str) -> str:
    login(page, MAI, next_path="/feedback/new")
    page.locator("#f-category_code").select_option("road_damage")
    page.locator("#f-attr_severity").select_option("high")
    page.locator("#f-title").fill(title)
    page.locator("#f-description").fill("Ổ gà sâu khoảng 20 cm giữa hẻm, xe máy dễ té.")
    page.locator("#fb-locate").click()
    expect(page.locator("#f-lat")).to_have_value(re.compile(r"^10\.774"))
    page.locator("#f-address").fill("Hẻm 185 Cách Mạng Tháng Tám")  # an alley: the ward's, not the department's
    page.locator("#f-ward").fill("phường Bàn Cờ")
    page.locator("#fb-submit").click()
    page.wait_for_url(re.compile(r"/feedback/\d+\?created=1$"))
    return page.url.split("/feedback/")[1].split("?")[0]


def _ward_assigns_and_proposes(page: Page, title: str) -> None:
    login(page, WARD_OFFICIAL, next_path="/feedback/workbench")
    page.locator("#wb-queue").get_by_role("link", name=re.compile(re.escape(title))).click()
    expect(page.locator("#case-agency")).to_have_text("UBND phường Bàn Cờ")
    expect(page.locator("#case-assignee")).to_have_text("Chưa giao")
    page.locator("#f-assignee").select_option(label="Nguyễn Thị Thu")
    page.locator("#wb-assign").click()
    expect(page.locator("#case-assignee")).to_have_text("Nguyễn Thị Thu")
    page.locator("#f-assignee").select_option(label="Phạm Văn Bình")  # reassigned: the lead takes it himself
    page.locator("#wb-assign").click()
    expect(page.locator("#case-assignee")).to_have_text("Phạm Văn Bình")
    expect(page.locator("#case-events")).to_contain_text("Giao cho Nguyễn Thị Thu")  # officials see who

    assert page.evaluate(FIELD_IDS_USED_TWICE) == []  # each label names one field
    page.locator("#f-reroute-agency").select_option("so-gtvt")
    page.locator("#f-reroute-reason").fill("Ổ gà lan ra mặt đường Cách Mạng Tháng Tám, đường do Sở quản lý.")
    page.locator("#wb-reroute").click()
    expect(page.locator("#case-pending")).to_contain_text("Sở Xây dựng (giao thông)")
    page.get_by_role("link", name="Về danh sách cần xử lý").click()
    page.locator("#wb-q-mine").click()
    expect(page.locator("#wb-q-mine")).to_have_attribute("aria-pressed", "true")
    expect(page.locator("#wb-queue")).to_contain_text(title)
    page.context.close()


def _department_takes_it(page: Page, title: str) -> None:
    login(page, ROADS_OFFICIAL, next_path="/feedback/workbench")
    page.locator("#wb-q-incoming").click()
    page.locator("#wb-queue").get_by_role("link", name=re.compile(re.escape(title))).click()
    expect(page.locator("#case-reporter")).to_have_count(0)  # not theirs yet: no reporter
    page.locator("#wb-reroute-accept").click()
    expect(page.locator("#case-agency")).to_have_text("Sở Xây dựng (giao thông) TP.HCM")
    expect(page.locator("#case-reporter")).to_contain_text("Lê Thị Mai")
    expect(page.locator("#case-assignee")).to_have_text("Chưa giao")
    page.context.close()


def test_a_pothole_reaches_the_ward_then_the_roads_department(browser: Browser, prod_app) -> None:
    title = f"Ổ gà trong hẻm 185 {uuid.uuid4().hex[:6]}"
    citizen = _desk(browser, prod_app["url"], geolocation=BAN_CO, permissions=["geolocation"])
    report_id = _report_pothole(citizen, title)
    citizen.context.close()
    _ward_assigns_and_proposes(_desk(browser, prod_app["url"]), title)
    _department_takes_it(_desk(browser, prod_app["url"]), title)

    visitor = _desk(browser, prod_app["url"])
    goto(visitor, f"/feedback/{report_id}")
    history = visitor.locator("#fb-timeline")
    expect(history.locator("li")).to_have_count(2)
    expect(history.locator("li").nth(0)).to_contain_text("Chuyển đến UBND phường Bàn Cờ")
    expect(history.locator("li").nth(1)).to_contain_text("Sở Xây dựng (giao thông) TP.HCM")
    expect(history.locator("li").nth(1)).to_contain_text("Nhận chuyển từ UBND phường Bàn Cờ")
    for person in ("Phạm Văn Bình", "Nguyễn Thị Thu", "Đặng Văn Tâm", "Cách Mạng Tháng Tám, đường do"):
        expect(visitor.locator("main")).not_to_contain_text(person)
    visitor.context.close()
