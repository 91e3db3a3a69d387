"""Thin Reflex states of the wallet pages, and the ward desk's student credential offer.

Credentials, the holder key and presentations stay in the browser (assets/wallet/wallet.js via
wallet_ui.js); these states only hold what the pages show. Every handler takes the user from the
server-side session (``acting_user``) and the service layer authorizes.
"""

from __future__ import annotations

import reflex as rx

from citizen_app.core.db import session_scope
from citizen_app.core.errors import DomainError
from citizen_app.core.timeutil import format_datetime
from citizen_app.identity import profile
from citizen_app.identity.desk_state import DeskState
from citizen_app.identity.state import (
    NoticeMixin,
    acting_user,
    js_literal,
    result_code,
    scan_qr,
    scanned_text,
    ui_call,
)
from citizen_app.identity.views import msg, safe_error_key
from citizen_app.wallet import credentials as cr
from citizen_app.wallet import oid4vci, words
from citizen_app.wallet import service as views

# --- /wallet ------------------------------------------------------------------------------------------


class WalletState(NoticeMixin, rx.State):
    level: int = 0
    credentials: list[dict[str, str]] = []
    held: list[dict[str, str]] = []  # from other trusted issuers: {"vi", "en", "expires"}
    device_ids: list[str] = []
    secure_keys: bool = True
    _offer: str = ""
    # An OpenID4VCI offer of the citizen's own credentials to another wallet (their own secret: shown to them only).
    vci_offer: str = ""
    vci_tx_code: str = ""
    vci_expires: str = ""

    @rx.event
    async def load(self):
        self.error, self.info = {}, {}
        try:
            user_id = await self._user()
        except DomainError:
            self.credentials, self.held, self.level = [], [], 0
            return None
        with session_scope() as db:
            self.credentials = [row.as_dict() for row in views.credential_rows(db, user_id)]
            self.held = views.held_rows(db, user_id)
            prof = profile.get_profile(db, user_id)
            self.level = prof.level if prof else 1
        return rx.call_script(ui_call("deviceIds()"), callback=WalletState.set_device)

    @rx.event
    def set_device(self, result: dict):
        if isinstance(result, dict) and result.get("ok"):
            self.device_ids = [str(x) for x in result.get("ids", [])][:100]
            self.secure_keys = bool(result.get("secure"))

    @rx.event
    async def request(self, kind: str):
        if kind not in views.SELF_SERVICE_KINDS:
            self._fail_key("identity.credential.unknown_kind")
            return None
        try:
            await self._user()
        except DomainError as exc:
            self._fail(exc)
            return None
        self.error, self.info = {}, msg("identity.ui.working")
        return rx.call_script(ui_call(f"request({js_literal(kind)})"), callback=WalletState.issued)

    @rx.event
    async def issued(self, result: dict):
        if not isinstance(result, dict) or not result.get("ok"):
            self._fail_key(result_code(result))
            return None
        kind = str(result.get("kind", ""))
        self._ok("identity.ui.issued", kind=msg(safe_error_key(f"identity.kind.{kind}")))
        return WalletState.load_keep

    @rx.event
    async def load_keep(self):
        """Reload the list but keep the message."""
        info, error = self.info, self.error
        result = await self.load()
        self.info, self.error = info, error
        return result

    @rx.event
    async def revoke(self, credential_id: str):
        try:
            user_id = await self._user()
            with session_scope() as db:
                views.revoke_own_credential(db, user_id, int(credential_id))
        except (ValueError, TypeError):
            self._fail_key("error.not_found")
            return None
        except DomainError as exc:
            self._fail(exc)
            return None
        self._ok("identity.ui.revoked")
        return [rx.call_script(ui_call(f"forget({js_literal(str(credential_id))})")), WalletState.load_keep]

    @rx.event
    async def redeem_offer(self, form: dict):
        self._offer = str(form.get("offer", ""))[:2000]
        return rx.call_script(ui_call("holderJwk()"), callback=WalletState.offer_key)

    @rx.event
    async def offer_key(self, result: dict):
        if not isinstance(result, dict) or not result.get("ok"):
            self._fail_key(result_code(result))
            return None
        try:
            user_id = await self._user()
            with session_scope() as db:
                issued = views.redeem_student_offer(db, user_id, self._offer, result.get("jwk") or {})
                record = {"id": issued.record.id, "kind": "student", "keyMode": "browser",
                          "expiresAt": issued.record.expires_at.isoformat(), "credential": issued.credential}
        except DomainError as exc:
            self._fail(exc)
            return None
        self._offer = ""
        return rx.call_script(ui_call(f"store({js_literal(record)})"), callback=WalletState.issued)


    @rx.event
    async def offer_to_wallet(self, form: dict):
        """An OpenID4VCI credential offer (QR and link) with its one-time transaction code."""
        kinds = [kind for kind in oid4vci.OFFERABLE if form.get(f"vci_{kind}")]
        try:
            user_id = await self._user()
            with session_scope() as db:
                offer = oid4vci.create_offer(db, user_id, kinds)
        except DomainError as exc:
            self._fail(exc)
            return None
        self.vci_offer, self.vci_tx_code = offer.link, offer.tx_code
        self.vci_expires = format_datetime(offer.expires_at)
        self._ok("identity.oid4vci.offer_made")
        return rx.call_script(ui_call(f"renderQr('vci-offer-qr', {js_literal(offer.link)}, 'M')"))


# --- /wallet/present -----------------------------------------------------------------------------------------


class PresentState(NoticeMixin, rx.State):
    options: list[dict[str, str]] = []  # active credentials that are on this device
    selected: str = ""
    kind: str = ""
    claims: list[str] = []
    chosen: list[str] = []
    mode: str = "nonce"
    request_text: str = ""
    requester: str = ""  # the verifier's technical audience (under "details")
    requester_name: dict[str, str] = {}  # who asked, in words
    shown: dict[str, str] = {}
    _active: list[dict[str, str]] = []

    @rx.event
    async def load(self):
        self.error, self.info, self.shown, self.requester, self.request_text = {}, {}, {}, "", ""
        user_id, _ = await acting_user(self)
        if user_id is None:
            self.options, self._active = [], []
            return None
        with session_scope() as db:
            self._active = [r.as_dict() for r in views.credential_rows(db, user_id) if r.status == "valid"]
        return rx.call_script(ui_call("deviceIds()"), callback=PresentState.set_device)

    @rx.event
    def set_device(self, result: dict):
        ids = {str(x) for x in result.get("ids", [])} if isinstance(result, dict) and result.get("ok") else set()
        self.options = [row for row in self._active if row["id"] in ids]
        wanted = self.router.url.query_parameters.get("id", "")
        fallback = self.options[0]["id"] if self.options else ""
        self._select(next((r["id"] for r in self.options if r["id"] == wanted), fallback))

    def _select(self, credential_id: str) -> None:
        row = next((r for r in self.options if r["id"] == credential_id), None)
        self.selected = row["id"] if row else ""
        self.kind = row["kind"] if row else ""
        self.claims = list(views.DISCLOSABLE.get(self.kind, ()))
        self.chosen = views.default_disclosure(self.kind)
        self.shown = {}

    @rx.event
    def choose(self, credential_id: str):
        self._select(str(credential_id))

    @rx.event
    def toggle_claim(self, name: str):
        if name in self.chosen:
            self.chosen = [c for c in self.chosen if c != name]
        elif name in self.claims:
            self.chosen = [c for c in self.claims if c in {*self.chosen, name}]
        self.shown = {}

    @rx.event
    def set_mode(self, mode: str):
        self.mode = "one_time" if mode == "one_time" else "nonce"
        self.shown, self.error = {}, {}

    @rx.event
    def scan_request(self):
        return scan_qr("scan-video", PresentState.scanned)

    @rx.event
    def scanned(self, result: dict):
        text = scanned_text(result, 300)
        if text is None:
            self._fail_key(result_code(result))
            return None
        return PresentState.use_request(text)

    @rx.event
    def read_request(self, form: dict):
        return PresentState.use_request(str(form.get("request", ""))[:300])

    @rx.event
    def use_request(self, text: str):
        try:
            _, aud = cr.parse_verifier_request(text.strip())
        except DomainError as exc:
            self._fail(exc)
            return None
        self.request_text, self.requester, self.error = text.strip(), aud, {}
        self.requester_name = words.verifier_name(aud)
        return None

    @rx.event
    def make(self):
        if not self.selected:
            self._fail_key("identity.ui.not_on_device")
            return None
        if self.mode == "nonce" and not self.request_text:
            self._fail_key("identity.ui.request_first")
            return None
        opts = {"id": self.selected, "disclose": views.clean_disclosure(self.kind, self.chosen), "mode": self.mode,
                "request": self.request_text if self.mode == "nonce" else ""}
        self.error, self.info = {}, msg("identity.ui.working")
        return rx.call_script(ui_call(f"present({js_literal(opts)})"), callback=PresentState.presented)

    @rx.event
    def presented(self, result: dict):
        if not isinstance(result, dict) or not result.get("ok"):
            self._fail_key(result_code(result))
            return
        self.info = {}
        self.shown = {"aud": str(result.get("aud", ""))[:120], "version": str(result.get("version", "")),
                      "chars": str(result.get("chars", "")), "raw": str(result.get("raw", "")),
                      "key_mode": str(result.get("key_mode", ""))}


# --- /verify (any visitor: a shop, the metro gate, an official) ---------------------------------------------


class VerifierState(NoticeMixin, rx.State):
    request_qr: str = ""
    audience: str = ""  # technical, under "details"
    audience_name: dict[str, str] = {}
    expires: str = ""
    qr_version: str = ""
    checked: bool = False
    valid: bool = False
    request_used: bool = False
    result: dict[str, str] = {}
    headline: dict[str, str] = {}
    reason: dict[str, str] = {}
    claims: list[dict[str, str]] = []
    _nonce: str = ""

    @rx.event
    async def new_request(self):
        user_id, _ = await acting_user(self)
        with session_scope() as db:
            req = views.new_verifier_request(db, user_id)
        self._nonce, self.request_qr, self.audience = req.nonce, req.qr_text, req.aud
        self.audience_name = words.verifier_name(req.aud)
        self.expires = format_datetime(req.expires_at)
        self.checked, self.valid, self.result, self.claims, self.error = False, False, {}, [], {}
        self.request_used = False
        self.headline, self.reason = {}, {}
        return rx.call_script(ui_call(f"renderQr('vr-qr', {js_literal(req.qr_text)}, 'M')"),
                              callback=VerifierState.drawn)

    @rx.event
    def drawn(self, result: dict):
        self.qr_version = str(result.get("version", "")) if isinstance(result, dict) else ""

    @rx.event
    def check(self, form: dict):
        return VerifierState.check_text(str(form.get("code", ""))[:20000])

    @rx.event
    def check_text(self, text: str):
        outcome = views.verify_at_counter(text, self._nonce or None)
        self.checked, self.valid = True, outcome.ok
        self.request_used = self.request_used or outcome.consumed
        self.headline, self.reason = outcome.headline, outcome.reason
        self.result = {"issuer": outcome.issuer, "expires": outcome.expires, "status_checked": outcome.status_checked,
                       "mode": outcome.mode, "kind": outcome.kind, "vct": outcome.vct,
                       "issuer_vi": outcome.issuer_name.get("vi", ""), "issuer_en": outcome.issuer_name.get("en", "")}
        self.claims = outcome.claims
        return rx.call_script("document.getElementById('verify-result')?.focus()")

    @rx.event
    def scan(self):
        return scan_qr("verify-video", VerifierState.scanned)

    @rx.event
    def scanned(self, result: dict):
        text = scanned_text(result, 20000)
        if text is None:
            self._fail_key(result_code(result))
            return None
        return VerifierState.check_text(text)


# --- the ward desk's student credential offer (a section of identity's desk page) --------------------------------


class StudentOfferState(rx.State):
    """An official who checked the student card makes a single-use offer the student's wallet redeems
    (``service.make_student_offer``); messages show at the top of the desk page (``DeskState``)."""

    offer: str = ""

    def _clear_desk(self) -> None:
        self.offer = ""

    @rx.event
    async def make(self, form: dict):
        desk = await self.get_state(DeskState)
        self.offer = ""
        try:
            actor = await desk._user()
            with session_scope() as db:
                self.offer = views.make_student_offer(db, actor, str(form.get("phone", ""))[:20],
                                                      str(form.get("school", ""))[:200],
                                                      str(form.get("student_name", ""))[:200])
        except DomainError as exc:
            desk._fail(exc)
            return None
        desk._ok("identity.desk.offer_ready")
        return rx.call_script(ui_call(f"renderQr('offer-qr', {js_literal(self.offer)}, 'M')"))
