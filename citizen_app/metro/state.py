"""Thin Reflex states for Metro Line 1: fares and purchase, the rider's tickets, receipts and the gate page.

Every handler takes the user from ``acting_user`` (server side) and calls the service layer, which
authorizes. The device public key is the only value that comes from the browser's own code (ticket.js).
"""

from __future__ import annotations

import reflex as rx

from citizen_app.core.db import read_scope, session_scope
from citizen_app.core.errors import DomainError
from citizen_app.core.timeutil import format_datetime, format_vnd, to_local, utcnow
from citizen_app.i18n.state import LangState, both
from citizen_app.identity.state import FormErrorMixin, acting_user, go_to
from citizen_app.metro import alerts, fares, gate_service, pay, purchase, tickets
from citizen_app.metro.catalog import data
from citizen_app.metro.claims import verified_claims
from citizen_app.metro.gate import IN, OUT
from citizen_app.metro.models import MetroTicket
from citizen_app.payments.models import PayOrder
from citizen_app.payments.state import return_notice
from citizen_app.payments.views import state_words
from citizen_app.ui.delta import set_changed
from citizen_app.ui.params import page_params

KEY_JS = "window.MetroTicket ? window.MetroTicket.devicePublicKey() : ''"
PAY_RESULT = {"paid": "metro.pay.paid", "pending": "metro.pay.pending", "failed": "metro.pay.failed",
              "cancelled": "metro.pay.cancelled", "expired": "metro.pay.expired",
              "refunded": "metro.pay.refunded", "partially_refunded": "metro.pay.refunded"}


def texts(key: str, prefix: str, **params: object) -> dict[str, str]:
    """A message flattened to ``{prefix_vi, prefix_en}`` for rows of a foreach list."""
    texts = both(key, **params)
    return {f"{prefix}_vi": texts["vi"], f"{prefix}_en": texts["en"]}


def _station_names(code: str | None, prefix: str) -> dict[str, str]:
    station = data().station(code or "")
    if station is None:
        return {f"{prefix}_vi": "—", f"{prefix}_en": "—"}
    return {f"{prefix}_vi": station.name_vi, f"{prefix}_en": station.name_en}


def station_rows() -> list[dict[str, str]]:
    return [{"code": s.code, "name_vi": s.name_vi, "name_en": s.name_en} for s in fares.list_stations()]


def _route(origin: str | None, destination: str | None) -> dict[str, str]:
    if not origin or not destination:
        return texts("metro.route.any", "route")
    a, b = _station_names(origin, "a"), _station_names(destination, "b")
    return {"route_vi": f"{a['a_vi']} → {b['b_vi']}", "route_en": f"{a['a_en']} → {b['b_en']}"}


def _validity_texts(product_id: str) -> dict[str, str]:
    key, params = purchase.validity_rule(data().products[product_id])
    return texts(key, "validity", **params)


def _direction(value: str) -> str:
    return OUT if value == OUT else IN


class MetroState(FormErrorMixin, rx.State):
    """/metro: stations, fare quote, products with eligibility, purchase."""

    stations: list[dict[str, str]] = []
    origin: str = "L1-01"
    destination: str = "L1-11"
    quote: dict[str, str] = {}
    quote_error: dict[str, str] = {}
    products: list[dict[str, str]] = []
    free_day: dict[str, str] = {}
    fare_note: dict[str, str] = {}
    alert_count: int = 0  # service alerts in force (/metro/alerts)

    _pending: dict[str, str] = {}

    @rx.event
    async def load(self):
        self.error, self.busy, self._pending = {}, False, {}
        metro = data()
        today = to_local(utcnow()).date()
        free = fares.free_day_on(today)
        user_id, _ = await acting_user(self)
        with read_scope() as db:
            claims = verified_claims(db, user_id)
            alert_count = len(alerts.active_alerts(db))
        products = [
            {"id": o.product_id, "name_vi": o.name_vi, "name_en": o.name_en,
             "price": format_vnd(o.price_vnd), "free": "1" if o.price_vnd == 0 else "", "needs": o.requires_claim or "",
             "eligible": "1" if o.eligible else "",
             **_validity_texts(o.product_id)}
            for o in fares.list_products(claims, today)
        ]
        set_changed(self, stations=station_rows(), products=products,
                    fare_note={"vi": metro.fare_note.get("vi", ""), "en": metro.fare_note.get("en", "")},
                    free_day={"vi": free.label_vi, "en": free.label_en} if free else {}, alert_count=alert_count)
        self._requote()

    def _requote(self) -> None:
        try:
            quote = fares.quote_single(self.origin, self.destination)
        except DomainError as exc:
            self.quote, self.quote_error = {}, both(exc.code, **exc.params)
            return
        set_changed(self, quote_error={}, quote={"cash": format_vnd(quote.cash_vnd),
                                                 "cashless": format_vnd(quote.cashless_vnd),
                                                 "estimate": "1" if quote.is_estimate else ""})

    @rx.event
    def set_origin(self, code: str):
        self.origin = str(code)[:16]
        self._requote()

    @rx.event
    def set_destination(self, code: str):
        self.destination = str(code)[:16]
        self._requote()

    @rx.event
    def swap(self):
        self.origin, self.destination = self.destination, self.origin
        self._requote()

    @rx.event
    def buy_single(self):
        self.error, self.busy = {}, True
        self._pending = {"product": "single", "origin": self.origin, "destination": self.destination}
        return rx.call_script(KEY_JS, callback=MetroState.purchase)

    @rx.event
    def buy_product(self, product_id: str):
        self.error, self.busy = {}, True
        self._pending = {"product": str(product_id)[:32], "origin": "", "destination": ""}
        return rx.call_script(KEY_JS, callback=MetroState.purchase)

    @rx.event
    async def purchase(self, device_key: str):
        """Callback of ticket.js with the phone's public key: create the order and go to the payment page."""
        pending, self._pending = self._pending, {}
        user_id, _ = await acting_user(self)
        if not pending:
            self.busy = False
            return None
        lang = (await self.get_state(LangState)).lang
        try:
            with session_scope() as db:
                result = pay.checkout(db, user_id, pending["product"], str(device_key or "")[:200],
                                      origin=pending["origin"] or None, destination=pending["destination"] or None,
                                      lang=lang, client_ip=self.router.session.client_ip or "")
        except DomainError as exc:
            self._fail(exc)
            self.busy = False
            return None
        return go_to(result.redirect_url)


class MetroTicketsState(FormErrorMixin, rx.State):
    """/metro/tickets: the payment result and the history of purchases and journeys."""

    result: dict[str, str] = {}
    notice: dict[str, str] = {}
    purchases: list[dict[str, str]] = []
    journeys: list[dict[str, str]] = []

    @rx.event
    async def load(self):
        self.error, self.result, self.busy = {}, {}, False
        user_id, _ = await acting_user(self)
        if user_id is None:
            self.purchases, self.journeys = [], []
            return
        params = page_params(self)
        self.notice = return_notice(params.get("pay_notice"))
        try:
            with session_scope() as db:
                self._payment_result(db, user_id, str(params.get("pay_order", "")), str(params.get("ticket", "")))
                self._read_history(db, user_id)
        except DomainError as exc:
            self._fail(exc)

    def _read_history(self, db, user_id: int) -> None:
        history = tickets.rider_history(db, user_id)
        orders = pay.unpaid_orders(db, history.purchases)
        set_changed(self, purchases=[self._purchase_row(p, orders.get(p.id)) for p in history.purchases],
                    journeys=[self._journey_row(j) for j in history.journeys])

    @rx.event
    async def pay_ticket(self, ticket_id: str):
        """Continue paying an unpaid ticket, or pay again after a failed, cancelled or expired attempt."""
        user_id, _ = await acting_user(self)
        lang = (await self.get_state(LangState)).lang
        self.busy = True
        try:
            with session_scope() as db:
                url = pay.pay_ticket(db, user_id, str(ticket_id)[:24], lang=lang,
                                     client_ip=self.router.session.client_ip or "")
        except DomainError as exc:
            self.busy = False
            self._fail(exc)
            return None
        return go_to(url)

    @rx.event
    async def cancel_ticket(self, ticket_id: str):
        user_id, _ = await acting_user(self)
        try:
            with session_scope() as db:
                pay.cancel_ticket(db, user_id, str(ticket_id)[:24])
            with session_scope() as db:
                self._read_history(db, user_id)
        except DomainError as exc:
            self._fail(exc)
            return
        self.error, self.result, self.notice = {}, {}, both("metro.pay.cancel_done")

    def _payment_result(self, db, user_id: int, order_code: str, ticket_id: str) -> None:
        if order_code:
            outcome = pay.purchase_result(db, user_id, order_code)
            status = "paid" if outcome.ticket_status == "active" and outcome.order_status == "paid" \
                else outcome.order_status
            key = PAY_RESULT.get(status, "metro.pay.failed")
            self.result = {**both(key), "status": status, "ticket": outcome.ticket_id if status == "paid" else ""}
        elif ticket_id:
            ticket = db.get(MetroTicket, ticket_id[:24])
            if ticket is not None and ticket.user_id == user_id and ticket.status == "active":
                self.result = {**both("metro.pay.paid"), "status": "paid", "ticket": ticket.id}

    @staticmethod
    def _purchase_row(ticket: MetroTicket, order: PayOrder | None = None) -> dict[str, str]:
        """A purchase; an unpaid one shows its payment's state in the payments vocabulary, with what to do."""
        product = data().products[ticket.product_id]
        payment = _payment_words(order)
        return {"id": ticket.id, "name_vi": product.name_vi, "name_en": product.name_en,
                **_route(ticket.origin, ticket.destination),
                "price": format_vnd(ticket.price_vnd), "free": "1" if ticket.price_vnd == 0 else "",
                "date": format_datetime(ticket.created_at),
                "until": format_datetime(ticket.valid_until) if ticket.valid_until else "",
                **(texts(tickets.status_key(ticket), "status") if not payment else
                   {"status_vi": payment["status_vi"], "status_en": payment["status_en"]}),
                "pay_status": payment.get("status", ""), "hint_vi": payment.get("hint_vi", ""),
                "hint_en": payment.get("hint_en", ""), "order": order.code if order else "",
                "can_continue": "1" if payment.get("status") == "pending" else "",
                "can_retry": "1" if payment and payment["status"] != "pending" else "",
                "active": "1" if ticket.status == "active" and ticket.phase != "done" else "",
                "paid": "1" if ticket.paid_at is not None and ticket.status in ("active", "revoked") else "",
                "estimate": "1" if ticket.fare_is_estimate else ""}

    @staticmethod
    def _journey_row(journey: tickets.JourneyView) -> dict[str, str]:
        product = data().products[journey.product_id]
        return {"product_vi": product.name_vi, "product_en": product.name_en,
                **_station_names(journey.entry_station, "entry"), **_station_names(journey.exit_station, "exit"),
                "entry_at": format_datetime(journey.entry_at) if journey.entry_at else "—",
                "exit_at": format_datetime(journey.exit_at) if journey.exit_at else "—",
                **texts(f"metro.journey.{journey.status}", "status")}


def _payment_words(order: PayOrder | None) -> dict[str, str]:
    """An unpaid ticket's payment state (no order yet: awaiting payment, as a new pending order would say)."""
    if order is None:
        return {}
    return state_words(order)


class MetroReceiptState(FormErrorMixin, rx.State):
    """/metro/receipt?id=…: the rider's own receipt."""

    receipt: dict[str, str] = {}

    @rx.event
    async def load(self):
        self.error, self.receipt = {}, {}
        user_id, _ = await acting_user(self)
        ticket_id = str(page_params(self).get("id", ""))[:24]
        try:
            with session_scope() as db:
                r = tickets.get_receipt(db, user_id, ticket_id)
        except DomainError as exc:
            self._fail(exc)
            return
        self.receipt = {
            "no": r.receipt_no, "ticket": r.ticket_id, "issued": format_datetime(r.issued_at),
            "product_vi": r.product_vi, "product_en": r.product_en, **_route(r.origin, r.destination),
            "amount": format_vnd(r.amount_vnd), **texts(f"metro.medium.{r.medium}", "medium"),
            "estimate": "1" if r.fare_is_estimate else "", "from": format_datetime(r.valid_from),
            "until": format_datetime(r.valid_until), "single": "1" if r.single_day_rule else "",
            "payment": r.receipt_no if r.receipt_no.startswith("CDS") else "",  # the payment's own receipt
        }


class MetroGateState(FormErrorMixin, rx.State):
    """/metro/gate for staff (official/admin): validate scanned tickets at the station they choose. A registered
    gate or handheld validator uses the same page as a device (gate-device.js and the gate API), not this state."""

    stations: list[dict[str, str]] = []
    station: str = "L1-01"
    direction: str = IN
    result: dict[str, str] = {}
    scans: int = 0

    @rx.event
    def load(self):
        self.error, self.result = {}, {}
        self.stations = station_rows()

    @rx.event
    def set_station(self, code: str):
        if data().station(str(code)) is not None:
            self.station = str(code)

    @rx.event
    def set_direction(self, direction: str):
        self.direction = _direction(direction)

    @rx.event
    async def scan(self, form_data: dict):
        user_id, _ = await acting_user(self)
        self.direction = _direction(str(form_data.get("direction", self.direction)))
        station = str(form_data.get("station", self.station))[:16]
        text = str(form_data.get("qr", "")).strip()[:1000]
        try:
            with session_scope() as db:
                gate_id, station = gate_service.scan_point(db, None, user_id=user_id, staff_station=station)
                decision = gate_service.validate_at_gate(db, text, station, self.direction, gate_id=gate_id)
        except DomainError as exc:
            self._fail(exc)
            self.result = {}
            return
        self.error, self.station, self.scans = {}, station, self.scans + 1
        product = data().products.get(decision.product_id or "")
        self.result = {
            "admitted": "1" if decision.admitted else "", "reason": decision.reason,
            "vi": decision.message_vi, "en": decision.message_en,
            "product_vi": product.name_vi if product else "", "product_en": product.name_en if product else "",
            **texts(f"metro.category.{decision.rider_category or 'adult'}", "category"),
            "at": to_local(utcnow()).strftime("%H:%M:%S"), "n": str(self.scans),
        }
        return [rx.set_value("gate-qr", ""), rx.scroll_to("gate-result-box")]
