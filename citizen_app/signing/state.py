"""Thin Reflex state of the citizen's signing certificate page (/wallet/signing)."""

from __future__ import annotations

import reflex as rx

from citizen_app.core.db import session_scope
from citizen_app.core.errors import DomainError
from citizen_app.core.timeutil import format_date
from citizen_app.identity import profile
from citizen_app.identity.state import NoticeMixin, acting_user
from citizen_app.signing import revocation
from citizen_app.signing import service as signing

# --- /wallet/signing --------------------------------------------------------------------------------------------


class SigningCertState(NoticeMixin, rx.State):
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

    @rx.event
    async def revoke(self, _form: dict | None = None):
        try:
            user_id = await self._user()
            with session_scope() as db:
                revocation.revoke_own_certificate(db, user_id)
        except DomainError as exc:
            self._fail(exc)
            return
        self._ok("identity.ui.cert_revoked")
        self._reload(user_id)
