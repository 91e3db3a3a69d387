"""OpenID4VCI in the browser: a registered wallet (``E2E_WALLET``) sends Mrs. Mai to the city's authorization page; she
signs in with the app's own login, reads which wallet asks for what, and allows (the wallet gets a code and ``iss``) or
refuses (``access_denied``). A proof of residence then waits for the ward: Mr. Bình approves one request on the wallet's
back office at 320 px and refuses another with a reason at 1366 px, and the wallet's deferred requests are answered."""

from __future__ import annotations

import json
import re
import secrets
from urllib.parse import parse_qs, urlencode, urlsplit

from playwright.sync_api import Page, Route, expect

from citizen_app.core.timeutil import utcnow
from citizen_app.identity.crypto import epoch, jws_encode, new_p256_key, public_jwk
from citizen_app.wallet import oid4vci
from citizen_app.wallet.oid4vci_authorize import pkce_s256
from tests.conftest import E2E_WALLET, wait_hydrated
from tests.e2e.helpers import DEMO_PASSWORD, MAI, WARD_OFFICIAL, goto, login
from tests.e2e.test_accessibility import _violations
from tests.e2e.test_wallet import _new_page

# The wallet's loopback redirect URI (a registered loopback URI matches any port); the browser context answers it.
CALLBACK = "http://127.0.0.1:47913/callback"


class Wallet:
    """The wallet's side of the flow, over HTTP from Mai's browser context: PKCE, its callback, the endpoints."""

    def __init__(self, page: Page) -> None:
        self.page, self.verifier, self.state = page, secrets.token_urlsafe(48), secrets.token_urlsafe(8)
        page.context.route(CALLBACK + "*", self._callback)

    @staticmethod
    def _callback(route: Route) -> None:
        route.fulfill(status=200, content_type="text/html", body="<!doctype html><title>wallet</title><p>wallet</p>")

    def authorization_url(self, scope: str) -> str:
        return oid4vci.PATHS["authorize"] + "?" + urlencode({
            "response_type": "code", "client_id": E2E_WALLET["client_id"], "redirect_uri": CALLBACK,
            "state": self.state, "code_challenge": pkce_s256(self.verifier), "code_challenge_method": "S256",
            "scope": scope})

    def answer(self) -> dict[str, str]:
        """What the wallet received at its redirect URI."""
        self.page.wait_for_url(re.compile(re.escape(CALLBACK) + r"\?"))
        return {k: v[0] for k, v in parse_qs(urlsplit(self.page.url).query).items()}

    def token(self, code: str) -> str:
        response = self.page.request.post(oid4vci.PATHS["token"], form={
            "grant_type": "authorization_code", "code": code, "redirect_uri": CALLBACK,
            "code_verifier": self.verifier, "client_id": E2E_WALLET["client_id"]})
        assert response.ok, response.text()
        return response.json()["access_token"]

    def _post(self, path: str, access: str, body: dict):
        return self.page.request.post(path, data=json.dumps(body), headers={
            "authorization": f"Bearer {access}", "content-type": "application/json"})

    def request_residence(self, access: str, issuer: str) -> str:
        key = new_p256_key()
        nonce = self.page.request.post(oid4vci.PATHS["nonce"]).json()["c_nonce"]
        proof = jws_encode({"alg": "ES256", "typ": oid4vci.PROOF_TYP, "jwk": public_jwk(key)},
                           {"aud": issuer, "iat": epoch(utcnow()), "nonce": nonce}, key)
        started = self._post(oid4vci.PATHS["credential"], access,
                             {"credential_configuration_id": "cds_residence", "proofs": {"jwt": [proof]}})
        assert started.status == 202, started.text()
        return started.json()["transaction_id"]

    def deferred(self, access: str, transaction_id: str):
        return self._post(oid4vci.PATHS["deferred"], access, {"transaction_id": transaction_id})


def _sign_in_from_the_wallet(page: Page, url: str) -> None:
    """The wallet opens the authorization URL; without a session the app's own login comes first."""
    page.goto(url)
    page.wait_for_url(re.compile(r"/login/?\?next="))
    wait_hydrated(page)
    page.locator("#f-identifier").fill(MAI)
    page.locator("#f-password").fill(DEMO_PASSWORD)
    page.locator("#login-submit").click()
    page.wait_for_url(re.compile(re.escape(oid4vci.PATHS["authorize"])))


def test_a_wallet_asks_mai_signs_in_reads_who_asks_for_what_and_allows_or_refuses(browser, prod_app) -> None:
    context, mai = _new_page(browser, prod_app)
    try:
        wallet = Wallet(mai)
        _sign_in_from_the_wallet(mai, wallet.authorization_url("cds_age18"))
        expect(mai.locator("h1")).to_have_text("Cho phép ví nhận giấy tờ của bạn?")
        expect(mai.locator("#authz-who")).to_have_text("Ví «Ví thử nghiệm châu Âu» xin nhận các giấy tờ sau của bạn:")
        expect(mai.locator("#authz-kinds")).to_contain_text("xác nhận trên 18 tuổi")
        expect(mai.locator("#authz-kinds")).to_contain_text("Trên 18 tuổi")
        expect(mai.locator("#authz-kinds")).not_to_contain_text("age_over_18")
        mai.locator("#authz-allow").click()
        answer = wallet.answer()
        assert set(answer) == {"code", "state", "iss"}
        assert answer["state"] == wallet.state and answer["iss"] == prod_app["url"]
        assert wallet.token(answer["code"])  # the code is real: the token endpoint exchanges it once

        mai.goto(wallet.authorization_url("cds_age18"))  # signed in now: straight to the consent page
        expect(mai.locator("#authz-who")).to_contain_text("Ví thử nghiệm châu Âu")
        mai.locator("#authz-deny").click()
        assert wallet.answer() == {"error": "access_denied", "state": wallet.state, "iss": prod_app["url"]}
    finally:
        context.close()


def _waiting_residence(wallet: Wallet, page: Page, issuer: str) -> tuple[str, str]:
    page.goto(wallet.authorization_url("cds_residence"))
    expect(page.locator("#authz-kinds")).to_contain_text("xác nhận cư trú")
    page.locator("#authz-allow").click()
    access = wallet.token(wallet.answer()["code"])
    transaction_id = wallet.request_residence(access, issuer)
    assert wallet.deferred(access, transaction_id).status == 202  # still waiting for the ward
    return access, transaction_id


def _fits(page: Page, width: int) -> None:
    assert page.evaluate("() => document.documentElement.scrollWidth") <= width


def test_the_ward_official_approves_one_request_and_refuses_another_and_the_wallet_is_answered(browser,
                                                                                                 prod_app) -> None:
    mai_ctx, mai = _new_page(browser, prod_app)
    desk_ctx = browser.new_context(viewport={"width": 320, "height": 720}, locale="vi-VN", base_url=prod_app["url"])
    desk = desk_ctx.new_page()
    try:
        wallet = Wallet(mai)
        issuer = mai.request.get("/.well-known/openid-credential-issuer").json()["credential_issuer"]
        login(mai, MAI)
        approved = _waiting_residence(wallet, mai, issuer)

        login(desk, WARD_OFFICIAL, next_path="/wallet")
        desk.locator("#approvals-link").click()
        desk.wait_for_url(re.compile(r"/wallet/approvals$"))
        wait_hydrated(desk)
        request = desk.locator("#approval-list li").last
        expect(request).to_contain_text("Lê Thị Mai")
        expect(request).to_contain_text("1966")
        expect(request).to_contain_text("xác nhận cư trú")
        expect(request).to_contain_text("Ví thử nghiệm châu Âu")
        expect(request).not_to_contain_text("079166001234")
        expect(request).not_to_contain_text("Cao Thắng")
        _fits(desk, 320)
        assert _violations(desk) == []
        request.get_by_role("button", name="Duyệt").click()
        expect(desk.locator("#approval-consequence")).to_contain_text("Ví thử nghiệm châu Âu sẽ nhận xác nhận cư trú "
                                                                      "của Lê Thị Mai")
        assert wallet.deferred(*approved).status == 202  # nothing decided before the confirmation
        desk.locator("#approval-confirm").click()
        expect(desk.locator("#wallet-info")).to_contain_text("Đã duyệt yêu cầu của Lê Thị Mai")
        _fits(desk, 320)

        issued = wallet.deferred(*approved)
        assert issued.status == 200, issued.text()
        [credential] = [item["credential"] for item in issued.json()["credentials"]]
        assert credential.count("~") >= 2  # an SD-JWT VC with its disclosures

        refused = _waiting_residence(wallet, mai, issuer)
        desk.set_viewport_size({"width": 1366, "height": 900})
        goto(desk, "/wallet/approvals")
        desk.locator("#approval-list li").last.get_by_role("button", name="Từ chối").click()
        expect(desk.locator("#approval-panel")).to_contain_text("Công dân được báo kèm lý do")
        assert _violations(desk) == []
        desk.locator("#f-note").fill("Địa chỉ trong hồ sơ chưa khớp sổ tạm trú, mời bà đến UBND phường.")
        desk.locator("#approval-confirm").click()
        expect(desk.locator("#wallet-info")).to_contain_text("Đã từ chối yêu cầu của Lê Thị Mai")
        _fits(desk, 1366)
        denied = wallet.deferred(*refused)
        assert denied.status == 400 and denied.json()["error"] == "credential_request_denied"

        goto(mai, "/wallet/activity")
        log = mai.locator("#activity-list")
        expect(log).to_contain_text("đã từ chối yêu cầu nhận xác nhận cư trú vào một ví khác. Lý do: Địa chỉ trong hồ "
                                    "sơ chưa khớp sổ tạm trú")
        expect(log).to_contain_text("Cán bộ UBND phường Bàn Cờ đã duyệt yêu cầu nhận xác nhận cư trú")
    finally:
        mai_ctx.close()
        desk_ctx.close()
