"""Thin Reflex states for the back office: the agency queue and one dossier's actions.

The official's id comes from the server-side session; ``backoffice`` checks the role and that the
dossier belongs to the official's agency, so a crafted event for another agency's dossier changes nothing.
A decision (approve, supplement, refuse, stop, return a proposal) is two events: ``prepare`` checks the
note and shows what will happen, ``confirm`` does exactly what was shown (kept server-side).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import reflex as rx

from citizen_app.core.db import session_scope
from citizen_app.core.errors import DomainError
from citizen_app.core.timeutil import format_vnd, utcnow
from citizen_app.identity.models import Agency, UserAccount
from citizen_app.identity.state import FormErrorMixin, acting_user
from citizen_app.procedures import backoffice, backoffice_views, flow, statuses, views
from citizen_app.procedures.catalog import catalog, get_procedure
from citizen_app.procedures.state import in_thread
from citizen_app.procedures.views import OptionView, Row
from citizen_app.ui.params import int_param

MAX_ITEMS = 3
DECISIONS = ("approve", "supplement", "refuse", "stop", "return")


@dataclass
class QueueRow:
    id: int = 0
    number: str = ""
    proc_vi: str = ""
    proc_en: str = ""
    subject: str = ""
    status_vi: str = ""
    status_en: str = ""
    due: str = ""
    left_vi: str = ""
    left_en: str = ""
    overdue: bool = False
    assignee: str = ""
    second: bool = False


@dataclass
class CountChip:
    status: str = ""
    label_vi: str = ""
    label_en: str = ""
    count: int = 0


@dataclass
class FileRow:
    label_vi: str = ""
    label_en: str = ""
    filename: str = ""
    href: str = ""
    image: bool = False
    size: str = ""


@dataclass
class HistoryView:
    when: str = ""
    label_vi: str = ""
    label_en: str = ""
    who: str = ""
    reason: str = ""


@dataclass
class Verdict:
    state: str = ""
    vi: str = ""
    en: str = ""


def _text(form: dict, name: str, limit: int) -> str:
    return str(form.get(name, "")).strip()[:limit]


class QueueState(FormErrorMixin, rx.State):
    rows: list[QueueRow] = []
    chips: list[CountChip] = []
    overdue_count: int = 0
    open_count: int = 0
    total: int = 0
    page: int = 1
    pages: int = 1
    agency_vi: str = ""
    agency_en: str = ""
    # the filters (strings, as the form sends them)
    procedure: str = ""
    status: str = ""
    assignee: str = ""
    due: str = ""
    query: str = ""
    procedures: list[OptionView] = []
    status_options: list[OptionView] = []
    officers: list[OptionView] = []
    version: int = 0

    @rx.event
    async def load(self):
        self.page = 1
        await self._refresh()

    def _wanted(self) -> backoffice.QueueFilter:
        status = int(self.status) if self.status.isdigit() else 0
        return backoffice.QueueFilter(self.procedure, status, self.assignee, self.due, self.query, self.page)

    async def _refresh(self) -> None:
        user_id, _ = await acting_user(self)
        self.error = {}
        try:
            with session_scope() as db:
                result = backoffice.queue_page(db, user_id, self._wanted())
                officers = backoffice.agency_officers(db, user_id)
                user = db.get(UserAccount, user_id)
                agency = db.get(Agency, user.agency_id) if user and user.agency_id else None
        except DomainError as exc:
            self.rows, self.chips = [], []
            self._fail(exc)
            return
        names = {o.id: o.name for o in officers}
        now = utcnow()
        self.rows = [self._row(item, names, now) for item in result.items]
        self.chips = [CountChip(str(code), *views.status_text(code), result.counts.get(code, 0))
                      for code in backoffice.OPEN_STATUSES if result.counts.get(code)]
        self.overdue_count, self.open_count = result.overdue, sum(result.counts.values())
        self.total, self.page, self.pages = result.total, result.page, result.pages
        self.agency_vi, self.agency_en = (agency.name_vi, agency.name_en) if agency else ("", "")
        self.procedures = [OptionView(p.code, p.name["vi"], p.name["en"]) for p in catalog().values()]
        self.status_options = [OptionView(str(code), *views.status_text(code))
                               for code in backoffice.SUBMITTED_STATUSES]
        self.officers = [OptionView(str(o.id), o.name, o.name) for o in officers]

    @staticmethod
    def _row(item: backoffice.QueueItem, names: dict[int, str], now) -> QueueRow:
        proc = get_procedure(item.procedure_code)
        status_vi, status_en = views.status_text(item.status)
        left_vi, left_en = backoffice.time_left(item.due_at, now, item.paused, item.overdue, item.late)
        return QueueRow(item.dossier_id, item.number, proc.name["vi"], proc.name["en"], item.subject_name,
                        status_vi, status_en, views.local_date(item.due_at), left_vi, left_en, item.late,
                        names.get(item.assignee_id or 0, ""), item.awaiting_second)

    @rx.event
    async def apply(self, form: dict):
        self.procedure = _text(form, "procedure", 64)
        self.status = _text(form, "status", 2)
        self.assignee = _text(form, "assignee", 12)
        self.due = _text(form, "due", 10) if _text(form, "due", 10) in backoffice.DUE_FILTERS else ""
        self.query = _text(form, "q", 100)
        self.page = 1
        await self._refresh()

    @rx.event
    async def show_status(self, status: str):
        self.status, self.due, self.page = str(status)[:2], "", 1
        self.version += 1  # redraw the filter form with the new status selected
        await self._refresh()

    @rx.event
    async def show_overdue(self):
        self.status, self.due, self.page = "", "overdue", 1
        self.version += 1
        await self._refresh()

    @rx.event
    async def clear(self):
        self.procedure = self.status = self.assignee = self.due = self.query = ""
        self.page = 1
        self.version += 1
        await self._refresh()

    @rx.event
    async def go(self, page: int):
        text = str(page)
        self.page = int(text) if text.isdigit() and len(text) < 5 else 1
        await self._refresh()


def _gather(db, user_id: int | None, dossier_id: int) -> dict[str, Any]:
    """Everything the dossier page shows, in one transaction on a worker thread (the signature check runs
    pyHanko, whose synchronous API cannot run inside the event loop). Opening the page is a logged view."""
    dossier = backoffice.view_dossier(db, user_id, dossier_id)
    proc = get_procedure(dossier.procedure_code)
    people = flow.people_of(db, dossier)
    names = flow.agency_names(db)
    vi_rows = flow.summary_lines(proc, dossier.answers, "vi", names)
    en_rows = flow.summary_lines(proc, dossier.answers, "en", names)
    labels = {a["id"]: a["label"] for a in proc.attachments}
    labels[flow.service.SIGNED_DOSSIER] = {"vi": "Tờ khai đã ký số", "en": "Signed declaration"}
    proposal = backoffice.approval_proposal(db, dossier)
    proposer = db.get(UserAccount, proposal.actor_id) if proposal and proposal.actor_id else None
    now = utcnow()
    overdue, late = backoffice.is_overdue(dossier, now), backoffice.is_late(db, dossier, now)
    return {
        "number": dossier.number, "proc_vi": proc.name["vi"], "proc_en": proc.name["en"],
        "subject": people["subject"], "helper": people["helper"], "status": dossier.status,
        "status_text": views.status_text(dossier.status), "due": flow.due_text(dossier), "overdue": late,
        "left": backoffice.time_left(dossier.due_at, now, dossier.paused, overdue, late),
        "fee_amount": format_vnd(dossier.fee_amount) if dossier.fee_amount else "",
        "answers": [Row(vi[0], en[0], vi[1]) for vi, en in zip(vi_rows, en_rows, strict=True)],
        "files": [FileRow(labels.get(f.attachment_id, {}).get("vi", f.attachment_id),
                          labels.get(f.attachment_id, {}).get("en", f.attachment_id), f.filename, f.href, f.is_image,
                          f"{max(1, f.size // 1024)} KB")
                  for f in backoffice_views.dossier_files(db, user_id, dossier.id)],
        "history": [HistoryView(r.when, r.vi, r.en, r.who, r.reason)
                    for r in backoffice_views.office_history(db, user_id, dossier.id)],
        "signature": backoffice_views.applicant_signature(db, user_id, dossier.id),
        "fee": backoffice_views.fee_status(db, user_id, dossier.id),
        "slots": [OptionView(a["id"], a["label"]["vi"], a["label"]["en"]) for a in proc.attachments],
        "officers": [OptionView(str(o.id), o.name, o.name) for o in backoffice.agency_officers(db, user_id)],
        "assignee": str(dossier.assignee_id or ""), "me": str(user_id or ""),
        "second_approver": proc.second_approver,
        "proposal": {"who": proposer.full_name if proposer else "", "note": proposal.reason,
                     "mine": "1" if proposal.actor_id == user_id else ""} if proposal else {},
    }


class OfficeDossierState(FormErrorMixin, rx.State):
    dossier_id: int = 0
    found: bool = False
    number: str = ""
    proc_vi: str = ""
    proc_en: str = ""
    subject: str = ""
    helper: str = ""
    status: int = 0
    status_vi: str = ""
    status_en: str = ""
    due: str = ""
    left_vi: str = ""
    left_en: str = ""
    overdue: bool = False
    fee: str = ""
    fee_status: Verdict = Verdict()
    signature: Verdict = Verdict()
    answers: list[Row] = []
    files: list[FileRow] = []
    history: list[HistoryView] = []
    slots: list[OptionView] = []
    officers: list[OptionView] = []
    assignee: str = ""
    me: str = ""
    second_approver: bool = False
    proposal: dict[str, str] = {}
    confirm: dict[str, str] = {}  # the decision about to be made, shown for confirmation
    notice: dict[str, str] = {}
    version: int = 0

    _pending: dict[str, Any] = {}

    @rx.event
    async def load(self):
        self.error, self.busy, self.confirm, self._pending = {}, False, {}, {}
        self.dossier_id = int_param(self, "dossier_id")
        await self._refresh()

    async def _refresh(self) -> None:
        user_id, _ = await acting_user(self)
        try:
            data = await in_thread(_gather, user_id, self.dossier_id)
        except DomainError as exc:
            self.found = False
            self._fail(exc)
            return
        self.found, self.number, self.proc_vi, self.proc_en = True, data["number"], data["proc_vi"], data["proc_en"]
        self.subject, self.helper, self.status = data["subject"], data["helper"], data["status"]
        (self.status_vi, self.status_en), (self.left_vi, self.left_en) = data["status_text"], data["left"]
        self.due, self.overdue, self.fee = data["due"], data["overdue"], data["fee_amount"]
        self.answers, self.files, self.history = data["answers"], data["files"], data["history"]
        self.signature = Verdict(data["signature"].state, data["signature"].vi, data["signature"].en)
        self.fee_status = Verdict(data["fee"].state, data["fee"].vi, data["fee"].en)
        self.slots, self.officers = data["slots"], data["officers"]
        self.assignee, self.me = data["assignee"], data["me"]
        self.second_approver, self.proposal = data["second_approver"], data["proposal"]
        self.version += 1

    async def _act(self, action, notice_key: str, *args) -> bool:
        if await self._run_action(action, self.dossier_id, *args, done=notice_key, threaded=True) is None:
            return False
        await self._refresh()
        return True

    @rx.event
    async def accept(self):
        await self._act(backoffice.accept, "procedures.office.done_accept")

    @rx.event
    async def start_processing(self):
        await self._act(backoffice.start_processing, "procedures.office.done_start")

    @rx.event
    async def assign(self, form: dict):
        text = _text(form, "assignee", 12)
        await self._act(backoffice.assign, "procedures.office.done_assign", int(text) if text.isdigit() else None)

    @rx.event
    async def assign_me(self):
        await self._act(backoffice.assign, "procedures.office.done_assign", int(self.me) if self.me else None)

    # --- decisions: prepare (note checked, consequences shown), then confirm --------------------------------

    @rx.event
    def prepare(self, form: dict):
        decision = _text(form, "decision", 12)
        if decision not in DECISIONS:
            return
        note = _text(form, "note", 2000)
        items = []
        if decision == "supplement":
            for n in range(1, MAX_ITEMS + 1):
                text = _text(form, f"item_{n}", 500)
                if text:
                    items.append({"text": text, "attachment_id": _text(form, f"slot_{n}", 64) or None})
            if not items:
                self._fail(DomainError("procedures.supplement_items_required"))
                return
        elif not note:
            self._fail(DomainError("procedures.note_required"))
            return
        self._pending = {"decision": decision, "note": note, "items": items}
        said = "; ".join(i["text"] for i in items) if items else note
        self.confirm = {"decision": decision, "note": said}
        self.error = {}

    @rx.event
    def cancel(self):
        self.confirm, self._pending = {}, {}

    @rx.event
    async def confirm_decision(self):
        pending, self._pending, self.confirm = self._pending, {}, {}
        decision = pending.get("decision")
        if decision == "approve":
            await self._act(flow.approve_and_deliver, "procedures.office.done_approve"
                            if not self.second_approver or self.proposal else "procedures.office.done_propose",
                            pending["note"])
        elif decision == "supplement":
            await self._act(backoffice.request_supplement, "procedures.office.done_supplement", pending["items"],
                            pending["note"])
        elif decision == "refuse":
            await self._act(backoffice.refuse, "procedures.office.done_refuse", pending["note"])
        elif decision == "stop":
            await self._act(backoffice.stop_processing, "procedures.office.done_stop", pending["note"])
        elif decision == "return":
            await self._act(backoffice.return_proposal, "procedures.office.done_return", pending["note"])


def status_is(code_var: rx.Var, *codes: int) -> rx.Var:
    """A client-side test of the dossier status (which action forms to show)."""
    result = rx.Var.create(False)
    for code in codes:
        result = result | (code_var == code)
    return result


ACTIONS_BY_STATUS = {
    "accept": (statuses.NEW,),
    "refuse": (statuses.NEW,),
    "start": (statuses.ACCEPTED,),
    "supplement": (statuses.NEW, statuses.ACCEPTED, statuses.PROCESSING),
    "approve": (statuses.PROCESSING,),
    "stop": (statuses.ACCEPTED, statuses.PROCESSING, statuses.SUPPLEMENT, statuses.FEE),
    "assign": backoffice.OPEN_STATUSES,
}
