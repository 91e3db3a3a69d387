"""Thin Reflex states of the citizen's own identity pages: the profile and the activity log."""

from __future__ import annotations

import reflex as rx

from citizen_app.core.db import session_scope
from citizen_app.core.errors import DomainError
from citizen_app.i18n.state import LangState
from citizen_app.identity import activity, profile
from citizen_app.identity.state import NoticeMixin, acting_user
from citizen_app.identity.views import msg, parse_birth_date, profile_form

# --- /wallet/profile -----------------------------------------------------------------------------------


class ProfileState(NoticeMixin, rx.State):
    values: dict[str, str] = {}

    @rx.event
    async def load(self):
        self.error, self.info = {}, {}
        user_id, _ = await acting_user(self)
        if user_id is None:
            self.values = {}
            return
        with session_scope() as db:
            self.values = profile_form(db, user_id)

    @rx.event
    async def save(self, form: dict):
        def text(name: str, limit: int = 300) -> str:
            return str(form.get(name, ""))[:limit]

        try:
            user_id = await self._user()
            data = profile.ProfileInput(full_name=text("full_name", 120), birth_date=parse_birth_date(
                text("birth_date", 20)), sex=text("sex", 1), id_number=text("id_number", 20), address=text("address"),
                ward=text("ward", 100), phone=text("phone", 20), email=text("email", 254))
            with session_scope() as db:
                before = profile_form(db, user_id)["level"]
                saved = profile.save_profile(db, user_id, data)
                dropped = before == "2" and saved.level < 2
        except DomainError as exc:
            self._fail(exc)
            return
        self._ok("identity.ui.profile_dropped" if dropped else "common.saved")
        with session_scope() as db:
            self.values = profile_form(db, user_id)


# --- /wallet/activity ------------------------------------------------------------------------------------------


class ActivityState(NoticeMixin, rx.State):
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
            self.chain = msg("identity.ui.chain_ok", count=report.count)
        else:
            self.chain = msg("identity.ui.chain_broken", seq=report.first_bad_seq)
        self.chain["ok"] = "1" if report.ok else ""
