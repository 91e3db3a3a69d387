"""Thin Reflex states of the identity wallet pages.

Credentials, the holder key and presentations stay in the browser (assets/wallet/wallet.js via
wallet_ui.js); these states only hold what the pages show. Every handler takes the user from the
server-side session (``acting_user``) and the service layer authorizes.
"""

from __future__ import annotations

import json
from typing import Any

import reflex as rx

from citizen_app.core.db import read_scope, session_scope
from citizen_app.core.errors import DomainError, NotAllowed
from citizen_app.core.timeutil import format_date, format_datetime
from citizen_app.i18n.state import LangState
from citizen_app.identity import activity, desk, passkeys, profile, recovery
from citizen_app.identity import views as identity_views
from citizen_app.identity.state import acting_user
from citizen_app.signing import service as signing
from citizen_app.ui.delta import set_changed
from citizen_app.wallet import credentials as cr
from citizen_app.wallet import service as views

WALLET_UI_JS = "/wallet/wallet_ui.js"


def ui_call(call: str) -> str:
    """JavaScript that waits for wallet_ui.js, then runs ``CdsWalletUI.<call>`` (a promise)."""
    return ("(async () => { for (let i = 0; i < 200 && !window.CdsWalletUI; i++) "
            "await new Promise(r => setTimeout(r, 25)); "
            f"return window.CdsWalletUI ? window.CdsWalletUI.{call} "
            ": {ok: false, code: 'identity.ui.script_failed'}; })()")


def _js(value: Any) -> str:
    return json.dumps(value, ensure_ascii=True)


def _result_code(result: Any) -> str:
    return identity_views.safe_error_key(result.get("code") if isinstance(result, dict) else None)


class WalletBase(rx.State, mixin=True):
    """Shared message/error vars: both are ``{"vi", "en"}`` dicts shown with ``t_var``."""

    error: dict[str, str] = {}
    info: dict[str, str] = {}

    def _fail(self, exc: DomainError) -> None:
        self.error, self.info = identity_views.msg(exc.code, **exc.params), {}

    def _fail_key(self, key: str) -> None:
        self.error, self.info = identity_views.msg(identity_views.safe_error_key(key)), {}

    def _ok(self, key: str, **params: object) -> None:
        self.error, self.info = {}, identity_views.msg(key, **params)

    async def _user(self) -> int:
        user_id, _ = await acting_user(self)
        if user_id is None:
            raise NotAllowed("error.login_required")
        return user_id


# --- /wallet ------------------------------------------------------------------------------------------


class WalletState(WalletBase, rx.State):
    level: int = 0
    credentials: list[dict[str, str]] = []
    device_ids: list[str] = []
    secure_keys: bool = True
    _offer: str = ""

    @rx.event
    async def load(self):
        self.error, self.info = {}, {}
        try:
            user_id = await self._user()
        except DomainError:
            self.credentials, self.level = [], 0
            return None
        with session_scope() as db:
            self.credentials = [row.as_dict() for row in views.credential_rows(db, user_id)]
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
        self.error, self.info = {}, identity_views.msg("identity.ui.working")
        return rx.call_script(ui_call(f"request({_js(kind)})"), callback=WalletState.issued)

    @rx.event
    async def issued(self, result: dict):
        if not isinstance(result, dict) or not result.get("ok"):
            self._fail_key(_result_code(result))
            return None
        kind = str(result.get("kind", ""))
        self._ok("identity.ui.issued", kind=identity_views.msg(identity_views.safe_error_key(f"identity.kind.{kind}")))
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
        return [rx.call_script(ui_call(f"forget({_js(str(credential_id))})")), WalletState.load_keep]

    @rx.event
    async def redeem_offer(self, form: dict):
        self._offer = str(form.get("offer", ""))[:2000]
        return rx.call_script(ui_call("holderJwk()"), callback=WalletState.offer_key)

    @rx.event
    async def offer_key(self, result: dict):
        if not isinstance(result, dict) or not result.get("ok"):
            self._fail_key(_result_code(result))
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
        return rx.call_script(ui_call(f"store({_js(record)})"), callback=WalletState.issued)


# --- /wallet/profile -----------------------------------------------------------------------------------


class ProfileState(WalletBase, rx.State):
    values: dict[str, str] = {}

    @rx.event
    async def load(self):
        self.error, self.info = {}, {}
        user_id, _ = await acting_user(self)
        if user_id is None:
            self.values = {}
            return
        with session_scope() as db:
            self.values = identity_views.profile_form(db, user_id)

    @rx.event
    async def save(self, form: dict):
        def text(name: str, limit: int = 300) -> str:
            return str(form.get(name, ""))[:limit]

        try:
            user_id = await self._user()
            data = profile.ProfileInput(full_name=text("full_name", 120), birth_date=identity_views.parse_birth_date(
                text("birth_date", 20)), sex=text("sex", 1), id_number=text("id_number", 20), address=text("address"),
                ward=text("ward", 100), phone=text("phone", 20), email=text("email", 254))
            with session_scope() as db:
                before = identity_views.profile_form(db, user_id)["level"]
                saved = profile.save_profile(db, user_id, data)
                dropped = before == "2" and saved.level < 2
        except DomainError as exc:
            self._fail(exc)
            return
        self._ok("identity.ui.profile_dropped" if dropped else "common.saved")
        with session_scope() as db:
            self.values = identity_views.profile_form(db, user_id)


# --- /wallet/desk: an official of the citizen's ward checks the ID card (desk.py has the rules) ----------------


class DeskState(WalletBase, rx.State):
    citizen: dict[str, str] = {}
    offer: str = ""
    recovery_code: str = ""
    recovery_until: str = ""
    can_check: bool = False  # the user is an official of a ward agency (only shows or hides forms)
    ward: str = ""
    _target: int | None = None

    @rx.event
    async def reset_desk(self):
        self.error, self.info, self.citizen, self.offer, self._target = {}, {}, {}, "", None
        self.recovery_code, self.recovery_until = "", ""
        user_id, _ = await acting_user(self)
        try:
            with read_scope() as db:
                ward = desk.desk_ward(db, user_id)
        except DomainError:
            ward = ""
        set_changed(self, can_check=bool(ward), ward=ward)

    @rx.event
    async def issue_recovery(self, form: dict):
        """Recovery code for the citizen found by search, after the ID card check (typed number must match)."""
        self.recovery_code, self.recovery_until = "", ""
        try:
            actor = await self._user()
            if self._target is None:
                raise DomainError("identity.desk.search_first")
            with session_scope() as db:
                issued = recovery.issue_recovery_code(db, actor, self._target, str(form.get("id_number", ""))[:20])
        except DomainError as exc:
            self._fail(exc)
            return
        self.recovery_code, self.recovery_until = issued.code, format_datetime(issued.expires_at)
        self._ok("identity.recovery.code_given", name=issued.full_name)

    @rx.event
    async def search(self, form: dict):
        self.citizen, self._target = {}, None
        self.recovery_code, self.recovery_until = "", ""
        try:
            actor = await self._user()
            with session_scope() as db:
                found = desk.find_citizen(db, actor, str(form.get("phone", ""))[:20])
        except DomainError as exc:
            self._fail(exc)
            return
        self.error, self.info, self._target = {}, {}, found.user_id
        self.citizen = {"name": found.full_name, "birth_year": found.birth_year, "ward": found.ward,
                        "level": str(found.level)}

    @rx.event
    async def verify(self, form: dict):
        try:
            actor = await self._user()
            if self._target is None:
                raise DomainError("identity.desk.search_first")
            with session_scope() as db:
                verified = desk.verify_profile(db, actor, self._target, str(form.get("id_number", ""))[:20])
                name = verified.full_name
        except DomainError as exc:
            self._fail(exc)
            return
        self.citizen = {**self.citizen, "level": "2"}
        self._ok("identity.desk.verified", name=name)

    @rx.event
    async def student_offer(self, form: dict):
        self.offer = ""
        try:
            actor = await self._user()
            with session_scope() as db:
                self.offer = views.make_student_offer(db, actor, str(form.get("phone", ""))[:20],
                                                      str(form.get("school", ""))[:200],
                                                      str(form.get("student_name", ""))[:200])
        except DomainError as exc:
            self._fail(exc)
            return None
        self._ok("identity.desk.offer_ready")
        return rx.call_script(ui_call(f"renderQr('offer-qr', {_js(self.offer)}, 'M')"))


# --- /wallet/present -----------------------------------------------------------------------------------------


class PresentState(WalletBase, rx.State):
    options: list[dict[str, str]] = []  # active credentials that are on this device
    selected: str = ""
    kind: str = ""
    claims: list[str] = []
    chosen: list[str] = []
    mode: str = "nonce"
    request_text: str = ""
    requester: str = ""
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
        return rx.call_script(ui_call("scan('scan-video')"), callback=PresentState.scanned)

    @rx.event
    def scanned(self, result: dict):
        if not isinstance(result, dict) or not result.get("ok"):
            self._fail_key(_result_code(result))
            return None
        return PresentState.use_request(str(result.get("text", ""))[:300])

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
        self.error, self.info = {}, identity_views.msg("identity.ui.working")
        return rx.call_script(ui_call(f"present({_js(opts)})"), callback=PresentState.presented)

    @rx.event
    def presented(self, result: dict):
        if not isinstance(result, dict) or not result.get("ok"):
            self._fail_key(_result_code(result))
            return
        self.info = {}
        self.shown = {"aud": str(result.get("aud", ""))[:120], "version": str(result.get("version", "")),
                      "chars": str(result.get("chars", "")), "raw": str(result.get("raw", "")),
                      "key_mode": str(result.get("key_mode", ""))}


# --- /verify (any visitor: a shop, the metro gate, an official) ---------------------------------------------


class VerifierState(WalletBase, rx.State):
    request_qr: str = ""
    audience: str = ""
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
        self.expires = format_datetime(req.expires_at)
        self.checked, self.valid, self.result, self.claims, self.error = False, False, {}, [], {}
        self.request_used = False
        self.headline, self.reason = {}, {}
        return rx.call_script(ui_call(f"renderQr('vr-qr', {_js(req.qr_text)}, 'M')"), callback=VerifierState.drawn)

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
                       "mode": outcome.mode, "kind": outcome.kind}
        self.claims = outcome.claims
        return rx.call_script("document.getElementById('verify-result')?.focus()")

    @rx.event
    def scan(self):
        return rx.call_script(ui_call("scan('verify-video')"), callback=VerifierState.scanned)

    @rx.event
    def scanned(self, result: dict):
        if not isinstance(result, dict) or not result.get("ok"):
            self._fail_key(_result_code(result))
            return None
        return VerifierState.check_text(str(result.get("text", ""))[:20000])


# --- /wallet/passkeys -------------------------------------------------------------------------------------------


class PasskeyState(WalletBase, rx.State):
    keys: list[dict[str, str]] = []

    @rx.event
    async def load(self):
        self.error, self.info = {}, {}
        user_id, _ = await acting_user(self)
        if user_id is None:
            self.keys = []
            return
        self._reload(user_id)

    def _reload(self, user_id: int) -> None:
        with session_scope() as db:
            views_ = passkeys.list_passkeys(db, user_id)
        self.keys = [{"id": str(k.id), "name": k.name, "created": k.created_at[:10], "synced": "1" if k.synced else "",
                      "last_used": k.last_used_at[:10] if k.last_used_at else ""} for k in views_]

    @rx.event
    async def register(self, form: dict):
        try:
            await self._user()
        except DomainError as exc:
            self._fail(exc)
            return None
        name = str(form.get("name", "")).strip()[:60]
        self.error, self.info = {}, identity_views.msg("identity.ui.passkey_follow")
        return rx.call_script(ui_call(f"passkeyRegister({_js(name)})"), callback=PasskeyState.registered)

    @rx.event
    async def registered(self, result: dict):
        if not isinstance(result, dict) or not result.get("ok"):
            self._fail_key(_result_code(result))
            return
        self._ok("identity.ui.passkey_added", name=str(result.get("name", ""))[:60])
        self._reload(await self._user())

    @rx.event
    async def rename(self, form: dict):
        try:
            user_id = await self._user()
            with session_scope() as db:
                passkeys.rename_passkey(db, user_id, int(form.get("id", 0)), str(form.get("name", ""))[:60])
        except (ValueError, TypeError):
            self._fail_key("error.not_found")
            return
        except DomainError as exc:
            self._fail(exc)
            return
        self._ok("common.saved")
        self._reload(user_id)

    @rx.event
    async def remove(self, passkey_id: str):
        try:
            user_id = await self._user()
            with session_scope() as db:
                passkeys.remove_passkey(db, user_id, int(passkey_id))
        except (ValueError, TypeError):
            self._fail_key("error.not_found")
            return
        except DomainError as exc:
            self._fail(exc)
            return
        self._ok("identity.ui.passkey_removed")
        self._reload(user_id)


# --- /wallet/activity ------------------------------------------------------------------------------------------


class ActivityState(WalletBase, rx.State):
    entries: list[dict[str, str]] = []
    chain: dict[str, str] = {}

    @rx.event
    async def load(self):
        self.chain = {}
        user_id, _ = await acting_user(self)
        if user_id is None:
            self.entries = []
            return
        lang = (await self.get_state(LangState)).lang
        with session_scope() as db:
            rows = activity.list_activity(db, user_id, lang, limit=100)
        self.entries = [{"seq": str(r.seq), "when": r.when, "text": r.text, "by_other": "1" if r.by_other else ""}
                        for r in rows]

    @rx.event
    async def verify_chain(self):
        try:
            user_id = await self._user()
        except DomainError as exc:
            self._fail(exc)
            return
        with session_scope() as db:
            report = activity.verify_chain(db, user_id)
        if report.ok:
            self.chain = identity_views.msg("identity.ui.chain_ok", count=report.count)
        else:
            self.chain = identity_views.msg("identity.ui.chain_broken", seq=report.first_bad_seq)
        self.chain["ok"] = "1" if report.ok else ""


# --- /wallet/signing --------------------------------------------------------------------------------------------


class SigningCertState(WalletBase, rx.State):
    cert: dict[str, str] = {}
    level: int = 0

    @rx.event
    async def load(self):
        self.error, self.info = {}, {}
        user_id, _ = await acting_user(self)
        if user_id is None:
            self.cert, self.level = {}, 0
            return
        self._reload(user_id)

    def _reload(self, user_id: int) -> None:
        with session_scope() as db:
            prof = profile.get_profile(db, user_id)
            self.level = prof.level if prof else 1
            row = signing.active_certificate(db, user_id)
            self.cert = {} if row is None else {"subject": row.subject, "serial": row.serial,
                                                "from": format_date(row.not_before), "to": format_date(row.not_after)}

    @rx.event
    async def enrol(self):
        try:
            user_id = await self._user()
            with session_scope() as db:
                signing.enrol_signing_certificate(db, user_id)
        except DomainError as exc:
            self._fail(exc)
            return
        self._ok("identity.ui.cert_ready")
        self._reload(user_id)


# --- /recover: a new password with the code from the ward --------------------------------------------------


class RecoverState(WalletBase, rx.State):
    done: bool = False

    @rx.event
    def reset_page(self):
        self.error, self.info, self.done = {}, {}, False

    @rx.event
    def submit(self, form: dict):
        identifier = str(form.get("identifier", ""))[:254]
        ip = self.router.session.client_ip or ""
        try:
            with session_scope() as db:
                recovery.redeem_recovery_code(db, identifier, str(form.get("code", ""))[:40],
                                              str(form.get("password", ""))[:256], str(form.get("password2", ""))[:256],
                                              drop_passkeys=bool(form.get("drop_passkeys")), ip=ip)
        except recovery.RecoveryInvalid as exc:
            with session_scope() as db:  # its own transaction: the failure counts even though nothing changed
                recovery.record_recovery_failure(db, identifier, ip)
            self._fail(exc)
            return
        except DomainError as exc:
            self._fail(exc)
            return
        self.done = True
        self._ok("identity.recovery.done")


# --- passkey login button on /login ---------------------------------------------------------------------------


class PasskeyLoginState(WalletBase, rx.State):
    @rx.event
    def start(self):
        self.error = {}
        next_path = self.router.url.query_parameters.get("next", "/")
        return rx.call_script(ui_call(f"passkeyLogin({_js(str(next_path)[:300])})"),
                              callback=PasskeyLoginState.failed)

    @rx.event
    def failed(self, result: dict):
        if isinstance(result, dict) and not result.get("ok"):
            self._fail_key(_result_code(result))
