"""The ticket screen at the gate (issue 21), in Chromium against the prod-mode app, with three tickets on the phone:
at 320x568 and 390x844 the QR is whole, centred and above the fold, and zxing reads it from a screenshot of the
screen as first shown; the bottom navigation is hidden, the screen is kept awake, the ticket valid now is chosen
and the others are one swipe away; the chosen ticket in the list is readable (WCAG AA); a used single ticket says
"Đã sử dụng"; a 1-day pass says before purchase that it ends at 23:59 on the day bought."""

from __future__ import annotations

import re

import pytest
import zxingcpp
from PIL import Image
from playwright.sync_api import Page, expect

from citizen_app.metro.qr import parse_scan
from tests.conftest import ARTIFACTS
from tests.e2e.helpers import HA, goto, login
from tests.e2e.test_sessions import _user_id, prod_env  # noqa: F401 - a fixture

KEEP_AWAKE = """window.__wakeLocks = [];
if (navigator.wakeLock) navigator.wakeLock.request = (type) => {
  window.__wakeLocks.push(type);
  return Promise.resolve({released: false, release() { this.released = true; return Promise.resolve(); }});
};"""
QR_BOX = """() => {
  const r = document.getElementById('metro-qr').getBoundingClientRect();
  return {top: r.top, bottom: r.bottom, left: r.left, right: r.right, width: r.width,
          vw: innerWidth, vh: innerHeight}; }"""
UNCOVERED = """() => { const qr = document.getElementById('metro-qr'), r = qr.getBoundingClientRect();
  return [[r.left + 3, r.top + 3], [r.right - 3, r.top + 3], [r.left + 3, r.bottom - 3], [r.right - 3, r.bottom - 3],
          [(r.left + r.right) / 2, (r.top + r.bottom) / 2]]
    .every(([x, y]) => document.elementFromPoint(x, y) === qr); }"""
COLOURS = """(el) => { const s = getComputedStyle(el); return [s.color, s.backgroundColor]; }"""


def _tickets_for_this_phone(page: Page, phone: str) -> list[str]:
    """A paid single ticket, a 1-day and a 3-day pass of ``phone``'s rider, bound to this browser's device key."""
    from citizen_app.core.db import session_scope
    from citizen_app.metro import purchase

    page.wait_for_function("() => window.MetroTicket")
    device_key = page.evaluate("() => MetroTicket.devicePublicKey()")
    ids = []
    with session_scope() as db:
        for product, route in (("day_3", {}), ("single", {"origin": "L1-01", "destination": "L1-11"}), ("day_1", {})):
            ticket = purchase.create_order(db, _user_id(phone), product, device_key, **route)
            purchase.fulfil_paid_order(db, ticket.order_ref)
            ids.append(ticket.id)
    return ids


def _rgb(text: str) -> tuple[int, ...]:
    return tuple(int(v) for v in re.findall(r"\d+", text)[:3])


def _contrast(a: tuple[int, ...], b: tuple[int, ...]) -> float:
    def luminance(rgb: tuple[int, ...]) -> float:
        linear = [(c / 255) / 12.92 if c / 255 <= 0.03928 else ((c / 255 + 0.055) / 1.055) ** 2.4 for c in rgb]
        return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]

    high, low = sorted((luminance(a), luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


@pytest.mark.parametrize("size", [(320, 568), (390, 844)], ids=["320x568", "390x844"])
def test_three_tickets_qr_whole_centred_and_readable(browser, prod_env, size: tuple[int, int]) -> None:  # noqa: F811
    width, height = size
    context = browser.new_context(viewport={"width": width, "height": height}, locale="vi-VN",
                                  base_url=prod_env["url"])
    context.add_init_script(KEEP_AWAKE)
    try:
        page = context.new_page()
        login(page, HA, next_path="/metro/ticket")
        single = _tickets_for_this_phone(page, HA)[1]
        goto(page, "/metro/ticket")
        qr = page.locator("#metro-qr")
        expect(qr).to_have_attribute("data-qr", re.compile(r"^MT1:"))
        page.wait_for_timeout(300)  # the first drawing of the canvas

        box = page.evaluate(QR_BOX)
        assert box["top"] >= 56 and box["bottom"] <= box["vh"], box  # below the header, above the fold
        assert abs(box["left"] - (box["vw"] - box["right"])) <= 2, box  # centred
        assert box["width"] >= min(260, width - 60), box
        assert page.evaluate(UNCOVERED), "something (the bottom bar, a banner) covers part of the QR"
        expect(page.locator(".cds-bottom-nav")).to_be_hidden()
        path = ARTIFACTS / f"ticket-gate-{width}x{height}.png"
        page.screenshot(path=str(path))  # the screen as the gate's reader sees it, as first shown
        decoded = zxingcpp.read_barcodes(Image.open(path))
        assert decoded, f"zxing found no QR code on the {width}x{height} screen"
        shown = qr.get_attribute("data-qr") or ""
        assert parse_scan(decoded[0].text) is not None and decoded[0].text[:190] == shown[:190]  # same signed ticket

        assert qr.get_attribute("data-ticket") == single  # valid now and ends first (today 23:59)
        expect(page.locator("#metro-ticket-route")).to_have_text("Ga Bến Thành → Ga Thủ Đức")
        expect(page.locator("#metro-ticket-position")).to_have_text("Vé 1/3")
        assert page.evaluate("() => window.__wakeLocks") == ["screen"]
        expect(page.locator("#metro-bright")).to_be_visible()
        route_size = float(page.locator("#metro-ticket-route").evaluate("(el) => getComputedStyle(el).fontSize")[:-2])
        assert route_size >= 22

        chosen = page.locator(".mt-tabs button[aria-pressed=true]")
        colour, background = chosen.evaluate(COLOURS)
        assert _contrast(_rgb(colour), _rgb(background)) >= 4.5, (colour, background)

        card = page.locator("#metro-ticket-card").bounding_box()
        y = card["y"] + 40
        page.mouse.move(card["x"] + card["width"] - 20, y)
        page.mouse.down()
        page.mouse.move(card["x"] + 20, y, steps=8)
        page.mouse.up()  # one swipe to the left: the next ticket
        expect(page.locator("#metro-ticket-position")).to_have_text("Vé 2/3")
        expect(qr).not_to_have_attribute("data-ticket", single)
        expect(page.locator("#metro-ticket-product")).to_have_text(re.compile(r"^Vé [13] ngày$"))
    finally:
        context.close()


def test_the_ticket_valid_now_is_chosen(page: Page) -> None:
    goto(page, "/metro/ticket")
    page.wait_for_function("() => window.MetroTicketPage")
    now = 1_800_000_000
    tickets = [{"id": "later", "valid_from": now + 3600, "valid_until": now + 7200},
               {"id": "month", "valid_from": now - 86400, "valid_until": now + 86400 * 20},
               {"id": "today", "valid_from": now - 600, "valid_until": now + 3600},
               {"id": "gone", "valid_from": now - 7200, "valid_until": now - 60}]
    choose = "([list, wanted, at]) => MetroTicketPage.choose(list, wanted, at).id"
    assert page.evaluate(choose, [tickets, None, now]) == "today"
    assert page.evaluate(choose, [tickets, "month", now]) == "month"  # ?id= wins
    assert page.evaluate(choose, [tickets[:1], None, now]) == "later"


def test_used_single_ticket_and_day_pass_texts(page: Page, prod_env) -> None:  # noqa: F811
    from citizen_app.core.db import session_scope
    from citizen_app.metro import purchase
    from citizen_app.metro.gate import PHASE_DONE
    from citizen_app.metro.models import MetroTicket

    login(page, HA, next_path="/metro")
    expect(page.locator("#metro-validity-day_1")).to_have_text(
        "Hết hạn lúc 23:59 ngày mua (không phải 24 giờ sau khi mua).")
    expect(page.locator("#metro-validity-day_3")).to_contain_text("hết hạn lúc 23:59 ngày thứ 3")
    page.wait_for_function("() => window.MetroTicket")
    device_key = page.evaluate("() => MetroTicket.devicePublicKey()")
    with session_scope() as db:
        ticket = purchase.create_order(db, _user_id(HA), "single", device_key, origin="L1-02", destination="L1-05")
        purchase.fulfil_paid_order(db, ticket.order_ref)
        db.get(MetroTicket, ticket.id).phase = PHASE_DONE  # in at one station, out at the other
        ticket_id = ticket.id
    goto(page, "/metro/tickets")
    row = page.locator("#metro-purchases li", has=page.locator(f"a[href='/metro/receipt?id={ticket_id}']"))
    expect(row).to_contain_text("Đã sử dụng")
    expect(row).not_to_contain_text("Còn hiệu lực")
