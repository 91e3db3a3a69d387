"""Helper mode: a citizen reads, grants or revokes a volunteer's consent (``HelperState``, /procedures/helper);
a volunteer shows a one-time code and helps the people who agreed (``VolunteerState``, /procedures/volunteer).
``consent`` checks every rule on the server.

Before a citizen agrees, whether from the volunteer's code or from her own form, she sees one consent screen in
plain words: who will act, for which procedures, what they may and may not do, until when, and which of her data
they will see. The screen is built on the server from what will be stored; ``confirm`` stores exactly that.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta

import reflex as rx
from sqlmodel import select

from citizen_app.core.db import session_scope
from citizen_app.core.errors import DomainError
from citizen_app.core.timeutil import format_datetime, utcnow
from citizen_app.i18n.catalog import catalog as messages
from citizen_app.identity.models import UserAccount
from citizen_app.identity.service import parse_identifier, require_role
from citizen_app.identity.state import FormErrorMixin, acting_user
from citizen_app.procedures import consent, flow, service, views
from citizen_app.procedures.catalog import catalog
from citizen_app.procedures.models import ProcDossier, ProcHelperConsent
from citizen_app.procedures.views import OptionView, Row

SCOPES = ("draft", "submit", "submit_pay")


@dataclass
class ConsentRow:
    """One consent in words (the citizen's list and the volunteer's view)."""

    id: int = 0
    person: str = ""
    person_id: int = 0
    procedures_vi: str = ""
    procedures_en: str = ""
    scope_vi: str = ""
    scope_en: str = ""
    until: str = ""
    active: bool = False
    data_vi: str = ""
    data_en: str = ""
    options: list[OptionView] = field(default_factory=list)


@dataclass
class PersonView:
    """Someone a volunteer may help now: what each of her consents allows, and the dossiers for her."""

    id: int = 0
    name: str = ""
    allows: list[ConsentRow] = field(default_factory=list)
    options: list[OptionView] = field(default_factory=list)
    dossiers: list[Row] = field(default_factory=list)


def _names(codes: list[str], lang: str) -> str:
    procs = catalog()
    return ", ".join(procs[c].name[lang] for c in codes if c in procs)


def _pair(key: str) -> tuple[str, str]:
    text = messages().get(key, {"vi": key, "en": key})
    return text["vi"], text["en"]


def data_words(codes: list[str]) -> tuple[str, str]:
    """The citizen's data a volunteer sees for these procedures, by name in both languages."""
    pairs = [_pair(f"procedures.data.{name}") for name in consent.data_seen(codes)]
    return ", ".join(vi for vi, _ in pairs), ", ".join(en for _, en in pairs)


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


def consent_row(db, row: ProcHelperConsent, other_id: int, now) -> ConsentRow:
    other = db.get(UserAccount, other_id)
    procs = catalog()
    scope_vi, scope_en = _pair(f"procedures.scope_phrase.{row.scope}")
    data_vi, data_en = data_words(row.procedures)
    options = [OptionView(c, procs[c].name["vi"], procs[c].name["en"]) for c in row.procedures if c in procs]
    return ConsentRow(row.id or 0, other.full_name if other else "", other_id, _names(row.procedures, "vi"),
                      _names(row.procedures, "en"), scope_vi, scope_en, format_datetime(row.expires_at),
                      service.consent_is_active(row, now), data_vi, data_en, options)


def consent_screen(helper: UserAccount, procedures: list[str], scope: str, hours: int) -> dict[str, str]:
    """What the citizen reads before she agrees, in both languages (the consent text's hash covers the same)."""
    scope_vi, scope_en = _pair(f"procedures.scope_phrase.{scope}")
    data_vi, data_en = data_words(procedures)
    return {"helper": helper.full_name, "procedures_vi": _names(procedures, "vi"),
            "procedures_en": _names(procedures, "en"), "scope_vi": scope_vi, "scope_en": scope_en,
            "until": format_datetime(utcnow() + timedelta(hours=hours)), "hours": str(hours),
            "data_vi": data_vi, "data_en": data_en}


class HelperState(FormErrorMixin, rx.State):
    """The citizen's side: a volunteer's code or her own choice, one consent screen, the consents she gave."""

    procedures: list[OptionView] = []
    given: list[ConsentRow] = []  # consents this citizen gave
    pending: dict[str, str] = {}  # the consent screen: what the citizen is about to agree to
    notice: dict[str, str] = {}

    _pending_code: str = ""
    _pending_grant: dict = {}

    @rx.event
    async def load(self):
        self.error, self.busy, self.pending, self.notice = {}, False, {}, {}
        self._pending_code, self._pending_grant = "", {}
        self.procedures = [OptionView(p.code, p.name["vi"], p.name["en"]) for p in catalog().values()]
        await self._refresh()

    async def _refresh(self) -> None:
        user_id, _ = await acting_user(self)
        if user_id is None:
            self.given = []
            return
        now = utcnow()
        with session_scope() as db:
            self.given = [consent_row(db, c, c.helper_id, now) for c in consent.list_consents(db, user_id)]

    async def _do(self, action, notice_key: str) -> bool:
        if await self._run_action(action, done=notice_key) is None:
            return False
        await self._refresh()
        return True

    @rx.event
    async def review_grant(self, form_data: dict):
        """The citizen's own form: check it and show the consent screen (nothing is granted yet)."""
        login = str(form_data.get("helper", ""))[:254]
        chosen, scope, hours = _chosen(form_data), str(form_data.get("scope", ""))[:16], _hours(form_data)
        user_id, _ = await acting_user(self)
        try:
            with session_scope() as db:
                if user_id is None:
                    raise DomainError("error.login_required")
                helper = _user_by_login(db, login)
                if helper is None or "volunteer" not in require_role(db, helper.id):
                    raise DomainError("procedures.helper_not_volunteer")
                consent.check_scope(chosen, scope, hours)
                self.pending = consent_screen(helper, chosen, scope, hours)
        except DomainError as exc:
            self.pending = {}
            self._fail(exc)
            return
        self._pending_code, self.error = "", {}
        self._pending_grant = {"helper_id": helper.id, "procedures": chosen, "scope": scope, "hours": hours}

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
                self.pending = consent_screen(helper, list(row.procedures), row.scope, row.valid_hours)
        except DomainError as exc:
            self.pending = {}
            self._fail(exc)
            return
        self._pending_code, self._pending_grant, self.error = code, {}, {}

    @rx.event
    async def confirm_code(self):
        """She agrees to what the screen showed: the volunteer's code, or her own choice."""
        code, grant = self._pending_code, dict(self._pending_grant)
        if code:
            action = lambda db, user_id: consent.redeem_consent_code(db, user_id, code)  # noqa: E731
        elif grant:
            action = lambda db, user_id: consent.grant_consent(  # noqa: E731
                db, user_id, grant["helper_id"], grant["procedures"], grant["scope"], grant["hours"])
        else:
            return
        if await self._do(action, "procedures.helper.granted"):
            self.pending, self._pending_code, self._pending_grant = {}, "", {}

    @rx.event
    async def cancel_code(self):
        self.pending, self._pending_code, self._pending_grant = {}, "", {}


def _dossier_row(dossier: ProcDossier) -> Row:
    proc = catalog().get(dossier.procedure_code)
    status_vi, status_en = views.status_text(dossier.status)
    name_vi, name_en = (proc.name["vi"], proc.name["en"]) if proc else (dossier.procedure_code,) * 2
    return Row(f"{name_vi} — {status_vi}", f"{name_en} — {status_en}", dossier.number, views.dossier_href(dossier))


class VolunteerState(FormErrorMixin, rx.State):
    """The volunteer's one view: the people who agreed, what each consent allows, their dossiers, the code."""

    procedures: list[OptionView] = []
    people: list[PersonView] = []
    code: str = ""  # the volunteer's one-time code, shown on their screen

    @rx.event
    async def load(self):
        self.error, self.busy, self.code = {}, False, ""
        self.procedures = [OptionView(p.code, p.name["vi"], p.name["en"]) for p in catalog().values()]
        await self._refresh()

    async def _refresh(self) -> None:
        user_id, _ = await acting_user(self)
        try:
            with session_scope() as db:
                held = consent.helper_consents(db, user_id)
                dossiers = consent.helped_dossiers(db, user_id)
                self.people = self._people(db, held, dossiers)
        except DomainError as exc:
            self.people = []
            self._fail(exc)

    @staticmethod
    def _people(db, held: list[ProcHelperConsent], dossiers: list[ProcDossier]) -> list[PersonView]:
        now = utcnow()
        people: dict[int, PersonView] = {}
        for row in held:
            view = consent_row(db, row, row.subject_id, now)
            person = people.setdefault(row.subject_id, PersonView(row.subject_id, view.person))
            person.allows.append(view)
            known = {o.value for o in person.options}
            person.options.extend(o for o in view.options if o.value not in known)
        for dossier in dossiers:
            if dossier.applicant_id in people:
                people[dossier.applicant_id].dossiers.append(_dossier_row(dossier))
        return sorted(people.values(), key=lambda p: p.name)

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
        """Start a dossier for someone who agreed, or reopen the draft already open for that procedure."""
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
