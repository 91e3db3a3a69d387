"""OpenID4VC in the browser: a ward official asks through a registered relying party for "over 18" only (OpenID4VP),
Mrs. Mai reads who asks and why, consents, and her browser wallet answers; she also offers a credential to another
wallet (OpenID4VCI offer QR with its one-time code)."""

from __future__ import annotations

import json
import re
from urllib.parse import parse_qs, urlencode, urlsplit

from playwright.sync_api import expect

from tests.e2e.helpers import MAI, WARD_OFFICIAL, goto, login
from tests.e2e.test_wallet import _decode_canvas, _new_page


def _mai_holds_an_age_credential(mai) -> None:
    login(mai, MAI, next_path="/wallet")
    mai.locator("#request-age18").click()
    expect(mai.locator("#wallet-info")).to_contain_text("18")


def test_mai_answers_an_openid4vp_request_for_over_18_only(browser, prod_app) -> None:
    mai_ctx, mai = _new_page(browser, prod_app)
    desk_ctx, desk = _new_page(browser, prod_app)
    try:
        _mai_holds_an_age_credential(mai)

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
        expect(mai.locator("#vp-asker-logo")).to_have_attribute("src", "/wallet/logos/metro-line1.svg")
        mai.wait_for_function("() => document.getElementById('vp-asker-logo').naturalWidth > 0")  # the app serves it
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


def test_an_encrypted_request_and_an_unknown_verifier(browser, prod_app) -> None:
    """The desk asks for an encrypted answer (direct_post.jwt): Mai's browser makes the presentation and the server
    encrypts and delivers it. A request of a verifier outside the registry is marked unknown, with a warning, and
    declining sends nothing."""
    mai_ctx, mai = _new_page(browser, prod_app)
    desk_ctx, desk = _new_page(browser, prod_app)
    try:
        _mai_holds_an_age_credential(mai)

        login(desk, WARD_OFFICIAL, next_path="/verify/openid")
        desk.locator("#f-question").select_option("cds-rp-metro-youth|age18")
        desk.locator("#f-encrypted").check()
        desk.locator("#vp-make").click()
        expect(desk.locator("#vp-link")).to_be_visible()
        request = desk.locator("#vp-link").get_attribute("href") or ""

        goto(mai, "/wallet/openid")
        mai.locator("#f-request").fill(request)
        mai.locator("#vp-read").click()
        expect(mai.locator("#vp-asker")).to_have_text("Đường sắt đô thị số 1 — vé ưu đãi")
        mai.locator("#vp-share").click()
        expect(mai.locator("#wallet-info")).to_contain_text("Đã gửi")
        desk.locator("#vp-check").click()
        expect(desk.locator("#vp-claims")).to_contain_text("Trên 18 tuổi")

        uri = "https://bank.example/openid4vp"
        dcql = ('{"credentials":[{"id":"q","format":"dc+sd-jwt","meta":{"vct_values":["urn:cds:a18"]},'
                '"claims":[{"path":["age_over_18"]}]}]}')
        unknown = "openid4vp://?" + urlencode({"response_type": "vp_token", "client_id": f"redirect_uri:{uri}",
                                               "response_uri": uri, "response_mode": "direct_post",
                                               "nonce": "n-0123456789", "state": "s", "dcql_query": dcql})
        mai.locator("#f-request").fill(unknown)
        mai.locator("#vp-read").click()
        expect(mai.locator("#vp-asker")).to_have_text("Bên yêu cầu chưa đăng ký với thành phố (bank.example)")
        expect(mai.locator("#vp-asker-logo")).to_have_count(0)  # an unknown verifier shows no logo of its own
        expect(mai.get_by_text("Bên này chưa đăng ký với thành phố")).to_be_visible()
        expect(mai.locator("#vp-will-share")).to_have_text("Trên 18 tuổi")
        mai.locator("#vp-decline").click()
        expect(mai.locator("#wallet-info")).to_contain_text("Không có gì được gửi")
    finally:
        mai_ctx.close()
        desk_ctx.close()


def test_an_offer_from_an_issuer_the_city_does_not_trust_is_refused_in_words(browser, prod_app) -> None:
    """The same field takes credential offers; an issuer not on data/wallet/trusted_issuers.json is never called."""
    offer = {"credential_issuer": "https://issuer.example", "credential_configuration_ids": ["cds_age18"],
             "grants": {"urn:ietf:params:oauth:grant-type:pre-authorized_code": {"pre-authorized_code": "c0de"}}}
    link = "openid-credential-offer://?" + urlencode({"credential_offer": json.dumps(offer)})
    mai_ctx, mai = _new_page(browser, prod_app)
    try:
        login(mai, MAI, next_path="/wallet")
        expect(mai.locator("#receive-offer-link")).to_be_visible()
        mai.locator("#receive-offer-link").click()
        mai.locator("#f-request").fill(link)
        mai.locator("#vp-read").click()
        expect(mai.locator("#form-error")).to_contain_text("không nằm trong danh sách nơi cấp mà thành phố tin cậy")
        expect(mai.locator("#vci-accept")).to_have_count(0)
    finally:
        mai_ctx.close()
