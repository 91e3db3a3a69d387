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
from citizen_app.i18n.state import LangState, both
from citizen_app.identity.state import FormErrorMixin, acting_user, go_to
from citizen_app.payments import reports, service, views
from citizen_app.payments.models import OrderStatus
from citizen_app.payments.providers import payment_providers, sandbox_enabled
from citizen_app.payments.receipts import receipt_for
from citizen_app.ui.params import page_params

CODE_RE = re.compile(r"^[A-Z0-9]{4,20}$")
WATCH_ROUNDS = 20
WATCH_SECONDS = 1.0
DEFAULT_RANGE_DAYS = 7


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
            notice = page_params(self).get("pay_notice", "")
            suffix = "?pay_order=1&pay_notice=unverified" if notice == "unverified" else "?pay_order=1"
            return rx.redirect(f"/payments/{code}{suffix}")
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
    providers: list[dict[str, str]] = []
    notice: dict[str, str] = {}
    watching: bool = False

    _watch_user: int | None = None
    _watch_code: str = ""

    def _code(self) -> str:
        return clean_code(page_params(self).get("pay_code"))

    def _read(self, user_id: int | None, code: str) -> None:
        with session_scope() as db:
            order = service.get_order(db, user_id, code)
            self.order = views.order_row(order)
            self.history = [views.audit_row(a) for a in service.audit_trail(db, user_id, code)]
            self._read_receipt(db, user_id, code, service.is_settled(order))

    def _read_receipt(self, db, user_id: int | None, code: str, settled: bool) -> None:
        if not settled:
            self.receipt, self.refunds = {}, []
            return
        data = receipt_for(db, user_id, code, "vi")
        self.receipt = {"number": data.order_code, "date": format_datetime(data.issued_at), "payer": data.payer_name,
                        "merchant": data.merchant_name, "amount": format_vnd(data.amount_vnd),
                        "net": format_vnd(data.net_vnd), "method": data.pay_method, "txn": data.provider_txn or "-",
                        "test": "1" if data.is_test else ""}
        self.refunds = [{"at": format_datetime(r.at), "amount": format_vnd(r.amount_vnd), "reason": r.reason}
                        for r in data.refunds]

    def _reset(self) -> None:
        self.order, self.history, self.receipt, self.refunds, self.qr = {}, [], {}, [], {}
        self.error, self.notice, self.busy, self.watching = {}, {}, False, False

    @rx.event
    async def load(self):
        self._reset()
        user_id, _ = await acting_user(self)
        lang = (await self.get_state(LangState)).lang
        self.providers = [{"id": pid, "label": label} for pid, label in payment_providers.choices(lang)]
        code = self._code()
        try:
            self._read(user_id, code)
        except DomainError as exc:
            self._fail(exc)
            return None
        params = page_params(self)
        if params.get("pay_notice") == "unverified":
            self.notice = both("payments.ui.return_unverified")
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
        provider = str(form_data.get("provider") or "sandbox")[:32]
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
        user_id, _ = await acting_user(self)
        lang = (await self.get_state(LangState)).lang
        try:
            with session_scope() as db:
                self.qr = views.qr_view(service.bank_transfer_qr(db, user_id, self._code(), lang))
        except DomainError as exc:
            self.qr = {}
            self._fail(exc)


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
        except DomainError as exc:
            self.rows, self.total, self.orders, self.scope, self.can_refund = [], {}, [], {}, False
            self._fail(exc)
            return
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
