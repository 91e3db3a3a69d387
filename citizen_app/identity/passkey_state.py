"""Thin Reflex states of passkeys: the citizen's list (/wallet/passkeys) and the passkey button on /login.

The browser runs WebAuthn (assets/wallet/wallet_ui.js) against the routes in ``identity/api.py``.
"""

from __future__ import annotations

import reflex as rx

from citizen_app.core.db import session_scope
from citizen_app.core.errors import DomainError
from citizen_app.identity import passkeys
from citizen_app.identity.state import NoticeMixin, acting_user, js_literal, result_code, ui_call
from citizen_app.identity.views import msg

# --- /wallet/passkeys -------------------------------------------------------------------------------------------


class PasskeyState(NoticeMixin, rx.State):
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
        self.error, self.info = {}, msg("identity.ui.passkey_follow")
        return rx.call_script(ui_call(f"passkeyRegister({js_literal(name)})"), callback=PasskeyState.registered)

    @rx.event
    async def registered(self, result: dict):
        if not isinstance(result, dict) or not result.get("ok"):
            self._fail_key(result_code(result))
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


# --- passkey login button on /login ---------------------------------------------------------------------------


class PasskeyLoginState(NoticeMixin, rx.State):
    @rx.event
    def start(self):
        self.error = {}
        next_path = self.router.url.query_parameters.get("next", "/")
        return rx.call_script(ui_call(f"passkeyLogin({js_literal(str(next_path)[:300])})"),
                              callback=PasskeyLoginState.failed)

    @rx.event
    def failed(self, result: dict):
        if isinstance(result, dict) and not result.get("ok"):
            self._fail_key(result_code(result))
