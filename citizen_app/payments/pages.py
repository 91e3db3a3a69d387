"""Payments pages: my payments, one order (where gateway returns land) and the reconciliation page."""

from __future__ import annotations

import reflex as rx

from citizen_app.i18n.state import LangState, t, t_var
from citizen_app.identity.state import AuthState
from citizen_app.payments.components import by_lang as _by_lang
from citizen_app.payments.components import status_badge, status_note
from citizen_app.payments.service import READ_ROLES
from citizen_app.payments.state import OrderState, PayAdminState, PaymentsState
from citizen_app.shell.layout import app_page, heading
from citizen_app.ui.components import error_summary, primary_button

DL_STYLE = {"display": "grid", "grid_template_columns": "minmax(7em, max-content) 1fr", "gap": "4px 12px",
            "margin": "0"}


def _fact(label_key: str, value: rx.Var | str) -> list[rx.Component]:
    return [rx.el.dt(t(label_key), style={"color": "var(--cds-muted)"}), rx.el.dd(value, style={"margin": "0"})]


def _notice(notice: rx.Var) -> rx.Component:
    return rx.cond(notice.length() > 0, rx.callout(t_var(notice), icon="info", role="status", id="pay-notice"))  # type: ignore[attr-defined]


# --- /payments ----------------------------------------------------------------------------------


def _order_item(row: rx.Var) -> rx.Component:
    return rx.el.li(
        rx.el.div(
            rx.el.strong(_by_lang(row, "description")),
            rx.el.p(row["code"], " · ", row["created"], class_name="cds-hint"),
            rx.el.p(rx.el.strong(row["amount"]), " ", status_badge(row["status"])),
            status_note(row),
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
    return rx.el.div(
        rx.el.dl(
            *_fact("payments.ui.code", rx.el.span(o["code"], id="pay-code")),
            *_fact("payments.ui.description", _by_lang(o, "description")),
            *_fact("payments.ui.amount", rx.el.strong(o["amount"])),
            *_fact("payments.ui.status", rx.el.span(status_badge(o["status"]), id="pay-status",
                                                    data_status=o["status"])),
            *_fact("payments.ui.created", o["created"]),
            *_fact("payments.ui.expires", o["expires"]),
            style=DL_STYLE,
        ),
        status_note(o, id="pay-hint"),
        rx.cond(o["flagged"] != "", rx.callout(
            rx.cond(o["status"] == "paid", t("payments.ui.late_due"), t("payments.ui.late_notice")),
            icon="undo-2", color_scheme="blue", role="status", id="pay-flag")),
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
                     *_fact("payments.ui.transfer_note", rx.el.strong(qr["reference"], id="pay-qr-note")),
                     style=DL_STYLE),
            rx.el.p(_by_lang(qr, "until"), class_name="cds-hint", id="pay-qr-until"),
            rx.cond(qr["bank_link"], rx.el.a(t("payments.ui.sandbox_bank"), href=qr["bank_link"], target="_blank",
                                             rel="noopener", class_name="cds-button cds-button-outline",
                                             id="pay-sandbox-bank")),
            id="pay-qr-block",
        ),
    )


def _pending_actions() -> rx.Component:
    """A pending order: pay (or continue), check, bank transfer, cancel. Any other: at most "pay again"."""
    return rx.cond(
        OrderState.order["pending"] != "",
        rx.el.div(
            rx.cond(OrderState.watching, rx.el.p(rx.spinner(size="2"), " ", t("payments.ui.checking"), role="status",
                                                 style={"display": "flex", "gap": "8px", "align_items": "center"})),
            _pay_form(),
            rx.el.div(
                rx.el.button(t("payments.ui.check_again"), on_click=OrderState.check_again,
                             class_name="cds-button cds-button-outline", id="pay-check", type="button"),
                rx.cond(OrderState.bank_transfer,
                        rx.el.button(t("payments.ui.bank_transfer"), on_click=OrderState.show_qr,
                                     class_name="cds-button cds-button-outline", id="pay-show-qr", type="button")),
                rx.el.button(t("payments.ui.cancel_order"), on_click=OrderState.cancel,
                             class_name="cds-button cds-button-outline", id="pay-cancel", type="button"),
                class_name="cds-actions",
            ),
            _qr_block(),
        ),
        rx.cond(OrderState.order["pay_again"] != "",
                rx.el.a(t("payments.ui.pay_again"), href=OrderState.order["pay_again"], class_name="cds-button",
                        id="pay-again")),
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
                    *_fact("payments.receipt.number", rx.el.span(r["number"], id="receipt-number")),
                    *_fact("payments.receipt.date", r["date"]),
                    *_fact("payments.receipt.seller", r["seller"]), *_fact("payments.receipt.tax_code", r["tax_code"]),
                    *_fact("payments.receipt.payer", r["payer"]),
                    *_fact("payments.receipt.item", _by_lang(r, "item")),
                    rx.foreach(OrderState.lines, lambda line: rx.fragment(
                        rx.el.dt(_by_lang(line, "label"), style={"color": "var(--cds-muted)"}),
                        rx.el.dd(_by_lang(line, "value"), style={"margin": "0"}))),
                    *_fact("payments.receipt.method", rx.el.span(_by_lang(r, "method"), id="receipt-method")),
                    *_fact("payments.receipt.txn", r["txn"]), *_fact("payments.receipt.amount", r["amount"]),
                    style=DL_STYLE, id="receipt-facts",
                ),
                rx.el.ul(rx.foreach(OrderState.refunds, lambda f: rx.el.li(
                    t("payments.receipt.refund"), ": −", f["amount"], " (", f["at"], ") ", _by_lang(f, "reason"),
                    rx.cond(f["ref"] != "", rx.el.span(" · ", f["ref"])))), id="receipt-refunds"),
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


def _methods_table() -> rx.Component:
    def body_row(row: rx.Var) -> rx.Component:
        return rx.table.row(
            rx.table.row_header_cell(row["day"]), rx.table.cell(_by_lang(row, "provider")),
            rx.table.cell(_by_lang(row, "method")), rx.table.cell(row["count"]), rx.table.cell(row["captured"]),
            rx.table.cell(row["refunded"]), rx.table.cell(row["gateway"]),
            rx.table.cell(rx.el.span(_by_lang(row, "match"), class_name="pay-match", data_match=row["match"])),
        )

    return rx.el.section(
        rx.el.h2(t("payments.admin.by_method"), class_name="cds-h2", id="pay-methods-title"),
        rx.cond(PayAdminState.methods.length() > 0, rx.box(rx.table.root(  # type: ignore[attr-defined]
            rx.table.header(rx.table.row(
                _th("payments.report.day"), _th("payments.report.provider"), _th("payments.admin.method"),
                _th("payments.report.captured_count"), _th("payments.admin.captured"), _th("payments.admin.refunds"),
                _th("payments.admin.gateway_report"), _th("payments.report.matches"),
            )),
            rx.table.body(rx.foreach(PayAdminState.methods, body_row)),
            variant="surface", size="1", id="pay-methods",
        ), overflow_x="auto"), rx.el.p(t("payments.admin.none"))),
        aria_labelledby="pay-methods-title",
    )


def _exception_list(kind: str) -> rx.Component:
    def item(row: rx.Var) -> rx.Component:
        return rx.el.li(
            rx.el.strong(row["code"]), " · ", row["at"], " · ", row["amount"], " ", status_badge(row["status"]),
            rx.el.p(_by_lang(row, "detail"), class_name="cds-hint"),
            rx.cond(row["refund_vi"] != "", rx.el.p(_by_lang(row, "refund"), class_name="pay-refund-state")),
            class_name="cds-list-row", data_code=row["code"],
        )

    rows = PayAdminState.exceptions.to(list[dict[str, str]])
    return rx.el.div(
        rx.el.h3(t(f"payments.admin.{kind}"), style={"font_size": "1.05rem", "margin": "16px 0 4px"}),
        rx.el.ul(rx.foreach(rows, lambda row: rx.cond(row["kind"] == kind, item(row))), class_name="cds-list",
                 id=f"pay-{kind.replace('_', '-')}"),
    )


def _exceptions() -> rx.Component:
    return rx.el.section(
        rx.el.h2(t("payments.admin.exceptions"), class_name="cds-h2", id="pay-exceptions-title"),
        rx.cond(PayAdminState.exceptions.length() > 0,  # type: ignore[attr-defined]
                rx.fragment(*[_exception_list(k) for k in ("paid_not_fulfilled", "fulfilled_not_paid",
                                                            "late_payments")]),
                rx.el.p(t("payments.admin.none"))),
        aria_labelledby="pay-exceptions-title",
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


def _csv_link(href: str, key: str, element_id: str) -> rx.Component:
    return rx.el.a(rx.icon("download", size=20, aria_hidden="true"), t(key), href=href, reload_document=True,
                   class_name="cds-button cds-button-outline", id=element_id, style={"gap": "8px"})


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
        rx.el.div(
            _csv_link(csv, "payments.admin.csv", "pay-csv"),
            _csv_link(csv + "&view=methods", "payments.admin.csv_methods", "pay-csv-methods"),
            _csv_link(csv + "&view=exceptions", "payments.admin.csv_exceptions", "pay-csv-exceptions"),
            class_name="cds-actions",
        ),
        rx.cond(PayAdminState.rows.length() > 0, _summary_table(),  # type: ignore[attr-defined]
                rx.el.p(t("payments.admin.no_rows"))),
        _methods_table(),
        _exceptions(),
        _refund_form(),
        rx.el.h2(t("payments.admin.orders"), class_name="cds-h2"),
        rx.el.ul(rx.foreach(PayAdminState.orders, _staff_order), class_name="cds-list", id="pay-staff-orders"),
    )
