"""The confirmation page after submitting and the receipt page: the receipt (number, procedure, received time, due
date, fee paid, how to look the dossier up, the access code) with its verification QR, read from the dossier each
time, so a reload or another device shows it again."""

from __future__ import annotations

import reflex as rx

from citizen_app.i18n.state import t, t_var
from citizen_app.procedures.components import back_link, notice, summary_row
from citizen_app.procedures.receipt_state import ReceiptState
from citizen_app.procedures.state import DossierState
from citizen_app.shell.layout import app_page
from citizen_app.ui.components import error_summary

CODE_STYLE = {"font_size": "1.5rem", "font_weight": "700", "letter_spacing": "0.08em"}


def access_code_block() -> rx.Component:
    """The access code, kept in the account; re-issuing it invalidates the old one."""
    return rx.el.div(
        summary_row(t("procedures.ui.access_code"),
                    rx.cond(ReceiptState.access_code != "",
                            rx.el.strong(ReceiptState.access_code, id="receipt-code", style=CODE_STYLE),
                            rx.el.span(t("procedures.ui.code_unknown"), id="receipt-code-missing"))),
        rx.el.p(t("procedures.ui.access_code_keep"), class_name="cds-hint"),
        rx.el.details(
            rx.el.summary(t("procedures.ui.reissue_code"), id="reissue-open"),
            rx.el.form(rx.el.p(t("procedures.ui.reissue_explain"), class_name="cds-hint"),
                       rx.el.button(t("procedures.ui.reissue_code"), type="submit", id="reissue-code",
                                    class_name="cds-button cds-button-outline"),
                       on_submit=ReceiptState.reissue, class_name="cds-form"),
        ),
        id="access-code",
    )


def receipt_body() -> rx.Component:
    return rx.fragment(
        rx.el.dl(
            summary_row(t("procedures.ui.dossier_number"), rx.el.strong(ReceiptState.number, id="receipt-number",
                                                                         style=CODE_STYLE)),
            summary_row(t("procedures.ui.procedure"), t_var(ReceiptState.procedure)),
            summary_row(t("procedures.ui.agency"), t_var(ReceiptState.agency)),
            summary_row(t("procedures.ui.received_at"), ReceiptState.received_at),
            summary_row(t("procedures.ui.status_now"), t_var(ReceiptState.status)),
            summary_row(rx.cond(ReceiptState.due_key == "due_on", t("procedures.ui.due"), t("procedures.ui.expected")),
                        rx.el.span(ReceiptState.due, id="receipt-due")),
            summary_row(t("procedures.ui.fee"), rx.el.span(t_var(ReceiptState.fee), id="receipt-fee")),
            id="receipt",
        ),
        access_code_block(),
        rx.el.h2(t("procedures.ui.how_lookup"), class_name="cds-h2"),
        rx.el.p(t("procedures.ui.how_lookup_body"), " ", rx.link(ReceiptState.lookup_url, href="/procedures/lookup")),
        rx.el.div(
            rx.image(src=ReceiptState.qr, alt=t("procedures.ui.verify_qr_alt"), width="132px", height="132px"),
            rx.el.p(t("procedures.ui.verify_code"), ": ",
                    rx.link(ReceiptState.code, href=ReceiptState.url, id="receipt-verify-code")),
            class_name="cds-actions",
        ),
        rx.el.p(t("procedures.ui.receipt_saved"), class_name="cds-hint"),
        rx.el.div(
            rx.el.a(t("procedures.ui.receipt_pdf"),
                    href=f"/api/procedures/dossiers/{ReceiptState.dossier_id}/receipt.pdf",
                    class_name="cds-button cds-button-outline", id="receipt-pdf", download="giay-bien-nhan.pdf",
                    reload_document=True),
            rx.link(t("procedures.ui.view_dossier"), href=f"/procedures/dossiers/{ReceiptState.dossier_id}",
                    class_name="cds-button cds-button-outline", id="view-dossier"),
            class_name="cds-actions",
        ),
    )


def _pay() -> rx.Component:
    return rx.cond(ReceiptState.fee_due, rx.fragment(
        rx.el.p(t("procedures.ui.fee_to_pay"), ": ", rx.el.strong(t_var(ReceiptState.fee))),
        error_summary(DossierState.error),
        rx.el.button(t("procedures.ui.pay_online"), on_click=DossierState.pay_for(ReceiptState.dossier_id),
                     class_name="cds-button", id="pay-online"),
    ))


@app_page("/procedures/done/[dossier_id]", "procedures.ui.done_title", roles=("citizen",),
          on_load=[ReceiptState.load])
def done_page() -> rx.Component:
    done = rx.fragment(
        rx.el.div(
            rx.heading(t("procedures.ui.done_title"), as_="h1", size="7"),
            rx.el.p(t("procedures.ui.done_sent"), " ", t_var(ReceiptState.agency)),
            style={"background": "#0b6b3a", "color": "#fff", "padding": "16px", "border_radius": "12px"},
            role="status",
        ),
        rx.el.h2(t("procedures.ui.next"), class_name="cds-h2"),
        rx.el.p(t("procedures.ui.next_body")),
        _pay(),
        rx.el.h2(t("procedures.ui.receipt_title"), class_name="cds-h2"),
        receipt_body(),
    )
    return rx.el.section(
        error_summary(ReceiptState.error),
        rx.cond(ReceiptState.found, done,
                rx.cond(ReceiptState.loaded, rx.link(t("procedures.ui.my_dossiers"), href="/procedures/mine"))),
        class_name="cds-narrow",
    )


@app_page("/procedures/dossiers/[dossier_id]/receipt", "procedures.ui.receipt_title", roles=("citizen",),
          on_load=[ReceiptState.load])
def receipt_page() -> rx.Component:
    return rx.el.section(
        back_link(f"/procedures/dossiers/{ReceiptState.dossier_id}"),
        rx.heading(t("procedures.ui.receipt_title"), as_="h1", size="7", id="receipt-title"),
        notice(ReceiptState.notice),
        error_summary(ReceiptState.error),
        rx.cond(ReceiptState.found, receipt_body()),
        class_name="cds-narrow",
    )
