"""Thin Reflex states of a dossier's paper trail: the receipt with the access code (on the confirmation page, its own
page and the dossier page), re-issuing the code, and what the public verification pages of the dossier's documents
may show. The service decides who may see what (``documents``, ``service.reissue_access_code``, ``trust.set_shown``)."""

from __future__ import annotations

import reflex as rx

from citizen_app.core.db import read_scope, session_scope
from citizen_app.core.errors import DomainError
from citizen_app.i18n.state import both
from citizen_app.identity.state import FormErrorMixin, acting_user
from citizen_app.procedures import documents, service, statuses
from citizen_app.trust import service as trust
from citizen_app.ui.params import int_param


class ReceiptState(FormErrorMixin, rx.State):
    """The receipt (giấy tiếp nhận và hẹn trả kết quả), read from the dossier each time: it cannot be lost."""

    dossier_id: int = 0
    loaded: bool = False
    found: bool = False
    number: str = ""
    procedure: dict[str, str] = {}
    agency: dict[str, str] = {}
    applicant: str = ""
    received_at: str = ""
    status: dict[str, str] = {}
    due_key: str = "due_on"
    due: str = ""
    fee: dict[str, str] = {}
    fee_due: bool = False
    access_code: str = ""
    code: str = ""
    url: str = ""
    qr: str = ""
    lookup_url: str = ""
    notice: dict[str, str] = {}

    @rx.event
    async def load(self):
        self.error, self.notice, self.loaded = {}, {}, False
        self.dossier_id = int_param(self, "dossier_id")
        user_id, _ = await acting_user(self)
        try:
            with session_scope() as db:  # an older dossier gets its receipt's register row on first view
                view = documents.receipt_view(db, user_id, self.dossier_id)
                fee_due = service.load_dossier(db, self.dossier_id).status == statuses.FEE
        except DomainError as exc:
            self.found, self.loaded = False, True
            self._fail(exc)
            return
        self.found, self.loaded, self.fee_due = True, True, fee_due
        self.number, self.procedure, self.agency, self.applicant = view.number, view.procedure, view.agency, \
            view.applicant
        self.received_at, self.status, self.due_key, self.due = view.received_at, view.status, view.due_key, view.due
        self.fee, self.access_code, self.code, self.url = view.fee, view.access_code, view.code, view.url
        self.qr, self.lookup_url = view.qr, view.lookup_url

    @rx.event
    async def reissue(self, _form: dict | None = None):
        """A new access code; the old one stops working. The owner only (the service checks)."""
        user_id, _ = await acting_user(self)
        try:
            with session_scope() as db:
                service.reissue_access_code(db, user_id, self.dossier_id)
        except DomainError as exc:
            self._fail(exc)
            return None
        await self.load()
        self.notice = both("procedures.ui.code_reissued")
        return None


class DocumentsState(FormErrorMixin, rx.State):
    """On the dossier page: the documents' verification codes and what their public pages show."""

    documents: list[dict[str, str]] = []
    options: list[dict[str, str]] = []  # {"record", "key", "vi", "en", "shown"}
    notice: dict[str, str] = {}
    dossier_id: int = 0

    @rx.event
    async def load(self):
        self.error, self.notice = {}, {}
        self.dossier_id = int_param(self, "dossier_id")
        user_id, _ = await acting_user(self)
        try:
            with read_scope() as db:
                records = documents.documents_of(db, user_id, self.dossier_id)
        except DomainError:
            self.documents, self.options = [], []  # not the owner, or not submitted: nothing to show
            return
        self.documents = [{"id": str(r.id), "kind": r.kind, "vi": r.title_vi, "en": r.title_en,
                           "code": trust.display_code(r.code), "number": r.number} for r in records]
        self.options = [{"record": str(r.id), "key": item["key"], "vi": item["vi"], "en": item["en"],
                         "shown": "1" if item["key"] in r.shown else "", "name": f"show-{r.id}-{item['key']}"}
                        for r in records for item in r.personal]

    @rx.event
    async def save(self, form_data: dict):
        """The ticked personal facts of each document become visible on its public page; the rest stay hidden."""
        user_id, _ = await acting_user(self)
        chosen: dict[int, list[str]] = {int(d["id"]): [] for d in self.documents}
        for name in form_data:
            parts = str(name).split("-", 2)
            if len(parts) == 3 and parts[0] == "show" and parts[1].isdigit() and int(parts[1]) in chosen:
                chosen[int(parts[1])].append(parts[2][:32])
        try:
            with session_scope() as db:
                for record_id, keys in chosen.items():
                    trust.set_shown(db, user_id, record_id, keys)
        except DomainError as exc:
            self._fail(exc)
            return
        await self.load()
        self.notice = both("procedures.ui.public_saved")
