"""Thin state of the wallet's back office (/wallet/approvals): a ward official approves or refuses the credential
requests of their ward's citizens that wait for an official (OpenID4VCI deferred issuance). Rules, authorization
and the citizen's log and alert in ``oid4vci_deferred.py``; every handler asks it again for the live session's user.

Two steps: ``prepare`` shows what the decision will do (the request is looked up in the official's own list, kept
server-side in ``_pending``), ``approve`` / ``refuse`` make exactly that decision. A refusal needs a reason, which the
citizen reads.
"""

from __future__ import annotations

import reflex as rx

from citizen_app.core.db import read_scope, session_scope
from citizen_app.core.errors import DomainError, NotFound
from citizen_app.core.timeutil import format_datetime
from citizen_app.i18n.catalog import LANGS, translate
from citizen_app.identity.state import NoticeMixin
from citizen_app.identity.views import msg
from citizen_app.wallet import oid4vci_deferred as deferred


def _row(w: deferred.Waiting) -> dict[str, str]:
    """One waiting request in words, both languages (``pick``ed by the page)."""
    words = {}
    for lang in LANGS:
        wallet = w.wallet[lang] if w.wallet else translate("identity.approvals.offer_wallet", lang)
        words |= {f"kind_{lang}": translate(f"identity.kind.{w.kind}", lang), f"wallet_{lang}": wallet,
                  f"copies_{lang}": translate("identity.approvals.copies_n", lang, n=w.copies)}
    return {"id": str(w.id), "name": w.citizen, "birth_year": w.birth_year, "when": format_datetime(w.created_at),
            **words}


class ApprovalsState(NoticeMixin, rx.State):
    rows: list[dict[str, str]] = []
    confirm: dict[str, str] = {}  # the decision about to be made: "decision" and its consequence in vi and en
    loaded: bool = False  # the list was read (the user is a ward official): shows the list or its empty text
    _pending: dict = {}

    def _show(self, user_id: int) -> list[deferred.Waiting]:
        with read_scope() as db:
            waiting = deferred.waiting_for_approval(db, user_id)
        self.rows, self.loaded = [_row(w) for w in waiting], True
        return waiting

    @rx.event
    async def load(self):
        self.error, self.info, self.confirm, self._pending, self.rows, self.loaded = {}, {}, {}, {}, [], False
        try:
            self._show(await self._user())
        except DomainError as exc:
            self._fail(exc)

    @rx.event
    async def prepare(self, deferred_id: str, decision: str):
        """Show what approving or refusing this request does; only a request in the official's own list."""
        self.confirm, self._pending = {}, {}
        if decision not in ("approve", "refuse"):
            return
        try:
            waiting = {str(w.id): w for w in self._show(await self._user())}
            chosen = waiting.get(str(deferred_id))
            if chosen is None:
                raise NotFound("identity.oid4vci.transaction_invalid")
        except DomainError as exc:
            self._fail(exc)
            return
        row = _row(chosen)
        self._pending = {"id": chosen.id, "approve": decision == "approve", "name": chosen.citizen}
        self.error, self.info = {}, {}
        said = msg(f"identity.approvals.confirm_{decision}", name=chosen.citizen,
                   kind={lang: row[f"kind_{lang}"] for lang in LANGS},
                   wallet={lang: row[f"wallet_{lang}"] for lang in LANGS})
        self.confirm = {"decision": decision, **said}

    @rx.event
    def cancel(self):
        self.confirm, self._pending = {}, {}

    async def _decide(self, approve: bool, note: str) -> None:
        pending = self._pending
        if not pending or pending.get("approve") is not approve:
            self.confirm, self._pending = {}, {}
            self._fail_key("identity.approvals.choose_first")
            return
        try:
            user_id = await self._user()
            with session_scope() as db:
                deferred.decide(db, user_id, int(pending["id"]), approve, note)
        except DomainError as exc:
            self._fail(exc)
            if exc.code == "identity.oid4vci.refusal_note_required":
                return  # the refusal form stays open for the reason
            self.confirm, self._pending = {}, {}
            await self._reload_quietly()
            return
        self.confirm, self._pending = {}, {}
        await self._reload_quietly()
        self._ok("identity.approvals.done_approved" if approve else "identity.approvals.done_refused",
                 name=pending["name"])

    async def _reload_quietly(self) -> None:
        try:
            self._show(await self._user())
        except DomainError:
            self.rows, self.loaded = [], False

    @rx.event
    async def approve(self):
        await self._decide(True, "")

    @rx.event
    async def refuse(self, form: dict):
        await self._decide(False, str(form.get("note", ""))[:deferred.NOTE_MAX * 2])
