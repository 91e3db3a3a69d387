"""Helper mode: a citizen grants, reads or revokes a volunteer's consent; a volunteer shows a one-time
code and starts dossiers for the people who agreed. ``consent`` checks every rule on the server."""

from __future__ import annotations

from dataclasses import dataclass, field

import reflex as rx
from sqlmodel import select

from citizen_app.core.db import session_scope
from citizen_app.core.errors import DomainError
from citizen_app.core.timeutil import format_datetime, utcnow
from citizen_app.i18n.state import both
from citizen_app.identity.models import UserAccount
from citizen_app.identity.service import parse_identifier
from citizen_app.identity.state import FormErrorMixin, acting_user
from citizen_app.procedures import consent, flow, service, views, wiring  # noqa: F401 - wiring installs hooks
from citizen_app.procedures.catalog import catalog
from citizen_app.procedures.models import ProcDossier
from citizen_app.procedures.views import OptionView, Row

SCOPES = ("draft", "submit", "submit_pay")


@dataclass
class ConsentRow:
    id: int = 0
    person: str = ""
    person_id: int = 0
    procedures_vi: str = ""
    procedures_en: str = ""
    scope: str = ""
    until: str = ""
    active: bool = False
    options: list[OptionView] = field(default_factory=list)


def _names(codes: list[str], lang: str) -> str:
    procs = catalog()
    return ", ".join(procs[c].name[lang] for c in codes if c in procs)


def _chosen(form_data: dict) -> list[str]:
    return [code for code in catalog() if form_data.get(f"proc_{code}")]


def _hours(form_data: dict) -> int:
    text = str(form_data.get("hours", "")).strip()
    return int(text) if text.isdigit() and len(text) < 5 else 0


def _user_by_login(db, login: str) -> UserAccount | None:
    try:
        ident = parse_identifier(login[:254])
    except DomainError:
        return None
    column = UserAccount.phone if ident.kind == "phone" else UserAccount.email
    return db.exec(select(UserAccount).where(column == ident.value)).first()


def _dossier_row(db, dossier: ProcDossier) -> Row:
    proc = catalog().get(dossier.procedure_code)
    name_vi, name_en = (proc.name["vi"], proc.name["en"]) if proc else (dossier.procedure_code,) * 2
    return Row(f"{dossier.subject_name} — {name_vi}", f"{dossier.subject_name} — {name_en}", dossier.number,
               views.dossier_href(dossier))


class HelperState(FormErrorMixin, rx.State):
    procedures: list[OptionView] = []
    given: list[ConsentRow] = []  # consents this citizen gave
    helping: list[ConsentRow] = []  # consents this volunteer holds
    helped: list[Row] = []  # dossiers this volunteer prepared (still visible while consent lasts)
    code: str = ""  # the volunteer's one-time code, shown on their screen
    pending: dict[str, str] = {}  # what the citizen is about to agree to (from a code)
    notice: dict[str, str] = {}

    _pending_code: str = ""

    @rx.event
    async def load(self):
        self.error, self.busy, self.pending, self.code, self.notice = {}, False, {}, "", {}
        self.procedures = [OptionView(p.code, p.name["vi"], p.name["en"]) for p in catalog().values()]
        await self._refresh()

    async def _refresh(self) -> None:
        user_id, _ = await acting_user(self)
        if user_id is None:
            self.given, self.helping, self.helped = [], [], []
            return
        now = utcnow()
        with session_scope() as db:
            self.given = [self._row(db, c, c.helper_id, now) for c in consent.list_consents(db, user_id)]
            try:
                held = consent.helper_consents(db, user_id)
                helped = consent.helped_dossiers(db, user_id)
            except DomainError:
                held, helped = [], []
            self.helping = [self._row(db, c, c.subject_id, now) for c in held]
            self.helped = [_dossier_row(db, d) for d in helped]

    @staticmethod
    def _row(db, row, other_id: int, now) -> ConsentRow:
        other = db.get(UserAccount, other_id)
        active = service.consent_is_active(row, now)
        procs = catalog()
        options = [OptionView(c, procs[c].name["vi"], procs[c].name["en"]) for c in row.procedures if c in procs]
        return ConsentRow(row.id, other.full_name if other else "", other_id, _names(row.procedures, "vi"),
                          _names(row.procedures, "en"), row.scope, format_datetime(row.expires_at), active, options)

    async def _do(self, action, notice_key: str) -> bool:
        user_id, _ = await acting_user(self)
        try:
            with session_scope() as db:
                action(db, user_id)
        except DomainError as exc:
            self._fail(exc)
            return False
        self.error, self.notice = {}, both(notice_key)
        await self._refresh()
        return True

    @rx.event
    async def grant(self, form_data: dict):
        login = str(form_data.get("helper", ""))
        chosen, scope, hours = _chosen(form_data), str(form_data.get("scope", ""))[:16], _hours(form_data)

        def action(db, user_id):
            helper = _user_by_login(db, login)
            if helper is None:
                raise DomainError("procedures.helper_not_volunteer")
            return consent.grant_consent(db, user_id, helper.id, chosen, scope, hours)

        await self._do(action, "procedures.helper.granted")

    @rx.event
    async def revoke(self, consent_id: int):
        await self._do(lambda db, user_id: consent.revoke_consent(db, user_id, int(consent_id)),
                       "procedures.helper.revoked")

    @rx.event
    async def read_code(self, form_data: dict):
        code = str(form_data.get("code", "")).strip()[:16]
        user_id, _ = await acting_user(self)
        try:
            with session_scope() as db:
                row = consent.describe_consent_code(db, user_id, code)
                helper = db.get(UserAccount, row.helper_id)
                self.pending = {"helper": helper.full_name if helper else "", "scope": row.scope,
                                "hours": str(row.valid_hours), "procedures_vi": _names(row.procedures, "vi"),
                                "procedures_en": _names(row.procedures, "en")}
        except DomainError as exc:
            self.pending = {}
            self._fail(exc)
            return
        self._pending_code, self.error = code, {}

    @rx.event
    async def confirm_code(self):
        code = self._pending_code
        if await self._do(lambda db, user_id: consent.redeem_consent_code(db, user_id, code),
                          "procedures.helper.granted"):
            self.pending, self._pending_code = {}, ""

    @rx.event
    async def cancel_code(self):
        self.pending, self._pending_code = {}, ""

    @rx.event
    async def create_code(self, form_data: dict):
        user_id, _ = await acting_user(self)
        try:
            with session_scope() as db:
                self.code = consent.create_consent_code(db, user_id, _chosen(form_data),
                                                        str(form_data.get("scope", ""))[:16], _hours(form_data))
        except DomainError as exc:
            self.code = ""
            self._fail(exc)
            return
        self.error = {}

    @rx.event
    async def start_for(self, form_data: dict):
        user_id, _ = await acting_user(self)
        citizen = str(form_data.get("citizen", ""))
        try:
            with session_scope() as db:
                dossier = flow.start(db, user_id, str(form_data.get("procedure", ""))[:64],
                                     for_citizen_id=int(citizen) if citizen.isdigit() else -1)
                target = f"/procedures/draft/{dossier.id}/{dossier.current_page}"
        except DomainError as exc:
            self._fail(exc)
            return None
        return rx.redirect(target)
