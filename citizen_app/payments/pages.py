"""Payments pages: my payments, one order (where gateway returns land) and the reconciliation page."""

from __future__ import annotations

import reflex as rx

from citizen_app.i18n.state import LangState, t, t_var
from citizen_app.identity.state import AuthState
from citizen_app.payments.models import OrderStatus
from citizen_app.payments.service import READ_ROLES
from citizen_app.payments.state import OrderState, PayAdminState, PaymentsState
from citizen_app.shell.layout import app_page, heading
from citizen_app.ui.components import error_summary, primary_button

STATUS_ICONS = {"pending": "clock", "paid": "circle-check", "failed": "circle-x", "expired": "timer-off",
                "partially_refunded": "undo-2", "refunded": "undo-2"}
STATUS_COLORS = {"pending": "amber", "paid": "green", "failed": "red", "expired": "gray",
                 "partially_refunded": "blue", "refunded": "blue"}
DL_STYLE = {"display": "grid", "grid_template_columns": "minmax(7em, max-content) 1fr", "gap": "4px 12px",
            "margin": "0"}


def _by_lang(row: rx.Var, field: str) -> rx.Var:
    return rx.cond(LangState.lang == "en", row[f"{field}_en"], row[f"{field}_vi"])


def status_badge(status: rx.Var) -> rx.Component:
    """Icon + text (never colour alone)."""
    cases = [(s.value, rx.badge(rx.icon(STATUS_ICONS[s.value], size=16, aria_hidden="true"),
                                t(f"payments.status.{s.value}"), color_scheme=STATUS_COLORS[s.value], size="2",
                                class_name="pay-status", data_status=s.value))
             for s in OrderStatus]
    return rx.match(status, *cases, rx.badge(status))


def _fact(label_key: str, value: rx.Var | str) -> list[rx.Component]:
    return [rx.el.dt(t(label_key), style={"color": "var(--cds-muted)"}), rx.el.dd(value, style={"margin": "0"})]


def _notice(notice: rx.Var) -> rx.Component:
    return rx.cond(notice.length() > 0, rx.callout(t_var(notice), icon="info", role="status", id="pay-notice"))  # type: ignore[attr-defined]


# --- /payments ----------------------------------------------------------------------------------


def _order_item(row: rx.Var) -> rx.Component:
    return rx.el.li(
        rx.el.div(
            rx.el.strong(row["description"]),
            rx.el.p(_by_lang(row, "product"), " · ", row["code"], " · ", row["created"], class_name="cds-hint"),
            rx.el.p(rx.el.strong(row["amount"]), " ", status_badge(row["status"])),
        ),
        rx.link(t("payments.ui.open"), href="/payments/" + row["code"].to(str),
                class_name="cds-button cds-button-outline", aria_label=t("payments.ui.open") + " " + row["code"]),
        class_name="cds-list-row",
        data_code=row["code"],
    )


def _test_order_form() -> rx.Component:
    return rx.cond(
        PaymentsState.sandbox,
        rx.el.section(
            rx.el.h2(t("payments.ui.test_title"), class_name="cds-h2", id="test-order"),
            rx.el.p(t("payments.ui.test_hint"), class_name="cds-hint"),
            rx.form(
                rx.el.div(
                    rx.el.label(t("payments.ui.test_amount"), html_for="f-amount", class_name="cds-label"),
                    rx.el.input(id="f-amount", name="amount", default_value="10000", input_mode="numeric",
                                class_name="cds-input", required=True, auto_complete="off"),
                    class_name="cds-field",
                ),
                primary_button("payments.ui.test_create", id="test-order-create"),
                on_submit=PaymentsState.create_test_order,
                class_name="cds-form cds-inline-form",
            ),
            aria_labelledby="test-order",
        ),
    )


@app_page("/payments", "payments.ui.title", roles=("citizen",), on_load=[PaymentsState.load])
def payments_page() -> rx.Component:
    return rx.el.section(
        heading("payments.ui.title"),
        rx.el.p(t("payments.ui.lead"), class_name="cds-lead"),
        rx.cond(AuthState.is_official | AuthState.roles.contains("finance"),
                rx.link(t("payments.ui.staff_link"), href="/admin/payments",
                        class_name="cds-button cds-button-outline")),
        error_summary(PaymentsState.error),
        rx.cond(
            PaymentsState.orders.length() > 0,  # type: ignore[attr-defined]
            rx.el.ul(rx.foreach(PaymentsState.orders, _order_item), class_name="cds-list", id="pay-orders"),
            rx.el.p(t("payments.ui.empty"), id="pay-empty"),
        ),
        _test_order_form(),
    )


# --- /payments/[pay_code] -------------------------------------------------------------------------


def _order_facts() -> rx.Component:
    o = OrderState.order
    return rx.el.dl(
        *_fact("payments.ui.code", rx.el.span(o["code"], id="pay-code")),
        *_fact("payments.ui.product", _by_lang(o, "product")),
        *_fact("payments.ui.description", o["description"]),
        *_fact("payments.ui.amount", rx.el.strong(o["amount"])),
        *_fact("payments.ui.status", rx.el.span(status_badge(o["status"]), id="pay-status", data_status=o["status"])),
        *_fact("payments.ui.created", o["created"]),
        *_fact("payments.ui.expires", o["expires"]),
        style=DL_STYLE,
    )


def _pay_form() -> rx.Component:
    provider_field = rx.cond(
        OrderState.providers.length() > 1,  # type: ignore[attr-defined]
        rx.el.div(
            rx.el.label(t("payments.ui.choose_provider"), html_for="f-provider", class_name="cds-label"),
            rx.el.select(rx.foreach(OrderState.providers, lambda p: rx.el.option(p["label"], value=p["id"])),
                         id="f-provider", name="provider", class_name="cds-input"),
            class_name="cds-field",
        ),
        rx.el.input(type="hidden", name="provider",
                    value=rx.cond(OrderState.providers.length() > 0, OrderState.providers[0]["id"], "")),  # type: ignore[attr-defined]
    )
    return rx.form(
        provider_field,
        rx.el.button(rx.cond(OrderState.order["started"] != "", t("payments.ui.continue"), t("payments.ui.pay")),
                     type="submit", class_name="cds-button", id="pay-submit"),
        on_submit=OrderState.pay,
        class_name="cds-form",
    )


def _qr_block() -> rx.Component:
    qr = OrderState.qr
    return rx.cond(
        qr.length() > 0,  # type: ignore[attr-defined]
        rx.el.section(
            rx.el.h2(t("payments.ui.bank_transfer"), class_name="cds-h2"),
            rx.el.p(t("payments.ui.bank_transfer_hint")),
            rx.image(src=qr["png"], alt=t("payments.ui.bank_transfer") + " — " + qr["reference"], width="240px",
                     height="240px", id="pay-qr", style={"background": "#fff", "padding": "8px"}),
            rx.el.dl(*_fact("payments.ui.bank", qr["bank"]), *_fact("payments.ui.account", qr["account"]),
                     *_fact("payments.ui.beneficiary", qr["merchant"]), *_fact("payments.ui.amount", qr["amount"]),
                     *_fact("payments.ui.transfer_note", rx.el.strong(qr["reference"])), style=DL_STYLE),
            rx.el.p(t("payments.ui.transfer_manual"), class_name="cds-hint"),
        ),
    )


def _pending_actions() -> rx.Component:
    return rx.cond(
        OrderState.order["pending"] != "",
        rx.el.div(
            rx.cond(OrderState.watching, rx.el.p(rx.spinner(size="2"), " ", t("payments.ui.checking"), role="status",
                                                 style={"display": "flex", "gap": "8px", "align_items": "center"})),
            _pay_form(),
            rx.el.div(
                rx.el.button(t("payments.ui.check_again"), on_click=OrderState.check_again,
                             class_name="cds-button cds-button-outline", id="pay-check", type="button"),
                rx.el.button(t("payments.ui.bank_transfer"), on_click=OrderState.show_qr,
                             class_name="cds-button cds-button-outline", id="pay-show-qr", type="button"),
                class_name="cds-actions",
            ),
            _qr_block(),
        ),
        rx.cond(
            OrderState.order["status"] == "expired",
            rx.el.button(t("payments.ui.check_again"), on_click=OrderState.check_again,
                         class_name="cds-button cds-button-outline", id="pay-check", type="button"),
        ),
    )


def _receipt_block() -> rx.Component:
    r = OrderState.receipt
    pdf = "/api/pay/receipt/" + OrderState.order["code"].to(str) + ".pdf?lang=" + LangState.lang
    return rx.cond(
        r.length() > 0,  # type: ignore[attr-defined]
        rx.el.section(
            rx.el.h2(t("payments.ui.receipt"), class_name="cds-h2"),
            rx.el.div(
                rx.el.p(t("payments.receipt.title"), style={"font_weight": "700", "text_align": "center",
                                                            "margin": "0"}),
                rx.el.p(r["merchant"], class_name="cds-hint", style={"text_align": "center"}),
                rx.cond(r["test"] != "", rx.el.p(t("payments.sandbox.banner"),
                                                 style={"color": "#b00020", "text_align": "center",
                                                        "font_weight": "700"})),
                rx.el.dl(
                    *_fact("payments.receipt.number", r["number"]), *_fact("payments.receipt.date", r["date"]),
                    *_fact("payments.receipt.payer", r["payer"]),
                    *_fact("payments.receipt.item", OrderState.order["description"]),
                    *_fact("payments.receipt.method", rx.el.span(_by_lang(OrderState.order, "provider"), " ",
                                                                 r["method"])),
                    *_fact("payments.receipt.txn", r["txn"]), *_fact("payments.receipt.amount", r["amount"]),
                    style=DL_STYLE,
                ),
                rx.el.ul(rx.foreach(OrderState.refunds, lambda f: rx.el.li(
                    t("payments.receipt.refund"), ": −", f["amount"], " (", f["at"], ") ", f["reason"]))),
                rx.el.p(t("payments.receipt.net"), ": ", rx.el.strong(r["net"], id="receipt-net")),
                rx.el.p(t("payments.receipt.footer"), class_name="cds-hint"),
                id="pay-receipt",
                style={"border": "1px solid var(--cds-line)", "border_radius": "8px", "padding": "12px 16px",
                       "background": "#fff"},
            ),
            rx.el.a(rx.icon("file-down", size=20, aria_hidden="true"), t("payments.ui.receipt_pdf"), href=pdf,
                    reload_document=True,
                    class_name="cds-button cds-button-outline", id="pay-receipt-pdf", target="_blank",
                    rel="noopener", style={"gap": "8px", "margin_top": "12px"}),
        ),
    )


def _history() -> rx.Component:
    return rx.el.section(
        rx.el.h2(t("payments.ui.history"), class_name="cds-h2"),
        rx.el.ol(rx.foreach(OrderState.history, lambda h: rx.el.li(
            h["at"], " — ", status_badge(h["status"]), " ", h["amount"])), id="pay-history"),
    )


@app_page("/payments/[pay_code]", "payments.ui.order_title", roles=("citizen",), on_load=[OrderState.load])
def order_page() -> rx.Component:
    return rx.el.section(
        heading("payments.ui.order_title"),
        error_summary(OrderState.error),
        _notice(OrderState.notice),
        rx.cond(
            OrderState.order.length() > 0,  # type: ignore[attr-defined]
            rx.el.div(
                _order_facts(),
                rx.el.p(t("payments.ui.state_from_db"), class_name="cds-hint"),
                _pending_actions(),
                _receipt_block(),
                _history(),
            ),
        ),
        rx.el.div(
            rx.link(t("payments.ui.back_to_list"), href="/payments", class_name="cds-button cds-button-outline"),
            rx.cond(OrderState.order["service_path"],
                    rx.link(t("payments.ui.back_to_service"), href=OrderState.order["service_path"],
                            class_name="cds-button cds-button-outline")),
            class_name="cds-actions",
        ),
    )


# --- /admin/payments ------------------------------------------------------------------------------


def _th(key: str) -> rx.Component:
    return rx.table.column_header_cell(t(key), scope="col")


def _summary_table() -> rx.Component:
    def body_row(row: rx.Var) -> rx.Component:
        return rx.table.row(
            rx.table.row_header_cell(row["day"]), rx.table.cell(_by_lang(row, "product")),
            rx.table.cell(row["orders"]), rx.table.cell(row["paid_count"], " / ", row["paid"]),
            rx.table.cell(row["pending_count"], " / ", row["pending"]), rx.table.cell(row["failed_count"]),
            rx.table.cell(row["expired_count"]), rx.table.cell(row["refunded"]),
            rx.table.cell(rx.el.strong(row["net"])),
        )

    tot = PayAdminState.total
    return rx.box(
        rx.table.root(
            rx.table.header(rx.table.row(
                _th("payments.report.day"), _th("payments.report.product_kind"), _th("payments.report.orders"),
                _th("payments.report.paid_vnd"), _th("payments.report.pending_vnd"),
                _th("payments.report.failed_count"), _th("payments.report.expired_count"),
                _th("payments.report.refunded_vnd"), _th("payments.report.net_vnd"),
            )),
            rx.table.body(
                rx.foreach(PayAdminState.rows, body_row),
                rx.table.row(
                    rx.table.row_header_cell(rx.el.strong(t("payments.admin.total"))), rx.table.cell(""),
                    rx.table.cell(tot["orders"]), rx.table.cell(tot["paid_count"], " / ", tot["paid"]),
                    rx.table.cell(tot["pending_count"], " / ", tot["pending"]), rx.table.cell(tot["failed_count"]),
                    rx.table.cell(tot["expired_count"]), rx.table.cell(tot["refunded"]),
                    rx.table.cell(rx.el.strong(tot["net"])),
                ),
            ),
            variant="surface", size="1", id="pay-summary",
        ),
        overflow_x="auto",
    )


def _staff_order(row: rx.Var) -> rx.Component:
    return rx.el.li(
        rx.el.div(
            rx.el.strong(row["code"]), " · ", row["payer"],
            rx.el.p(_by_lang(row, "product"), " · ", row["description"], " · ", row["created"], class_name="cds-hint"),
            rx.el.p(rx.el.strong(row["amount"]), " ", status_badge(row["status"]),
                    rx.cond(row["refunded"] != "",
                            rx.el.span(" · ", t("payments.ui.refunded"), ": ", row["refunded"]))),
        ),
        rx.cond(PayAdminState.can_refund & (row["remaining"] != "0"),
                rx.el.button(t("payments.admin.refund"), on_click=PayAdminState.pick_refund(row["code"]),
                             class_name="cds-button cds-button-outline", type="button",
                             aria_label=t("payments.admin.refund") + " " + row["code"])),
        class_name="cds-list-row",
        data_code=row["code"],
    )


def _refund_form() -> rx.Component:
    return rx.cond(
        PayAdminState.refund_code != "",
        rx.form(
            rx.el.h2(t("payments.admin.refund"), " ", PayAdminState.refund_code, class_name="cds-h2",
                     id="refund-title"),
            rx.el.div(
                rx.el.label(t("payments.ui.amount"), " (≤ ", PayAdminState.refund_max, ")", html_for="f-refund-amount",
                            class_name="cds-label"),
                rx.el.input(id="f-refund-amount", name="amount", input_mode="numeric", class_name="cds-input",
                            required=True, auto_complete="off"),
                class_name="cds-field",
            ),
            rx.el.div(
                rx.el.label(t("payments.admin.refund_reason"), html_for="f-refund-reason", class_name="cds-label"),
                rx.el.textarea(id="f-refund-reason", name="reason", class_name="cds-input", required=True,
                               min_length=3, max_length=255),
                class_name="cds-field",
            ),
            rx.el.label(rx.el.input(type="checkbox", name="confirm", id="f-refund-confirm", class_name="cds-check"),
                        t("payments.admin.refund_confirm"), class_name="cds-check-label"),
            rx.el.div(
                primary_button("payments.admin.refund_submit", id="refund-submit"),
                rx.el.button(t("common.cancel"), type="button", on_click=PayAdminState.cancel_refund,
                             class_name="cds-button cds-button-outline"),
                class_name="cds-actions",
            ),
            on_submit=PayAdminState.refund,
            reset_on_submit=True,
            class_name="cds-form",
            aria_labelledby="refund-title",
            id="refund-form",
        ),
    )


@app_page("/admin/payments", "payments.admin.title", roles=READ_ROLES, on_load=[PayAdminState.load])
def reconciliation_page() -> rx.Component:
    csv = (f"/api/pay/admin/reconciliation.csv?from={PayAdminState.date_from}&to={PayAdminState.date_to}"
           f"&lang={LangState.lang}")
    return rx.el.section(
        heading("payments.admin.title"),
        rx.el.p(t("payments.admin.lead"), class_name="cds-lead"),
        rx.cond(PayAdminState.scope.length() > 0,  # type: ignore[attr-defined]
                rx.el.p(t_var(PayAdminState.scope), id="pay-scope", class_name="cds-hint")),
        error_summary(PayAdminState.error),
        rx.cond(PayAdminState.saved.length() > 0,  # type: ignore[attr-defined]
                rx.callout(t_var(PayAdminState.saved), icon="check", role="status", id="pay-admin-saved")),
        rx.form(
            rx.el.div(rx.el.label(t("payments.admin.from"), html_for="f-from", class_name="cds-label"),
                      rx.el.input(type="date", id="f-from", name="from", default_value=PayAdminState.date_from,
                                  key=PayAdminState.date_from, class_name="cds-input"), class_name="cds-field"),
            rx.el.div(rx.el.label(t("payments.admin.to"), html_for="f-to", class_name="cds-label"),
                      rx.el.input(type="date", id="f-to", name="to", default_value=PayAdminState.date_to,
                                  key=PayAdminState.date_to, class_name="cds-input"), class_name="cds-field"),
            primary_button("payments.admin.show"),
            on_submit=PayAdminState.show,
            class_name="cds-form cds-inline-form",
        ),
        rx.el.a(rx.icon("download", size=20, aria_hidden="true"), t("payments.admin.csv"), href=csv,
               reload_document=True,
                class_name="cds-button cds-button-outline", id="pay-csv", style={"gap": "8px"}),
        rx.cond(PayAdminState.rows.length() > 0, _summary_table(),  # type: ignore[attr-defined]
                rx.el.p(t("payments.admin.no_rows"))),
        _refund_form(),
        rx.el.h2(t("payments.admin.orders"), class_name="cds-h2"),
        rx.el.ul(rx.foreach(PayAdminState.orders, _staff_order), class_name="cds-list", id="pay-staff-orders"),
    )
