"""Thin Reflex states for the back office: the agency queue and one dossier's actions.

The official's id comes from the server-side session; ``backoffice`` checks the role and that the
dossier belongs to the official's agency, so a crafted event for another agency's dossier changes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass

import reflex as rx

from citizen_app.core.db import session_scope
from citizen_app.core.errors import DomainError
from citizen_app.core.timeutil import format_vnd, utcnow
from citizen_app.i18n.state import both
from citizen_app.identity.state import FormErrorMixin, acting_user
from citizen_app.procedures import backoffice, flow, service, statuses, views, wiring  # noqa: F401
from citizen_app.procedures.catalog import get_procedure
from citizen_app.procedures.state import in_thread
from citizen_app.procedures.views import OptionView, Row
from citizen_app.ui.params import int_param

MAX_ITEMS = 3


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
    overdue: bool = False


class QueueState(FormErrorMixin, rx.State):
    rows: list[QueueRow] = []

    @rx.event
    async def load(self):
        user_id, _ = await acting_user(self)
        self.error = {}
        try:
            with session_scope() as db:
                items = backoffice.agency_queue(db, user_id)
        except DomainError as exc:
            self.rows = []
            self._fail(exc)
            return
        rows = []
        for item in items:
            proc = get_procedure(item.procedure_code)
            vi, en = views.status_text(item.status)
            rows.append(QueueRow(item.dossier_id, item.number, proc.name["vi"], proc.name["en"], item.subject_name,
                                 vi, en, views.local_date(item.due_at), item.overdue))
        self.rows = rows


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
    overdue: bool = False
    fee: str = ""
    answers: list[Row] = []
    files: list[Row] = []
    timeline: list[Row] = []
    slots: list[OptionView] = []
    notice: dict[str, str] = {}

    @rx.event
    async def load(self):
        self.error, self.busy = {}, False
        self.dossier_id = int_param(self, "dossier_id")
        await self._refresh()

    async def _refresh(self) -> None:
        user_id, _ = await acting_user(self)
        try:
            with session_scope() as db:
                self._build(db, user_id)
        except DomainError as exc:
            self.found = False
            self._fail(exc)

    def _build(self, db, user_id: int | None) -> None:
        dossier = backoffice.view_dossier(db, user_id, self.dossier_id)
        proc = get_procedure(dossier.procedure_code)
        people = flow.people_of(db, dossier)
        self.found, self.number, self.proc_vi, self.proc_en = True, dossier.number, proc.name["vi"], proc.name["en"]
        self.subject, self.helper = people["subject"], people["helper"]
        self.status = dossier.status
        self.status_vi, self.status_en = views.status_text(dossier.status)
        self.due, self.overdue = flow.due_text(dossier), backoffice.is_overdue(dossier, utcnow())
        self.fee = format_vnd(dossier.fee_amount) if dossier.fee_amount else ""
        names = flow.agency_names(db)
        vi_rows = flow.summary_lines(proc, dossier.answers, "vi", names)
        en_rows = flow.summary_lines(proc, dossier.answers, "en", names)
        self.answers = [Row(vi[0], en[0], vi[1]) for vi, en in zip(vi_rows, en_rows, strict=True)]
        labels = {a["id"]: a["label"] for a in proc.attachments}
        labels[service.SIGNED_DOSSIER] = {"vi": "Tờ khai đã ký số", "en": "Signed declaration"}
        self.files = [Row(labels.get(r.attachment_id, {}).get("vi", r.attachment_id),
                          labels.get(r.attachment_id, {}).get("en", r.attachment_id), r.filename,
                          f"/api/procedures/attachments/{r.id}")
                      for r in flow.backoffice_attachments(db, user_id, dossier.id)]
        self.timeline = [Row(r.vi, r.en, r.when, r.reason) for r in flow.backoffice_timeline(db, user_id, dossier.id)]
        self.slots = [OptionView(a["id"], a["label"]["vi"], a["label"]["en"]) for a in proc.attachments]

    async def _act(self, action, notice_key: str, *args) -> None:
        user_id, _ = await acting_user(self)
        try:
            await in_thread(action, user_id, self.dossier_id, *args)
        except DomainError as exc:
            self._fail(exc)
            return
        self.error, self.notice = {}, both(notice_key)
        await self._refresh()

    @rx.event
    async def accept(self):
        await self._act(backoffice.accept, "procedures.office.done_accept")

    @rx.event
    async def start_processing(self):
        await self._act(backoffice.start_processing, "procedures.office.done_start")

    @rx.event
    async def refuse(self, form_data: dict):
        await self._act(backoffice.refuse, "procedures.office.done_refuse", str(form_data.get("reason", ""))[:2000])

    @rx.event
    async def stop(self, form_data: dict):
        await self._act(backoffice.stop_processing, "procedures.office.done_stop",
                        str(form_data.get("reason", ""))[:2000])

    @rx.event
    async def request_supplement(self, form_data: dict):
        items = []
        for n in range(1, MAX_ITEMS + 1):
            text = str(form_data.get(f"item_{n}", "")).strip()[:500]
            if text:
                items.append({"text": text, "attachment_id": str(form_data.get(f"slot_{n}", ""))[:64] or None})
        await self._act(backoffice.request_supplement, "procedures.office.done_supplement", items,
                        str(form_data.get("note", ""))[:2000])

    @rx.event
    async def approve(self):
        await self._act(flow.approve_and_deliver, "procedures.office.done_approve")


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
}
