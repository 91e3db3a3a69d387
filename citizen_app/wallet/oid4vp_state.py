"""Thin states of OpenID4VP: the verifier console of registered relying parties (/verify/openid) and the citizen's
answer to a request (/wallet/openid). Rules in ``oid4vp.py``; the user comes from the server-side session."""

from __future__ import annotations

import reflex as rx

from citizen_app.core.db import session_scope
from citizen_app.core.errors import DomainError
from citizen_app.core.outbound_pool import run_outbound
from citizen_app.i18n.catalog import LANGS
from citizen_app.identity.state import NoticeMixin, js_literal, result_code, scan_qr, scanned_text, ui_call
from citizen_app.identity.views import msg
from citizen_app.wallet import oid4vci_holder, oid4vp, oid4vp_holder, words
from citizen_app.wallet import service as views
from citizen_app.wallet.oid4vci import OFFER_SCHEME


class OpenidConsoleState(NoticeMixin, rx.State):
    """A relying party's staff asks a citizen's wallet for exactly one registered question."""

    parties: list[dict[str, str]] = []  # one row per (party, question): value "client_id|query", words to read
    link: str = ""
    outcome: str = ""  # "", "waiting", "verified", "refused", "expired"
    claims: list[dict[str, str]] = []
    _request_id: str = ""

    @rx.event
    async def load(self):
        self.error, self.info, self.link, self.outcome, self.claims = {}, {}, "", "", []
        try:
            user_id = await self._user()
        except DomainError as exc:
            self._fail(exc)
            return
        with session_scope() as db:
            parties = oid4vp.consoles_for(db, user_id)
        self.parties = [{"value": f"{rp.client_id}|{q.id}",
                         **{lang: f"{getattr(rp.name, lang)}: {words.claim_list(q.claims, lang)}" for lang in LANGS}}
                        for rp in parties for q in rp.queries]

    @rx.event
    async def make(self, form: dict):
        client_id, _, query = str(form.get("question", "")).partition("|")
        try:
            user_id = await self._user()
            with session_scope() as db:
                made = oid4vp.create_request(db, user_id, client_id, query, encrypted=bool(form.get("encrypted")))
        except DomainError as exc:
            self._fail(exc)
            return None
        self._request_id, self.link, self.outcome, self.claims = made.id, made.link, "waiting", []
        self._ok("identity.oid4vp.request_made")
        return rx.call_script(ui_call(f"renderQr('vp-request-qr', {js_literal(made.link)}, 'M')"))

    @rx.event
    async def check(self):
        try:
            user_id = await self._user()
            with session_scope() as db:
                outcome = oid4vp.request_outcome(db, user_id, self._request_id)
        except DomainError as exc:
            self._fail(exc)
            return
        self.outcome = outcome.state
        self.claims = [views.claim_line(k, v) for k, v in outcome.claims.items()]
        if outcome.state == "refused":
            self.error, self.info = msg(outcome.error), {}
        else:
            self._ok(f"identity.oid4vp.outcome_{outcome.state}")


class OpenidAnswerState(NoticeMixin, rx.State):
    """The citizen reads who asks, why and for what, then consents; the browser posts the answer."""

    asker: dict[str, str] = {}
    asker_logo: str = ""
    purpose: dict[str, str] = {}
    known: bool = False
    claims: list[dict[str, str]] = []
    answered: bool = False
    _view: dict = {}

    # A credential offer of another trusted issuer read from the same field (oid4vci_holder.py).
    offer_issuer: dict[str, str] = {}
    offer_items: list[dict[str, str]] = []
    offer_tx: bool = False
    offer_tx_hint: str = ""
    _offer: dict = {}

    @rx.event
    def scan(self):
        """The camera reads a verifier's request or an issuer's offer QR (BarcodeDetector; else the field)."""
        return scan_qr("vp-scan-video", OpenidAnswerState.scanned)

    @rx.event
    def scanned(self, result: dict):
        text = scanned_text(result, oid4vp_holder.MAX_PARAM * 2)
        if text is None:
            self._fail_key(result_code(result))
            return None
        return OpenidAnswerState.read({"request": text})

    @rx.event
    async def read(self, form: dict):
        self.asker, self.asker_logo, self.purpose, self.claims, self.answered, self._view = {}, "", {}, [], False, {}
        self._clear_offer()
        link = str(form.get("request", "")).strip()[:oid4vp_holder.MAX_PARAM * 2]
        try:
            await self._user()
            if link.startswith(OFFER_SCHEME):
                await self._read_offer(link)
                return
            with session_scope() as db:
                view = oid4vp_holder.read_request(db, link)
        except DomainError as exc:
            self._fail(exc)
            return
        self.error, self.info = {}, {}
        self.asker, self.asker_logo, self.purpose, self.known = view.name, view.logo, view.purpose, view.known
        self.claims = [words.claim_label(name) for name in view.claims]
        self._view = {"kind": view.kind, "claims": view.claims, "aud": view.client_id, "nonce": view.nonce,
                      "state": view.state, "responseUri": view.response_uri, "queryId": view.query_id,
                      "request": link, "relay": not view.known or view.encryption is not None}

    def _clear_offer(self) -> None:
        self.offer_issuer, self.offer_items, self.offer_tx, self.offer_tx_hint, self._offer = {}, [], False, "", {}

    async def _read_offer(self, link: str) -> None:
        """Who offers which credentials (names from the trust list), and whether a transaction code is needed."""
        view = await run_outbound(oid4vci_holder.read_offer, link)
        self.error, self.info = {}, {}
        self.offer_issuer = view.issuer_name
        self.offer_items = [{"vi": c["vi"], "en": c["en"]} for c in view.credentials]
        self.offer_tx = view.tx_code is not None
        self.offer_tx_hint = str((view.tx_code or {}).get("description") or "")
        self._offer = {"offer": link, "issuer": view.issuer, "nonces": view.nonces}

    @rx.event
    async def accept_offer(self, form: dict):
        if not self._offer:
            self._fail_key("identity.foreign.bad_offer")
            return None
        try:
            await self._user()
        except DomainError as exc:
            self._fail(exc)
            return None
        self.error, self.info = {}, msg("identity.ui.working")
        opts = {**self._offer, "tx_code": str(form.get("tx_code", "")).strip()[:64]}
        return rx.call_script(ui_call(f"acceptOffer({js_literal(opts)})"), callback=OpenidAnswerState.offer_done)

    @rx.event
    def offer_done(self, result: dict):
        if isinstance(result, dict) and result.get("ok"):
            self._clear_offer()
            self._ok("identity.foreign.saved")
        else:
            self.info = {}
            self._fail_key(result_code(result))

    @rx.event
    def decline_offer(self):
        self._clear_offer()
        self._ok("identity.foreign.declined")

    @rx.event
    async def share(self):
        if not self._view:
            self._fail_key("identity.oid4vp.bad_request")
            return None
        try:
            await self._user()
        except DomainError as exc:
            self._fail(exc)
            return None
        return rx.call_script(ui_call(f"answerOpenid({js_literal(self._view)})"), callback=OpenidAnswerState.done)

    @rx.event
    def done(self, result: dict):
        if isinstance(result, dict) and result.get("ok"):
            self.answered, self._view, self.claims = True, {}, []
            self._ok("identity.oid4vp.shared")
        elif isinstance(result, dict) and isinstance(result.get("message"), dict):
            self.error, self.info = {k: str(result["message"].get(k, ""))[:300] for k in ("vi", "en")}, {}
        else:
            self._fail_key(result_code(result))

    @rx.event
    def decline(self):
        self.asker, self.asker_logo, self.purpose, self.claims, self._view = {}, "", {}, [], {}
        self._ok("identity.oid4vp.declined")
