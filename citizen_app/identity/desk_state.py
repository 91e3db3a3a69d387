"""Thin Reflex states of account recovery at the ward: the ward desk (/wallet/desk, rules in ``desk.py`` and
``recovery.py``) and the citizen's new password with the desk's code (/recover).

Other packages add a form of their own to the desk page (``DESK_SECTIONS``; the wallet: student credential
offers). A section keeps its vars in a state of its own, which ``DeskState.reset_desk`` clears on every load of the
page (``_clear_desk()``); its messages go to ``DeskState``'s error and info, shown at the top of the page.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import reflex as rx

from citizen_app.core.db import read_scope, session_scope
from citizen_app.core.errors import DomainError
from citizen_app.core.timeutil import format_datetime
from citizen_app.identity import desk, recovery
from citizen_app.identity.state import NoticeMixin, acting_user
from citizen_app.ui.delta import set_changed


@dataclass(frozen=True)
class DeskSection:
    """A form another package adds below the desk's own: ``render`` builds it when the page is compiled (after
    every package's pages were imported), ``state`` holds its vars and clears them in ``_clear_desk()``."""

    render: Callable[[], rx.Component]
    state: type[rx.State]


DESK_SECTIONS: list[DeskSection] = []


# --- /wallet/desk: an official of the citizen's ward checks the ID card (desk.py has the rules) ----------------


class DeskState(NoticeMixin, rx.State):
    citizen: dict[str, str] = {}
    recovery_code: str = ""
    recovery_until: str = ""
    can_check: bool = False  # the user is an official of a ward agency (only shows or hides forms)
    ward: str = ""
    _target: int | None = None

    @rx.event
    async def reset_desk(self):
        self.error, self.info, self.citizen, self._target = {}, {}, {}, None
        self.recovery_code, self.recovery_until = "", ""
        for section in DESK_SECTIONS:
            (await self.get_state(section.state))._clear_desk()
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


# --- /recover: a new password with the code from the ward --------------------------------------------------


class RecoverState(NoticeMixin, rx.State):
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
