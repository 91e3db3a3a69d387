"""Thin Reflex states for the citizen side of online procedures.

Every handler takes the user from ``acting_user`` (server side), calls ``service``/``flow`` in one
``session_scope`` (one transaction per action) and shows translated errors. Nothing here decides who
may do what: the service layer does.
"""

from __future__ import annotations

import reflex as rx

from citizen_app.core.db import read_scope, session_scope
from citizen_app.core.errors import DomainError
from citizen_app.core.timeutil import format_datetime, format_vnd
from citizen_app.i18n.state import LangState, both
from citizen_app.identity.state import FormErrorMixin, acting_user, go_to, in_thread
from citizen_app.payments import views as pay_views
from citizen_app.payments.state import return_notice
from citizen_app.procedures import flow, forms, named, service, statuses, views
from citizen_app.procedures.catalog import catalog, get_procedure
from citizen_app.procedures.views import FieldView, OptionView, ProcCard, Row
from citizen_app.ui.delta import set_changed
from citizen_app.ui.params import int_param, param

# --- catalogue ----------------------------------------------------------------------------------


class CatalogState(rx.State):
    query: str = ""
    items: list[ProcCard] = []

    @rx.event
    def load(self):
        self.query = param(self, "q")[:100]
        self.items = [views.proc_card(p) for p in flow.search_procedures(self.query)]

    @rx.event
    def search(self, form_data: dict):
        self.query = str(form_data.get("q", ""))[:100]
        self.items = [views.proc_card(p) for p in flow.search_procedures(self.query)]


class InfoState(FormErrorMixin, rx.State):
    """The "what you need" page before starting."""

    code: str = ""
    card: ProcCard = ProcCard()
    level_vi: str = ""
    level_en: str = ""
    legal: list[str] = []
    documents: list[Row] = []
    exemptions: list[str] = []
    steps: int = 0
    found: bool = False

    @rx.event
    def load(self):
        self.error, self.busy = {}, False
        self.code = param(self, "code")[:64]
        proc = catalog().get(self.code)
        self.found = proc is not None
        if proc is None:
            return
        self.card = views.proc_card(proc)
        full = proc.level == "toan_trinh"
        self.level_vi = "Toàn trình: làm hoàn toàn trực tuyến" if full else "Một phần: có bước phải đến cơ quan"
        self.level_en = "Fully online" if full else "Partly online: one step in person"
        self.legal = list(proc.legal_basis)
        self.documents = [Row(a["label"]["vi"], a["label"]["en"], "1" if a["required"] else "")
                          for a in proc.attachments]
        self.exemptions = [e["text_vi"] for e in proc.fees["exemptions"]]
        self.steps = len(flow.steps(proc))

    @rx.event
    async def start(self):
        user_id, _ = await acting_user(self)
        if user_id is None:
            return rx.redirect(f"/login?next=/procedures/p/{self.code}")
        try:
            with session_scope() as db:
                dossier = flow.start(db, user_id, self.code)
                first = dossier.current_page
                dossier_id = dossier.id
        except DomainError as exc:
            self._fail(exc)
            return None
        return rx.redirect(f"/procedures/draft/{dossier_id}/{first}")


# --- the form, one page at a time ---------------------------------------------------------------


class WizardState(FormErrorMixin, rx.State):
    dossier_id: int = 0
    number: str = ""
    proc_vi: str = ""
    proc_en: str = ""
    step: str = ""
    step_no: int = 0
    step_total: int = 0
    title_vi: str = ""
    title_en: str = ""
    back_href: str = ""
    fields: list[FieldView] = []
    errors: list[dict[str, str]] = []
    # repeatable group page
    group_id: str = ""
    group_items: list[Row] = []
    group_label_vi: str = ""
    group_label_en: str = ""
    # attachments page
    uploads: list[Row] = []
    slots: list[OptionView] = []
    slot: str = ""
    missing: list[Row] = []
    # check / sign pages
    answers: list[Row] = []
    fee_vi: str = ""
    fee_en: str = ""
    reference_code: str = ""
    signed: bool = False
    is_owner: bool = True
    loaded: bool = False
    version: int = 0
    handed_to: str = ""  # a volunteer on the sign step: the citizen who was told the dossier waits for her
    no_access: bool = False  # a volunteer whose consent was withdrawn or ended

    _request_id: str = ""
    _to_check: bool = False

    def _reset(self) -> None:
        self.error, self.busy, self.errors, self.fields, self.group_items = {}, False, [], [], []
        self.uploads, self.slots, self.missing, self.answers = [], [], [], []
        self.group_id, self.reference_code, self.loaded = "", "", False
        self.handed_to, self.no_access = "", False

    @rx.event
    async def load(self):
        self._reset()
        self.dossier_id, self.step = int_param(self, "dossier_id"), param(self, "step")[:64]
        self._to_check = param(self, "from") == "check"  # a "Sửa" link: come back to check your answers
        user_id, _ = await acting_user(self)
        try:
            with session_scope() as db:
                self._build(db, user_id)
        except DomainError as exc:
            self.no_access = exc.code == "procedures.consent_missing"
            self._fail(exc)
            return
        self.loaded = True

    def _build(self, db, user_id: int | None) -> None:
        dossier = service.get_dossier(db, user_id, self.dossier_id)
        if dossier.status != statuses.DRAFT:
            raise DomainError("procedures.not_editable")
        proc = get_procedure(dossier.procedure_code)
        order = flow.steps(proc)
        if self.step not in order:
            self.step = order[0]
        index = order.index(self.step)
        self.version += 1
        self.number, self.proc_vi, self.proc_en = dossier.number, proc.name["vi"], proc.name["en"]
        self.step_no, self.step_total = index + 1, len(order)
        base = f"/procedures/draft/{dossier.id}/"
        self.back_href = base + order[index - 1] if index else f"/procedures/p/{proc.code}"
        self.is_owner = user_id == dossier.applicant_id
        page = proc.page(self.step)
        if page is not None:
            self._build_page(db, proc, page, dossier.answers)
        elif self.step == "attachments":
            self._build_attachments(db, proc, dossier)
        else:
            self._build_check(db, proc, dossier)
        if self.step == "sign" and not self.is_owner and flow.hand_over_for_signing(db, user_id, dossier.id):
            self.handed_to = dossier.subject_name

    def _build_page(self, db, proc, page: dict, answers: dict) -> None:
        self.title_vi, self.title_en = page["title"]["vi"], page["title"]["en"]
        group = next((f for f in page["fields"] if f["type"] == "group"), None)
        if group is not None:
            self.group_id = group["id"]
            self.group_label_vi, self.group_label_en = group["label"]["vi"], group["label"]["en"]
            self.group_items = [Row(f"{group['item_label']['vi'].format(n=i)}", group['item_label']['en'].format(n=i),
                                    _item_summary(item), str(i - 1))
                                for i, item in enumerate(answers.get(group["id"]) or [], start=1)]
            self.fields = [views.field_view(db, spec, None, f"{self.version}-{spec['id']}") for spec in group["fields"]]
            return
        ids = {f["id"] for f in page["fields"]}
        self.fields = [views.field_view(db, spec, answers.get(spec["id"]), f"{self.version}-{spec['id']}")
                       for spec in page["fields"] if views.visible(spec, answers, ids)]

    def _build_attachments(self, db, proc, dossier) -> None:
        self.title_vi, self.title_en = "Giấy tờ kèm theo", "Supporting documents"
        wanted = [a for a in proc.attachments if forms.condition_holds(a.get("when"), dossier.answers)]
        self.slots = [OptionView(a["id"], a["label"]["vi"] + (" (bắt buộc)" if a["required"] else ""),
                                 a["label"]["en"] + (" (required)" if a["required"] else "")) for a in wanted]
        self.slot = self.slots[0].value if self.slots else ""
        labels = {a["id"]: a["label"] for a in proc.attachments}
        self.uploads = [Row(labels[r.attachment_id]["vi"], labels[r.attachment_id]["en"], r.filename, str(r.id))
                        for r in service.list_attachments(db, dossier.id) if r.attachment_id in labels]

    def _build_check(self, db, proc, dossier) -> None:
        check = self.step == "check"
        self.title_vi = "Kiểm tra thông tin" if check else "Ký số và nộp hồ sơ"
        self.title_en = "Check your answers" if check else "Sign and submit"
        page_of = {f["id"]: p["id"] for p in proc.pages for f in p["fields"]}
        names = flow.agency_names(db)
        vi_rows = flow.summary_rows(proc, dossier.answers, "vi", names)
        en_rows = flow.summary_rows(proc, dossier.answers, "en", names)
        base = f"/procedures/draft/{dossier.id}/"
        self.answers = [Row(vi[1], en[1], vi[2], base + page_of[vi[0]] + "?from=check")
                        for vi, en in zip(vi_rows, en_rows, strict=True)]
        for row in service.list_attachments(db, dossier.id):
            if row.attachment_id != service.SIGNED_DOSSIER:
                self.answers.append(Row("Tệp đính kèm", "Attachment", row.filename, base + "attachments?from=check"))
        fee = service.quote_fee(proc, dossier.answers)
        self.fee_vi = "Miễn phí" if fee.amount == 0 else f"{format_vnd(fee.amount)} — {fee.text_vi}"
        self.fee_en = "Free" if fee.amount == 0 else f"{format_vnd(fee.amount)} (online fee)"
        self.signed = service.signature_current(db, dossier)
        problems = service.form_errors(db, dossier, None)
        self.missing = [Row(*views.error_texts(proc, e)) for e in problems]

    def _show_errors(self, exc: DomainError) -> None:
        self._fail(exc)
        if isinstance(exc, service.FormInvalid):
            with session_scope() as db:
                proc = get_procedure(service.load_dossier(db, self.dossier_id).procedure_code)
            texts = {e.path.split(".")[-1]: views.error_texts(proc, e) for e in exc.errors}
            self.errors = [{"vi": vi, "en": en} for vi, en in (views.error_texts(proc, e) for e in exc.errors)]
            self.fields = [_with_error(f, texts.get(f.id, ("", ""))) for f in self.fields]

    def _next(self) -> str:
        with session_scope() as db:
            order = flow.steps(get_procedure(service.load_dossier(db, self.dossier_id).procedure_code))
        index = order.index(self.step) if self.step in order else 0
        target = "check" if self._to_check else order[min(index + 1, len(order) - 1)]
        return f"/procedures/draft/{self.dossier_id}/{target}"

    @rx.event
    async def save(self, form_data: dict):
        user_id, _ = await acting_user(self)
        raw = {str(k)[:64]: str(v)[:2000] for k, v in form_data.items()}
        try:
            with session_scope() as db:
                service.save_page(db, user_id, self.dossier_id, self.step, raw)
        except DomainError as exc:
            self._show_errors(exc)
            return None
        return rx.redirect(self._next())

    async def _save_items(self, items: list[dict]) -> bool:
        user_id, _ = await acting_user(self)
        try:
            with session_scope() as db:
                service.save_page(db, user_id, self.dossier_id, self.step, {self.group_id: items})
        except DomainError as exc:
            self._show_errors(exc)
            return False
        return True

    def _items(self) -> list[dict]:
        with session_scope() as db:
            return list(service.load_dossier(db, self.dossier_id).answers.get(self.group_id) or [])

    @rx.event
    async def add_item(self, form_data: dict):
        item = {str(k)[:64]: str(v)[:500] for k, v in form_data.items()}
        if await self._save_items([*self._items(), item]):
            return WizardState.load
        return None

    @rx.event
    async def remove_item(self, index: str):
        user_id, _ = await acting_user(self)
        try:
            with session_scope() as db:
                flow.remove_group_item(db, user_id, self.dossier_id, self.group_id,
                                       int(index) if str(index).isdigit() else -1)
        except DomainError as exc:
            self._fail(exc)
            return None
        return WizardState.load

    @rx.event
    async def continue_group(self):
        if await self._save_items(self._items()):
            return rx.redirect(self._next())
        return None

    @rx.event
    def set_slot(self, value: str):
        self.slot = str(value)[:64]

    @rx.event
    async def upload(self, files: list[rx.UploadFile]):
        user_id, _ = await acting_user(self)
        try:
            await _store_files(user_id, self.dossier_id, self.slot, files)
        except DomainError as exc:
            self._fail(exc)
            return rx.clear_selected_files("proc-upload")
        return [rx.clear_selected_files("proc-upload"), WizardState.load]

    @rx.event
    async def remove_upload(self, row_id: str):
        user_id, _ = await acting_user(self)
        try:
            with session_scope() as db:
                service.remove_attachment(db, user_id, int(row_id) if str(row_id).isdigit() else 0)
        except DomainError as exc:
            self._fail(exc)
            return None
        return WizardState.load

    @rx.event
    async def prepare_sign(self):
        user_id, _ = await acting_user(self)
        try:
            with session_scope() as db:
                view = flow.prepare_signature(db, user_id, self.dossier_id)
        except DomainError as exc:
            self._show_errors(exc)
            return
        self._request_id, self.reference_code, self.error = view.id, view.reference_code, {}

    @rx.event
    async def approve_sign(self, form_data: dict):
        user_id, _ = await acting_user(self)
        try:
            await in_thread(flow.approve_signature, user_id, self.dossier_id, self._request_id,
                            str(form_data.get("password", "")))
        except DomainError as exc:
            self._fail(exc)
            return
        self.signed, self.reference_code, self.error = True, "", {}

    @rx.event
    async def submit(self):
        user_id, _ = await acting_user(self)
        try:
            with session_scope() as db:
                service.submit(db, user_id, self.dossier_id)
        except DomainError as exc:
            self._show_errors(exc)
            return None
        return rx.redirect(f"/procedures/done/{self.dossier_id}")  # the receipt, read back from the dossier


async def _store_files(user_id: int | None, dossier_id: int, slot: str, files: list[rx.UploadFile]) -> None:
    """Each file checked by the service (type by magic bytes, size); one transaction per file."""
    if not files:
        raise DomainError("procedures.file_empty")
    for file in files[:5]:
        content = await file.read()
        with session_scope() as db:
            service.add_attachment(db, user_id, dossier_id, slot[:64], file.name or "tep", content)


def _en_label(labels: dict, attachment_id: str) -> str:
    return (labels.get(attachment_id) or {}).get("en", attachment_id)


def _item_summary(item: dict) -> str:
    parts = [str(item.get(k, "")) for k in ("full_name", "date_of_birth", "personal_id") if item.get(k)]
    return " · ".join(parts)


def _with_error(view: FieldView, texts: tuple[str, str]) -> FieldView:
    view.error_vi, view.error_en = texts
    return view


# --- a dossier after submission -----------------------------------------------------------------


class DossierState(FormErrorMixin, rx.State):
    dossier_id: int = 0
    found: bool = False
    number: str = ""
    proc_vi: str = ""
    proc_en: str = ""
    status: int = 0
    status_key: str = "draft"
    status_vi: str = ""
    status_en: str = ""
    due: str = ""
    overdue: bool = False
    people: dict[str, str] = {}
    timeline: list[Row] = []
    fee: str = ""
    fee_due: bool = False
    fee_order: dict[str, str] = {}  # the newest fee order, in the payments vocabulary
    supplement: list[Row] = []
    supplement_note: str = ""
    slots: list[OptionView] = []
    slot: str = ""
    result_ready: bool = False
    rating: int = 0
    can_rate: bool = False
    can_withdraw: bool = False
    is_owner: bool = False
    notice: dict[str, str] = {}

    @rx.event
    async def load(self):
        self.error, self.notice, self.busy = {}, {}, False
        self.dossier_id = int_param(self, "dossier_id")
        user_id, _ = await acting_user(self)
        order_code = param(self, "pay_order")[:20]
        try:
            if order_code:
                with session_scope() as db:
                    state = flow.refresh_fee_payment(db, user_id, self.dossier_id, order_code)
                outcome = {"paid": "ok", "pending": "pending"}.get(state, "closed")
                self.notice = return_notice(param(self, "pay_notice")) or both(f"procedures.pay_{outcome}")
            await self._refresh()
        except DomainError as exc:
            self.found = False
            self._fail(exc)

    async def _refresh(self) -> None:
        user_id, _ = await acting_user(self)
        with session_scope() as db:
            self._build(db, user_id)

    def _build(self, db, user_id: int | None) -> None:
        dossier = service.get_dossier(db, user_id, self.dossier_id)
        proc = get_procedure(dossier.procedure_code)
        self.found, self.number = True, dossier.number
        self.proc_vi, self.proc_en = proc.name["vi"], proc.name["en"]
        self.status, self.status_key = dossier.status, flow.status_key(dossier.status)
        self.status_vi, self.status_en = views.status_text(dossier.status)
        self.due = flow.due_text(dossier)
        self.overdue = service.sla_state(db, dossier).overdue(service.utcnow())
        self.people = flow.people_of(db, dossier)
        self.timeline = [Row(r.vi, r.en, r.when, r.reason) for r in flow.timeline(db, user_id, dossier.id)]
        self.fee = format_vnd(dossier.fee_amount) if dossier.fee_amount else ""
        self.fee_due = dossier.status == statuses.FEE
        order = flow.fee_order(db, dossier.id) if dossier.fee_amount else None
        self.fee_order = pay_views.order_row(order) if order is not None and order.user_id == user_id else {}
        sup = service.open_supplement(db, user_id, dossier.id) if dossier.status == statuses.SUPPLEMENT else None
        labels = {a["id"]: a["label"] for a in proc.attachments}
        self.supplement = [Row(i["text"], i["text"], (labels.get(i.get("attachment_id") or "") or {}).get("vi", ""),
                               i.get("attachment_id") or "") for i in (sup.items if sup else [])]
        self.supplement_note = sup.note if sup else ""
        self.slots = [OptionView(r.href, r.value, _en_label(labels, r.href)) for r in self.supplement if r.href]
        self.slot = self.slots[0].value if self.slots else ""
        self.result_ready = dossier.status in (statuses.DONE, statuses.DELIVERED)
        self.is_owner = user_id == dossier.applicant_id
        self.rating = dossier.rating or 0
        self.can_rate = self.result_ready and self.is_owner and not dossier.rating
        self.can_withdraw = self.is_owner and "withdraw" in statuses.status_table().actions_from(dossier.status)

    @rx.event
    async def withdraw(self, form_data: dict):
        """The citizen withdraws their dossier (legal from statuses 1, 2, 4, 5, 6; the service checks)."""
        user_id, _ = await acting_user(self)
        try:
            with session_scope() as db:
                service.withdraw(db, user_id, self.dossier_id, str(form_data.get("reason", ""))[:2000])
        except DomainError as exc:
            self._fail(exc)
            return
        self.error, self.notice = {}, both("procedures.withdrawn_done")
        await self._refresh()

    @rx.event
    async def pay(self):
        user_id, _ = await acting_user(self)
        lang = (await self.get_state(LangState)).lang
        try:
            with session_scope() as db:
                url = flow.start_fee_payment(db, user_id, self.dossier_id, lang=lang,
                                             client_ip=self.router.session.client_ip or "")
        except DomainError as exc:
            self._fail(exc)
            return None
        return go_to(url)

    @rx.event
    async def cancel_payment(self):
        user_id, _ = await acting_user(self)
        try:
            with session_scope() as db:
                flow.cancel_fee_payment(db, user_id, self.dossier_id)
            await self._refresh()
        except DomainError as exc:
            self._fail(exc)
            return
        self.error, self.notice = {}, both("procedures.pay_cancelled")

    @rx.event
    async def pay_for(self, dossier_id: int):
        text = str(dossier_id)
        self.dossier_id = int(text) if text.isdigit() and len(text) < 10 else 0  # the service checks the payer
        return DossierState.pay

    @rx.event
    def set_slot(self, value: str):
        self.slot = str(value)[:64]

    @rx.event
    async def upload(self, files: list[rx.UploadFile]):
        user_id, _ = await acting_user(self)
        try:
            await _store_files(user_id, self.dossier_id, self.slot, files)
        except DomainError as exc:
            self._fail(exc)
            return rx.clear_selected_files("sup-upload")
        self.error, self.notice = {}, both("procedures.file_added")
        return rx.clear_selected_files("sup-upload")

    @rx.event
    async def answer(self, form_data: dict):
        user_id, _ = await acting_user(self)
        try:
            with session_scope() as db:
                service.answer_supplement(db, user_id, self.dossier_id, note=str(form_data.get("note", ""))[:2000])
        except DomainError as exc:
            self._fail(exc)
            if isinstance(exc, service.FormInvalid):
                with session_scope() as db:
                    proc = get_procedure(service.load_dossier(db, self.dossier_id).procedure_code)
                first = views.error_texts(proc, exc.errors[0])
                self.error = {"vi": f"{self.error['vi']} {first[0]}", "en": f"{self.error['en']} {first[1]}"}
            return None
        self.error, self.notice = {}, both("procedures.supplement_sent")
        await self._refresh()
        return None

    @rx.event
    async def rate(self, form_data: dict):
        user_id, _ = await acting_user(self)
        stars = str(form_data.get("stars", ""))
        try:
            with session_scope() as db:
                service.rate_service(db, user_id, self.dossier_id, int(stars) if stars.isdigit() else 0,
                                     str(form_data.get("comment", ""))[:1000])
        except DomainError as exc:
            self._fail(exc)
            return None
        self.error, self.notice = {}, both("procedures.rated")
        await self._refresh()
        return None


class MyDossiersState(rx.State):
    rows: list[Row] = []
    named: list[Row] = []  # dossiers someone else filed that name this citizen (read-only records)

    @rx.event
    async def load(self):
        user_id, _ = await acting_user(self)
        if user_id is None:
            self.rows, self.named = [], []
            return
        with read_scope() as db:
            records = [Row(f"{r.procedure['vi']} — {r.status['vi']}", f"{r.procedure['en']} — {r.status['en']}",
                           f"{r.number} · {r.applicant}", f"/procedures/named/{r.id}")
                       for r in named.my_records(db, user_id)]
            dossiers = service.list_my_dossiers(db, user_id)
            rows = []
            for d in dossiers:
                proc = get_procedure(d.procedure_code)
                vi, en = views.status_text(d.status)
                rows.append(Row(f"{proc.name['vi']} — {vi}", f"{proc.name['en']} — {en}",
                                f"{d.number} · {format_datetime(d.updated_at)}", views.dossier_href(d)))
        set_changed(self, rows=rows, named=records)  # a visit that finds the same lists sends nothing


class LookupState(FormErrorMixin, rx.State):
    result: dict[str, str] = {}

    @rx.event
    def reset_form(self):
        self.error, self.result = {}, {}

    @rx.event
    def lookup(self, form_data: dict):
        try:
            with session_scope() as db:
                found = service.public_lookup(db, str(form_data.get("number", ""))[:40],
                                              str(form_data.get("access_code", ""))[:40])
        except DomainError as exc:
            self.result = {}
            self._fail(exc)
            return
        self.error = {}
        self.result = {"number": found.number, "proc_vi": found.procedure_vi, "proc_en": found.procedure_en,
                       "status_vi": found.status_vi, "status_en": found.status_en, "submitted": found.submitted_on,
                       "due": found.due_on, "overdue": "1" if found.overdue else "",
                       "ready": "1" if found.result_ready else ""}
