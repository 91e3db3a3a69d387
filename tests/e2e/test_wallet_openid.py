"""OpenID4VC in the browser: a ward official asks through a registered relying party for "over 18" only (OpenID4VP),
Mrs. Mai reads who asks and why, consents, and her browser wallet answers; she also offers a credential to another
wallet (OpenID4VCI offer QR with its one-time code)."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlsplit

from playwright.sync_api import expect

from tests.e2e.helpers import MAI, WARD_OFFICIAL, goto, login
from tests.e2e.test_wallet import _decode_canvas, _new_page


def test_mai_answers_an_openid4vp_request_for_over_18_only(browser, prod_app) -> None:
    mai_ctx, mai = _new_page(browser, prod_app)
    desk_ctx, desk = _new_page(browser, prod_app)
    try:
        login(mai, MAI, next_path="/wallet")
        mai.locator("#request-age18").click()
        expect(mai.locator("#wallet-info")).to_contain_text("18")

        mai.locator("#vci-offer summary").click()
        mai.locator("#vci-age18").check()
        mai.locator("#vci-offer-submit").click()
        expect(mai.locator("#vci-tx-code")).to_have_text(re.compile(r"^\d{6}$"))
        link = mai.locator("#vci-offer-link").get_attribute("href") or ""
        assert link.startswith("openid-credential-offer://?credential_offer=")
        assert _decode_canvas(mai, "#vci-offer-qr", link) == link

        login(desk, WARD_OFFICIAL, next_path="/verify/openid")
        desk.locator("#f-question").select_option("cds-rp-metro-youth|age18")
        desk.locator("#vp-make").click()
        expect(desk.locator("#vp-link")).to_be_visible()
        request = desk.locator("#vp-link").get_attribute("href") or ""
        assert parse_qs(urlsplit(request).query)["client_id"] == ["cds-rp-metro-youth"]
        assert _decode_canvas(desk, "#vp-request-qr", request) == request

        goto(mai, "/wallet/openid")
        mai.locator("#f-request").fill(request)
        mai.locator("#vp-read").click()
        expect(mai.locator("#vp-asker")).to_have_text("Đường sắt đô thị số 1 — vé ưu đãi")
        expect(mai.locator("#vp-purpose")).to_contain_text("không cần ngày sinh")
        expect(mai.locator("#vp-will-share")).to_have_text("Trên 18 tuổi")
        mai.locator("#vp-share").click()
        expect(mai.locator("#wallet-info")).to_contain_text("Đã gửi")

        desk.locator("#vp-check").click()
        expect(desk.locator("#wallet-info")).to_contain_text("Hợp lệ")
        expect(desk.locator("#vp-claims")).to_contain_text("Trên 18 tuổi")
        expect(desk.locator("#vp-claims")).not_to_contain_text("Ngày sinh")

        goto(mai, "/wallet/activity")
        expect(mai.locator("#activity-list li").first).to_contain_text("Đường sắt đô thị số 1")
    finally:
        mai_ctx.close()
        desk_ctx.close()
