"""Thin Reflex states for "my payments", the order page and the officials' reconciliation page.

Every handler takes the user from the server-side session (``acting_user``) and authorizes through the
service layer; the browser only names an order code, which the service checks against the owner.
A browser return never pays: the order page reads the state from the database, and "check again" asks
the gateway through ``refresh_order`` (a verified query).
"""

from __future__ import annotations

import asyncio
import re
from datetime import date, timedelta

import reflex as rx

from citizen_app.core.db import read_scope, session_scope
from citizen_app.core.errors import DomainError
from citizen_app.core.timeutil import format_datetime, format_vnd, to_local, utcnow
from citizen_app.i18n.catalog import translate
from citizen_app.i18n.state import LangState, both
from citizen_app.identity.state import FormErrorMixin, acting_user, go_to
from citizen_app.payments import reports, service, views
from citizen_app.payments.models import OrderStatus
from citizen_app.payments.providers import payment_providers, sandbox_enabled
from citizen_app.payments.receipts import Receipt, receipt_for
from citizen_app.ui.params import page_params

CODE_RE = re.compile(r"^[A-Z0-9]{4,20}$")
WATCH_ROUNDS = 20
WATCH_SECONDS = 1.0
DEFAULT_RANGE_DAYS = 7
RETURN_NOTICES = ("cancelled", "failed", "not_finished", "unverified")


def return_notice(raw: object) -> dict[str, str]:
    """The words for a gateway return's ``pay_notice`` (cancelled, declined, left unfinished, unverified)."""
    notice = str(raw or "")
    return both(f"payments.ui.return_{notice}") if notice in RETURN_NOTICES else {}


def clean_code(raw: object) -> str:
    """An order code as typed in a URL: upper-case letters and digits only, else empty."""
    text = str(raw or "").strip().upper()
    return text if CODE_RE.match(text) else ""


def parse_amount(raw: object) -> int:
    """'10.000', '10 000' or '10000' -> 10000; anything else is a translated error."""
    text = re.sub(r"[\s.,]", "", str(raw or ""))[:12]
    if not text.isdigit():
        raise DomainError("payments.ui.amount_not_number")
    return int(text)


class PaymentsState(FormErrorMixin, rx.State):
    """/payments: the user's own orders, and (sandbox only) a test order form."""

    orders: list[dict[str, str]] = []
    sandbox: bool = False

    @rx.event
    async def load(self):
        self.error, self.busy = {}, False
        code = clean_code(page_params(self).get("pay_order"))
        if code:  # a return that named this page: show the order itself
            notice = str(page_params(self).get("pay_notice", ""))
            suffix = f"&pay_notice={notice}" if notice in RETURN_NOTICES else ""
            return rx.redirect(f"/payments/{code}?pay_order=1{suffix}")
        self.sandbox = sandbox_enabled()
        user_id, _ = await acting_user(self)
        if user_id is None:
            self.orders = []
            return None
        with session_scope() as db:
            self.orders = [views.order_row(order) for order in service.list_orders(db, user_id)]
        return None

    @rx.event
    async def create_test_order(self, form_data: dict):
        user_id, _ = await acting_user(self)
        try:
            amount = parse_amount(form_data.get("amount"))
            with session_scope() as db:
                code = service.create_test_order(db, user_id, amount).code
        except DomainError as exc:
            self._fail(exc)
            return None
        self.error = {}
        return rx.redirect(f"/payments/{code}")


class OrderState(FormErrorMixin, rx.State):
    """/payments/[pay_code]: one order, its actions, VietQR, receipt and history."""

    order: dict[str, str] = {}
    history: list[dict[str, str]] = []
    receipt: dict[str, str] = {}
    refunds: list[dict[str, str]] = []
    qr: dict[str, str] = {}
    lines: list[dict[str, str]] = []
    providers: list[dict[str, str]] = []
    bank_transfer: bool = False
    notice: dict[str, str] = {}
    watching: bool = False

    _watch_user: int | None = None
    _watch_code: str = ""

    def _code(self) -> str:
        return clean_code(page_params(self).get("pay_code"))

    def _read(self, user_id: int | None, code: str) -> None:
        with session_scope() as db:
            order = service.get_order(db, user_id, code)
            self.order = views.order_row(order, purpose_paid=service.purpose_paid_elsewhere(db, order))
            self.history = [views.audit_row(a) for a in service.audit_trail(db, user_id, code)]
            self._read_receipt(db, user_id, code, service.is_settled(order))
        if not self.order.get("pending"):
            self.qr = {}  # an order that takes no money shows no way to pay it

    def _read_receipt(self, db, user_id: int | None, code: str, settled: bool) -> None:
        if not settled:
            self.receipt, self.refunds, self.lines = {}, [], []
            return
        vi, en = receipt_for(db, user_id, code, "vi"), receipt_for(db, user_id, code, "en")
        self.receipt = {"number": vi.order_code, "date": format_datetime(vi.issued_at), "payer": vi.payer_name,
                        "merchant": vi.merchant_name, "seller": vi.seller_name, "tax_code": vi.seller_tax_code,
                        "collector_vi": vi.collector, "collector_en": en.collector,
                        "item_vi": vi.description, "item_en": en.description,
                        "amount": format_vnd(vi.amount_vnd), "net": format_vnd(vi.net_vnd),
                        "method_vi": vi.method_text, "method_en": en.method_text, "txn": vi.provider_txn or "-",
                        "test": "1" if vi.is_test else ""}
        self.lines = [{"label_vi": translate(a.label_key, "vi"), "label_en": translate(a.label_key, "en"),
                       "value_vi": a.vi, "value_en": b.en} for a, b in zip(vi.lines, en.lines, strict=True)]
        self.refunds = _refund_rows(vi, en)

    def _reset(self) -> None:
        self.order, self.history, self.receipt, self.refunds, self.qr, self.lines = {}, [], {}, [], {}, []
        self.error, self.notice, self.busy, self.watching = {}, {}, False, False

    @rx.event
    async def load(self):
        self._reset()
        user_id, _ = await acting_user(self)
        lang = (await self.get_state(LangState)).lang
        self.providers = [{"id": pid, "label": label} for pid, label in payment_providers.choices(lang)]
        self.bank_transfer = service.bank_transfer_available()
        code = self._code()
        try:
            self._read(user_id, code)
        except DomainError as exc:
            self._fail(exc)
            return None
        params = page_params(self)
        self.notice = return_notice(params.get("pay_notice"))
        if params.get("moved_from"):
            self.notice = both("payments.ui.moved_to", code=code)
        if params.get("qr") and self.order.get("pending"):
            return OrderState.show_qr
        if params.get("pay_order") and self.order.get("pending"):
            # Back from the gateway before its notification arrived: re-read the database for a while.
            self._watch_user, self._watch_code, self.watching = user_id, code, True
            return OrderState.watch
        return None

    @rx.event(background=True)
    async def watch(self):
        """Re-read the order from the database only (the gateway's notification changes it)."""
        for _ in range(WATCH_ROUNDS):
            await asyncio.sleep(WATCH_SECONDS)
            async with self:
                user_id, code = self._watch_user, self._watch_code
                if not self.watching or (await acting_user(self))[0] != user_id:  # the tab's session ended
                    self.watching = False
                    return
            try:
                with session_scope() as db:
                    status = service.get_order(db, user_id, code).status
            except DomainError:
                return
            if status != OrderStatus.PENDING:
                async with self:
                    self._read(user_id, code)
                    self.watching = False
                return
        async with self:
            self.watching = False
            self.notice = both("payments.ui.still_pending")

    @rx.event
    async def pay(self, form_data: dict):
        user_id, _ = await acting_user(self)
        lang = (await self.get_state(LangState)).lang
        provider = str(form_data.get("provider") or "")[:32] or None
        try:
            with session_scope() as db:
                start = service.start_payment(db, user_id, self._code(), provider, lang=lang,
                                              client_ip=self.router.session.client_ip or "")
        except DomainError as exc:
            self._fail(exc)
            return None
        return go_to(start.redirect_url)

    @rx.event
    async def check_again(self):
        user_id, _ = await acting_user(self)
        code = self._code()
        self.watching = False
        try:
            with session_scope() as db:
                order = service.refresh_order(db, user_id, code)
                still_pending = order.status == OrderStatus.PENDING
            self._read(user_id, code)
        except DomainError as exc:
            self._fail(exc)
            return
        self.error = {}
        self.notice = both("payments.ui.still_pending") if still_pending else {}

    @rx.event
    async def show_qr(self):
        """Pay by bank transfer: the order becomes a bank transfer order (or is replaced by one)."""
        user_id, _ = await acting_user(self)
        lang = (await self.get_state(LangState)).lang
        code = self._code()
        try:
            with session_scope() as db:
                qr = service.bank_transfer_qr(db, user_id, code, lang)
        except DomainError as exc:
            self.qr = {}
            self._fail(exc)
            return None
        if qr.order_code != code:  # replaced: the new order's page, whose code is the transfer note
            return rx.redirect(f"/payments/{qr.order_code}?qr=1&moved_from={code}")
        self.qr = views.qr_view(qr, sandbox_enabled())
        self._read(user_id, code)
        return None

    @rx.event
    async def cancel(self):
        user_id, _ = await acting_user(self)
        code = self._code()
        try:
            with session_scope() as db:
                service.cancel_order(db, user_id, code)
            self._read(user_id, code)
        except DomainError as exc:
            self._fail(exc)
            return
        self.error, self.qr, self.watching = {}, {}, False
        self.notice = both("payments.ui.cancelled_done")


def _refund_rows(vi: Receipt, en: Receipt) -> list[dict[str, str]]:
    rows = []
    for a, b in zip(vi.refunds, en.refunds, strict=True):
        rows.append({"at": format_datetime(a.at), "amount": format_vnd(a.amount_vnd), "ref": a.provider_ref,
                     "reason_vi": a.reason, "reason_en": b.reason})
    return rows


def default_range(today: date | None = None) -> tuple[str, str]:
    end = today or to_local(utcnow()).date()
    return (end - timedelta(days=DEFAULT_RANGE_DAYS - 1)).isoformat(), end.isoformat()


def parse_range(raw_from: object, raw_to: object) -> tuple[date, date]:
    try:
        return date.fromisoformat(str(raw_from)[:10]), date.fromisoformat(str(raw_to)[:10])
    except ValueError as exc:
        raise DomainError("payments.report_range_invalid", days=reports.MAX_DAYS) from exc


class PayAdminState(FormErrorMixin, rx.State):
    """/admin/payments: reconciliation per day and product, CSV export and refunds.

    Officials see their agency's orders, finance staff also refund them, admins see and refund every order:
    the service filters every query, so this state only ever holds what the user may see."""

    date_from: str = ""
    date_to: str = ""
    rows: list[dict[str, str]] = []
    total: dict[str, str] = {}
    orders: list[dict[str, str]] = []
    methods: list[dict[str, str]] = []
    exceptions: list[dict[str, str]] = []
    scope: dict[str, str] = {}  # whose payments these are, in both languages
    can_refund: bool = False
    refund_code: str = ""
    refund_max: str = ""
    saved: dict[str, str] = {}

    @rx.event
    async def load(self):
        self.busy = False
        if not self.date_from or not self.date_to:
            self.date_from, self.date_to = default_range()
        user_id, _ = await acting_user(self)
        try:
            start, end = parse_range(self.date_from, self.date_to)
            with read_scope() as db:
                page = reports.staff_page(db, user_id, start, end)
                self.orders = [views.staff_row(db, o) for o in page.orders]
                self.scope = views.scope_label(db, page.scope)
                money = reports.reconciliation(db, user_id, start, end)
        except DomainError as exc:
            self.rows, self.total, self.orders, self.scope, self.can_refund = [], {}, [], {}, False
            self.methods, self.exceptions = [], []
            self._fail(exc)
            return
        self.methods = [views.method_row(row) for row in money.methods]
        self.exceptions = [views.exception_row(row) for row in money.exceptions]
        self.can_refund = page.scope.can_refund
        self.rows = [views.summary_row(row) for row in page.summary]
        self.total = views.summary_row(reports.totals(page.summary)) if page.summary else {}
        self.error = {}

    @rx.event
    async def show(self, form_data: dict):
        self.date_from = str(form_data.get("from", ""))[:10]
        self.date_to = str(form_data.get("to", ""))[:10]
        self.saved, self.refund_code = {}, ""
        return PayAdminState.load

    @rx.event
    def pick_refund(self, code: str):
        row = next((o for o in self.orders if o["code"] == clean_code(code)), None)
        self.saved = {}
        if row is None or row["remaining"] in ("", "0") or not self.can_refund:
            self.refund_code, self.refund_max = "", ""
            return
        self.refund_code, self.refund_max = row["code"], row["remaining_fmt"]

    @rx.event
    def cancel_refund(self):
        self.refund_code, self.refund_max = "", ""

    @rx.event
    async def refund(self, form_data: dict):
        user_id, _ = await acting_user(self)
        code = clean_code(self.refund_code)
        try:
            if not code:
                raise DomainError("payments.admin.pick_order")
            if not form_data.get("confirm"):
                raise DomainError("payments.admin.confirm_required")
            amount = parse_amount(form_data.get("amount"))
            with session_scope() as db:
                service.refund_order(db, user_id, code, amount, str(form_data.get("reason", ""))[:255])
        except DomainError as exc:
            self._fail(exc)
            return None
        self.error, self.refund_code, self.refund_max = {}, "", ""
        self.saved = both("payments.admin.refund_done", amount=format_vnd(amount), code=code)
        return PayAdminState.load
