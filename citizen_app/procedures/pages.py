"""Pages of online procedures, citizen side: catalogue, "what you need", question pages, check your
answers, sign, confirmation, my dossiers, a dossier's timeline, and the public lookup. The officials' side
is in ``backoffice_pages``, helper mode in ``helper_pages``."""

from __future__ import annotations

import reflex as rx

from citizen_app.i18n.state import t, t_var
from citizen_app.identity.state import AuthState
from citizen_app.payments.components import status_badge, status_note
from citizen_app.procedures import statuses
from citizen_app.procedures.components import (
    back_link,
    error_list,
    fields_of,
    notice,
    pick,
    summary_row,
)
from citizen_app.procedures.receipt_state import DocumentsState
from citizen_app.procedures.state import (
    CatalogState,
    DossierState,
    InfoState,
    LookupState,
    MyDossiersState,
    WizardState,
)
from citizen_app.shell.layout import app_page, heading
from citizen_app.ui.components import error_summary, field, primary_button, script_filled

STATUS_KEYS = ("draft", "new", "accepted", "refused", "processing", "supplement", "fee", "withdrawn", "stopped",
               "done", "delivered")


def _card(card: rx.Var) -> rx.Component:
    return rx.link(
        rx.el.span(pick(card.name_vi, card.name_en), class_name="cds-card-title"),
        rx.el.span(t("procedures.ui.time"), ": ", pick(card.time_vi, card.time_en), class_name="cds-card-body"),
        rx.el.span(t("procedures.ui.fee"), ": ", pick(card.fee_vi, card.fee_en), class_name="cds-card-body"),
        href="/procedures/p/" + card.code,
        class_name="cds-card",
    )


def _shortcuts() -> rx.Component:
    return rx.el.div(
        rx.link(t("procedures.ui.my_dossiers"), href="/procedures/mine", class_name="cds-button cds-button-outline",
                id="my-dossiers-link"),
        rx.link(t("procedures.ui.lookup"), href="/procedures/lookup", class_name="cds-button cds-button-outline"),
        rx.link(t("procedures.ui.helper"), href="/procedures/helper", class_name="cds-button cds-button-outline"),
        rx.cond(AuthState.is_volunteer, rx.link(t("procedures.volunteer.title"), href="/procedures/volunteer",
                                                class_name="cds-button cds-button-outline", id="volunteer-link")),
        rx.cond(AuthState.is_official, rx.link(t("procedures.ui.backoffice"), href="/procedures/backoffice",
                                               class_name="cds-button", id="backoffice-link")),
        class_name="cds-actions",
    )


@app_page("/procedures", "procedures.ui.title", on_load=[CatalogState.load])
def catalog_page() -> rx.Component:
    return rx.el.section(
        heading("procedures.ui.title"),
        rx.el.p(t("procedures.ui.intro"), class_name="cds-lead"),
        _shortcuts(),
        rx.form(
            rx.el.label(t("procedures.ui.search"), html_for="proc-q", class_name="cds-label"),
            rx.el.p(t("procedures.ui.search_hint"), id="proc-q-hint", class_name="cds-hint"),
            rx.el.input(id="proc-q", name="q", type="search", default_value=CatalogState.query,
                        class_name="cds-input", aria_describedby="proc-q-hint"),
            primary_button("procedures.ui.search_button", id="proc-search"),
            on_submit=CatalogState.search,
            class_name="cds-form",
            role="search",
        ),
        rx.cond(CatalogState.items.length() > 0,
                rx.el.div(rx.foreach(CatalogState.items, _card), class_name="cds-cards", id="proc-results"),
                rx.el.p(t("procedures.ui.no_results"), id="proc-no-results")),
    )


def _document(row: rx.Var) -> rx.Component:
    return rx.el.li(pick(row.label_vi, row.label_en),
                    rx.cond(row.value != "", rx.el.strong(" — ", t("procedures.ui.required"))))


@app_page("/procedures/p/[code]", "procedures.ui.what_you_need", on_load=[InfoState.load])
def info_page() -> rx.Component:
    body = rx.fragment(
        back_link("/procedures"),
        rx.heading(pick(InfoState.card.name_vi, InfoState.card.name_en), as_="h1", size="7", id="proc-title"),
        error_summary(InfoState.error),
        rx.el.h2(t("procedures.ui.what_you_need"), class_name="cds-h2"),
        rx.el.ul(rx.foreach(InfoState.documents, _document), rx.el.li(t("procedures.ui.need_account")),
                 rx.el.li(t("procedures.ui.need_signature"))),
        rx.el.dl(
            summary_row(t("procedures.ui.time"), pick(InfoState.card.time_vi, InfoState.card.time_en)),
            summary_row(t("procedures.ui.fee"), pick(InfoState.card.fee_vi, InfoState.card.fee_en)),
            summary_row(t("procedures.ui.level"), pick(InfoState.level_vi, InfoState.level_en)),
            summary_row(t("procedures.ui.steps"), InfoState.steps.to_string()),
        ),
        rx.cond(InfoState.exemptions.length() > 0, rx.el.details(
            rx.el.summary(t("procedures.ui.exemptions")),
            rx.el.ul(rx.foreach(InfoState.exemptions, lambda e: rx.el.li(e, lang="vi"))))),
        rx.el.details(rx.el.summary(t("procedures.ui.legal")),
                      rx.el.ul(rx.foreach(InfoState.legal, lambda e: rx.el.li(e, lang="vi")))),
        rx.el.div(rx.el.button(t("procedures.ui.start"), on_click=InfoState.start, class_name="cds-button",
                               id="proc-start"), class_name="cds-actions"),
    )
    return rx.el.section(rx.cond(InfoState.found, body, rx.el.p(t("procedures.unknown_procedure"))),
                         class_name="cds-narrow")


# --- question pages ------------------------------------------------------------------------------


def _progress() -> rx.Component:
    return rx.el.p(t("procedures.ui.step"), " ", WizardState.step_no.to_string(), "/",
                   WizardState.step_total.to_string(), class_name="cds-hint", id="step-progress")


def _wizard_head() -> rx.Component:
    return rx.fragment(
        rx.cond(WizardState.loaded, rx.fragment(back_link(WizardState.back_href), _progress())),
        rx.cond(WizardState.no_access, rx.el.p(t("procedures.volunteer.no_access"), rx.el.br(),
                                               rx.link(t("procedures.volunteer.back"), href="/procedures/volunteer",
                                                       id="back-to-volunteer"), role="status")),
        rx.el.p(pick(WizardState.proc_vi, WizardState.proc_en), class_name="cds-hint"),
        rx.heading(pick(WizardState.title_vi, WizardState.title_en), as_="h1", size="7", id="step-title"),
        error_summary(WizardState.error),
        error_list(WizardState.errors),
    )


def _group_item(row: rx.Var) -> rx.Component:
    return rx.el.li(
        rx.el.div(rx.el.strong(pick(row.label_vi, row.label_en)), rx.el.p(row.value, class_name="cds-hint")),
        rx.el.button(t("procedures.ui.remove"), on_click=WizardState.remove_item(row.href), type="button",
                     class_name="cds-button cds-button-outline"),
        class_name="cds-list-row",
    )


def _group_page() -> rx.Component:
    return rx.fragment(
        rx.el.ul(rx.foreach(WizardState.group_items, _group_item), class_name="cds-list", id="group-items"),
        rx.el.h2(t("procedures.ui.add_person"), class_name="cds-h2"),
        rx.form(fields_of(WizardState.fields),
                rx.el.button(t("procedures.ui.add"), type="submit", class_name="cds-button cds-button-outline",
                             id="group-add"),
                on_submit=WizardState.add_item, reset_on_submit=False, class_name="cds-form",
                key=WizardState.version.to_string()),
        rx.el.div(rx.el.button(t("procedures.ui.continue"), on_click=WizardState.continue_group,
                               class_name="cds-button", id="step-continue"), class_name="cds-actions"),
    )


def _question_page() -> rx.Component:
    """The page's answers are also kept on the phone as they are typed and saved here when the connection is
    back (``assets/offline.js``, form drafts): what is typed offline is not lost."""
    draft = "dossier-" + WizardState.dossier_id.to_string() + "-" + WizardState.step
    url = "/api/procedures/dossiers/" + WizardState.dossier_id.to_string() + "/pages/" + WizardState.step + "/draft"
    return rx.fragment(
        rx.form(fields_of(WizardState.fields), primary_button("procedures.ui.continue", id="step-continue"),
                on_submit=WizardState.save, class_name="cds-form", key=WizardState.version.to_string(),
                id="proc-step-form", custom_attrs={"data-cds-draft": draft, "data-cds-draft-url": url}),
        script_filled("p", class_name="cds-hint", id="proc-draft-status", aria_live="polite",
                      custom_attrs={"data-cds-draft-status": draft}),
    )


def _upload_row(row: rx.Var) -> rx.Component:
    return rx.el.li(
        rx.el.div(rx.el.strong(pick(row.label_vi, row.label_en)), rx.el.p(row.value, class_name="cds-hint")),
        rx.el.button(t("procedures.ui.remove"), on_click=WizardState.remove_upload(row.href), type="button",
                     class_name="cds-button cds-button-outline"),
        class_name="cds-list-row",
    )


def _uploader(upload_id: str, slots: rx.Var, value: rx.Var, on_change, on_upload) -> rx.Component:
    """One file picker (static id: Reflex hoists upload hooks) with a choice of which document it is."""
    return rx.el.div(
        rx.el.label(t("procedures.ui.which_document"), html_for=f"{upload_id}-slot", class_name="cds-label"),
        rx.el.select(rx.foreach(slots, lambda o: rx.el.option(pick(o.label_vi, o.label_en), value=o.value)),
                     id=f"{upload_id}-slot", value=value, on_change=on_change, class_name="cds-input"),
        rx.upload.root(
            rx.el.div(rx.icon("upload", size=20, aria_hidden="true"), t("procedures.ui.choose_file"),
                      class_name="cds-button cds-button-outline"),
            id=upload_id, max_files=5, multiple=True,
        ),
        rx.el.p(rx.foreach(rx.selected_files(upload_id), lambda name: rx.el.span(name, " ")), class_name="cds-hint"),
        rx.el.p(t("procedures.ui.file_rules"), class_name="cds-hint"),
        rx.el.button(t("procedures.ui.upload"), type="button", class_name="cds-button", id=f"{upload_id}-send",
                     on_click=on_upload),
        class_name="cds-field", style={"margin_bottom": "16px"}, id=f"{upload_id}-box",
    )


def _attachments_page() -> rx.Component:
    return rx.fragment(
        rx.el.p(t("procedures.ui.attach_intro")),
        rx.el.ul(rx.foreach(WizardState.uploads, _upload_row), class_name="cds-list", id="upload-list"),
        _uploader("proc-upload", WizardState.slots, WizardState.slot, WizardState.set_slot,
                  WizardState.upload(rx.upload_files(upload_id="proc-upload"))),
        rx.el.div(rx.link(t("procedures.ui.continue"), href=f"/procedures/draft/{WizardState.dossier_id}/check",
                          class_name="cds-button", id="step-continue"), class_name="cds-actions"),
    )


def _check_page() -> rx.Component:
    return rx.fragment(
        rx.el.dl(rx.foreach(WizardState.answers, lambda r: summary_row(pick(r.label_vi, r.label_en), r.value,
                                                                        r.href)), id="check-answers"),
        rx.el.h2(t("procedures.ui.fee"), class_name="cds-h2"),
        rx.el.p(pick(WizardState.fee_vi, WizardState.fee_en), id="fee-quote"),
        rx.cond(WizardState.missing.length() > 0,
                rx.el.div(rx.el.h2(t("procedures.ui.missing"), class_name="cds-h2"),
                          rx.el.ul(rx.foreach(WizardState.missing, lambda r: rx.el.li(pick(r.label_vi, r.label_en)))),
                          role="alert", id="missing-list"),
                rx.el.div(rx.link(t("procedures.ui.to_sign"), href=f"/procedures/draft/{WizardState.dossier_id}/sign",
                                  class_name="cds-button", id="step-continue"), class_name="cds-actions")),
    )


def _sign_form() -> rx.Component:
    return rx.cond(
        WizardState.reference_code != "",
        rx.el.div(
            rx.el.p(t("procedures.ui.reference_code")),
            rx.el.p(WizardState.reference_code, id="sign-code", style={"font_size": "1.6rem", "font_weight": "700",
                                                                        "letter_spacing": "0.1em"}),
            rx.form(field("procedures.ui.password", "password", type_="password",
                          hint_key="procedures.ui.password_hint", autocomplete="current-password"),
                    primary_button("procedures.ui.approve_sign", id="sign-approve"),
                    on_submit=WizardState.approve_sign, class_name="cds-form"),
        ),
        rx.el.div(rx.el.button(t("procedures.ui.sign"), on_click=WizardState.prepare_sign, class_name="cds-button",
                               id="sign-start"), class_name="cds-actions"),
    )


def _handed() -> rx.Component:
    said = rx.el.span(t("procedures.volunteer.handed"), " ", rx.el.strong(WizardState.handed_to),
                      t("procedures.volunteer.handed_rest"))
    return rx.callout(said, icon="send", role="status", id="handed-to")


def _sign_page() -> rx.Component:
    return rx.fragment(
        rx.el.p(t("procedures.ui.sign_intro")),
        rx.el.a(t("procedures.ui.preview"), href=f"/api/procedures/dossiers/{WizardState.dossier_id}/draft.pdf",
                target="_blank", reload_document=True, class_name="cds-help", id="sign-preview"),
        rx.cond(
            WizardState.signed,
            rx.fragment(
                rx.callout(t("procedures.ui.signed"), icon="badge-check", role="status", id="signed-ok"),
                rx.el.p(t("procedures.ui.submit_intro")),
                rx.el.div(rx.el.button(t("procedures.ui.submit"), on_click=WizardState.submit, class_name="cds-button",
                                       id="dossier-submit"), class_name="cds-actions"),
            ),
            rx.cond(WizardState.is_owner, _sign_form(), rx.fragment(
                rx.el.p(t("procedures.ui.citizen_signs")),
                rx.cond(WizardState.handed_to != "", _handed()))),
        ),
    )


@app_page("/procedures/draft/[dossier_id]/[step]", "procedures.ui.form_title", roles=("citizen",),
          on_load=[WizardState.load])
def wizard_page() -> rx.Component:
    body = rx.match(
        WizardState.step,
        ("attachments", _attachments_page()),
        ("check", _check_page()),
        ("sign", _sign_page()),
        rx.cond(WizardState.group_id != "", _group_page(), _question_page()),
    )
    return rx.el.section(_wizard_head(), rx.cond(WizardState.loaded, body), class_name="cds-narrow")


# --- after submission ----------------------------------------------------------------------------


def _status_help() -> rx.Component:
    cases = [(key, rx.fragment(rx.el.p(t(f"procedures.ui.status.{key}.what")),
                               rx.el.p(rx.el.strong(t("procedures.ui.what_to_do")), " ",
                                       t(f"procedures.ui.status.{key}.todo"))))
             for key in STATUS_KEYS]
    return rx.el.div(rx.match(DossierState.status_key, *cases, rx.fragment()), id="status-help")


def _timeline_row(row: rx.Var) -> rx.Component:
    return rx.el.li(rx.el.strong(pick(row.label_vi, row.label_en)), rx.el.span(" — ", row.value),
                    rx.cond(row.href != "", rx.el.p(t("procedures.ui.reason"), ": ", row.href, class_name="cds-hint")))


def _supplement_item(row: rx.Var) -> rx.Component:
    return rx.el.li(rx.el.p(rx.el.strong(row.label_vi)),
                    rx.cond(row.value != "", rx.el.p(t("procedures.ui.upload_for"), " ", row.value,
                                                     class_name="cds-hint")),
                    class_name="cds-list-row")


def _supplement() -> rx.Component:
    return rx.cond(DossierState.supplement.length() > 0, rx.el.section(
        rx.el.h2(t("procedures.ui.supplement_title"), class_name="cds-h2"),
        rx.cond(DossierState.supplement_note != "", rx.el.p(DossierState.supplement_note)),
        rx.el.ul(rx.foreach(DossierState.supplement, _supplement_item), class_name="cds-list", id="supplement-items"),
        rx.cond(DossierState.slots.length() > 0,
                _uploader("sup-upload", DossierState.slots, DossierState.slot, DossierState.set_slot,
                          DossierState.upload(rx.upload_files(upload_id="sup-upload")))),
        rx.form(
            rx.el.label(t("procedures.ui.supplement_note"), html_for="sup-note", class_name="cds-label"),
            rx.el.textarea(id="sup-note", name="note", class_name="cds-input", rows=3),
            primary_button("procedures.ui.supplement_send", id="supplement-send"),
            on_submit=DossierState.answer, class_name="cds-form",
        ),
    ))


def _rating() -> rx.Component:
    stars = [rx.el.label(rx.el.input(type="radio", name="stars", value=str(n), class_name="cds-check"),
                         f"{n} ★", class_name="cds-check-label") for n in range(5, 0, -1)]
    return rx.cond(DossierState.can_rate, rx.form(
        rx.el.fieldset(rx.el.legend(t("procedures.ui.rate"), class_name="cds-label"), *stars),
        rx.el.label(t("procedures.ui.rate_comment"), html_for="rate-comment", class_name="cds-label"),
        rx.el.textarea(id="rate-comment", name="comment", class_name="cds-input", rows=2),
        primary_button("procedures.ui.rate_send", id="rate-send"),
        on_submit=DossierState.rate, class_name="cds-form",
    ), rx.cond(DossierState.rating > 0, rx.el.p(t("procedures.ui.rated"), " ", DossierState.rating.to_string(), " ★")))


def _withdraw() -> rx.Component:
    """Withdraw, behind a disclosure so that it is never pressed by accident (the service checks the status)."""
    return rx.cond(DossierState.can_withdraw, rx.el.details(
        rx.el.summary(t("procedures.ui.withdraw"), id="withdraw-open"),
        rx.form(
            rx.el.p(t("procedures.ui.withdraw_explain"), class_name="cds-hint"),
            rx.el.label(t("procedures.ui.withdraw_reason"), html_for="withdraw-reason", class_name="cds-label"),
            rx.el.textarea(id="withdraw-reason", name="reason", class_name="cds-input", rows=2, max_length=2000),
            rx.el.button(t("procedures.ui.withdraw_confirm"), type="submit", id="withdraw-confirm",
                         class_name="cds-button cds-button-outline"),
            on_submit=DossierState.withdraw, class_name="cds-form",
        ),
    ))


def _people() -> rx.Component:
    return rx.el.dl(
        summary_row(t("procedures.ui.subject"), DossierState.people["subject"]),
        summary_row(t("procedures.ui.applicant"), DossierState.people["applicant"]),
        rx.cond(DossierState.people["helper"] != "",
                summary_row(t("procedures.ui.helper_name"), DossierState.people["helper"])),
        rx.cond(DossierState.due != "", summary_row(t("procedures.ui.due"), DossierState.due)),
        rx.cond(DossierState.fee != "", summary_row(t("procedures.ui.fee"), DossierState.fee)),
    )


def _public_option(row: rx.Var) -> rx.Component:
    return rx.el.label(rx.el.input(type="checkbox", name=row["name"], default_checked=row["shown"] == "1",
                                   class_name="cds-check", id=row["name"]),
                       t_var(row), class_name="cds-check-label")


def _document_row(row: rx.Var) -> rx.Component:
    return rx.el.li(rx.el.strong(t_var(row)), rx.el.span(" — ", row["number"]), rx.el.p(
        t("procedures.ui.verify_code"), ": ", rx.link(row["code"], href="/trust/d/" + row["code"],
                                                      id="doc-code-" + row["kind"])), class_name="cds-list-row")


def _documents() -> rx.Component:
    """The receipt, the documents' verification codes, and what their public pages may show (owner only)."""
    return rx.cond(DocumentsState.documents.length() > 0, rx.el.section(  # type: ignore[attr-defined]
        rx.el.h2(t("procedures.ui.documents"), class_name="cds-h2"),
        rx.el.div(rx.link(t("procedures.ui.receipt_link"),
                          href=f"/procedures/dossiers/{DossierState.dossier_id}/receipt",
                          class_name="cds-button cds-button-outline", id="receipt-link"), class_name="cds-actions"),
        rx.el.ul(rx.foreach(DocumentsState.documents, _document_row), class_name="cds-list", id="dossier-documents"),
        rx.cond(DocumentsState.options.length() > 0, rx.form(  # type: ignore[attr-defined]
            rx.el.fieldset(rx.el.legend(t("procedures.ui.public_page"), class_name="cds-label"),
                           rx.el.p(t("procedures.ui.public_explain"), class_name="cds-hint"),
                           rx.foreach(DocumentsState.options, _public_option)),
            rx.el.button(t("procedures.ui.save_public"), type="submit", id="public-save",
                         class_name="cds-button cds-button-outline"),
            on_submit=DocumentsState.save, class_name="cds-form", id="public-form",
        )),
        notice(DocumentsState.notice),
        error_summary(DocumentsState.error, "documents-error"),
        id="documents",
    ))


def _fee_payment() -> rx.Component:
    """The fee and its payment, in the payments vocabulary: pay, continue or cancel an open order, pay again
    after one that did not go through, the receipt once paid."""
    order = DossierState.fee_order
    has_order = order.length() > 0  # type: ignore[attr-defined]
    pending = has_order & (order["pending"] != "")
    return rx.cond(DossierState.fee_due | has_order, rx.el.section(
        rx.el.h2(t("procedures.ui.fee_payment"), class_name="cds-h2"),
        rx.cond(has_order, rx.el.div(
            rx.el.p(order["code"], " · ", order["amount"], " ",
                    rx.el.span(status_badge(order["status"]), id="fee-order-status", data_status=order["status"])),
            status_note(order, id="fee-order-hint"),
        )),
        rx.el.div(
            rx.cond(DossierState.fee_due, rx.el.button(
                rx.cond(pending, t("procedures.ui.pay_continue"),
                        rx.cond(has_order, t("procedures.ui.pay_again"), t("procedures.ui.pay_online"))),
                on_click=DossierState.pay, class_name="cds-button", id="pay-online")),
            rx.cond(pending, rx.el.button(t("procedures.ui.pay_cancel"), on_click=DossierState.cancel_payment,
                                          class_name="cds-button cds-button-outline", id="pay-cancel")),
            rx.cond(has_order, rx.link(
                rx.cond(order["settled"] != "", t("procedures.ui.pay_receipt"), t("procedures.ui.pay_order")),
                href="/payments/" + order["code"].to(str), class_name="cds-button cds-button-outline",
                id="fee-order-link")),
            rx.cond(DossierState.fee_due, rx.el.button(t("procedures.ui.check_again"), on_click=DossierState.load,
                                                       class_name="cds-button cds-button-outline", id="pay-refresh")),
            class_name="cds-actions"),
        aria_label=t("procedures.ui.fee_payment"),
    ))


def _dossier_body() -> rx.Component:
    return rx.fragment(
        rx.el.p(pick(DossierState.proc_vi, DossierState.proc_en), class_name="cds-hint"),
        rx.heading(t("procedures.ui.dossier"), " ", DossierState.number, as_="h1", size="7", id="dossier-heading"),
        rx.el.p(t("procedures.ui.status_now"), ": ",
                rx.el.strong(pick(DossierState.status_vi, DossierState.status_en), id="dossier-status"),
                rx.cond(DossierState.overdue, rx.el.span(" — ", t("procedures.ui.overdue")))),
        _status_help(),
        _fee_payment(),
        _supplement(),
        rx.cond(DossierState.result_ready, rx.el.div(
            rx.el.a(t("procedures.ui.download_result"),
                    href=f"/api/procedures/dossiers/{DossierState.dossier_id}/result.pdf",
                    class_name="cds-button", id="download-result", download="ket-qua.pdf", reload_document=True),
            class_name="cds-actions")),
        rx.cond(DossierState.status == statuses.DELIVERED, rx.el.p(
            t("procedures.ui.in_wallet"), " ",
            rx.el.a(t("procedures.ui.open_wallet"), href="/wallet", id="to-wallet"))),
        _rating(),
        _withdraw(),
        _people(),
        _documents(),
        rx.el.a(t("procedures.ui.signed_dossier"),
                href=f"/api/procedures/dossiers/{DossierState.dossier_id}/signed.pdf",
                target="_blank", reload_document=True, class_name="cds-help", id="signed-dossier"),
        rx.el.h2(t("procedures.ui.timeline"), class_name="cds-h2"),
        rx.el.ol(rx.foreach(DossierState.timeline, _timeline_row), id="dossier-timeline"),
    )


@app_page("/procedures/dossiers/[dossier_id]", "procedures.ui.dossier", roles=("citizen",),
          on_load=[DossierState.load, DocumentsState.load])
def dossier_page() -> rx.Component:
    return rx.el.section(
        back_link("/procedures/mine"),
        notice(DossierState.notice),
        error_summary(DossierState.error),
        rx.cond(DossierState.found, _dossier_body()),
        class_name="cds-narrow",
    )


def _my_row(row: rx.Var) -> rx.Component:
    return rx.el.li(rx.link(pick(row.label_vi, row.label_en), href=row.href),
                    rx.el.p(row.value, class_name="cds-hint"), class_name="cds-list-row")


@app_page("/procedures/mine", "procedures.ui.my_dossiers", roles=("citizen",), on_load=[MyDossiersState.load])
def my_dossiers_page() -> rx.Component:
    return rx.el.section(
        heading("procedures.ui.my_dossiers"),
        rx.cond(MyDossiersState.rows.length() > 0,
                rx.el.ul(rx.foreach(MyDossiersState.rows, _my_row), class_name="cds-list", id="my-dossiers"),
                rx.el.p(t("procedures.ui.no_dossiers"))),
        rx.link(t("procedures.ui.new_dossier"), href="/procedures", class_name="cds-button"),
        rx.cond(MyDossiersState.named.length() > 0, rx.el.section(  # type: ignore[attr-defined]
            rx.el.h2(t("procedures.ui.named_title"), class_name="cds-h2"),
            rx.el.p(t("procedures.ui.named_intro"), class_name="cds-hint"),
            rx.el.ul(rx.foreach(MyDossiersState.named, _my_row), class_name="cds-list", id="named-dossiers"),
        )),
    )


@app_page("/procedures/lookup", "procedures.ui.lookup", on_load=[LookupState.reset_form])
def lookup_page() -> rx.Component:
    result = LookupState.result
    return rx.el.section(
        heading("procedures.ui.lookup"),
        rx.el.p(t("procedures.ui.lookup_intro")),
        error_summary(LookupState.error),
        rx.form(
            field("procedures.ui.dossier_number", "number", autocomplete="off"),
            field("procedures.ui.access_code", "access_code", autocomplete="off"),
            primary_button("procedures.ui.lookup_button", id="lookup-submit"),
            on_submit=LookupState.lookup, class_name="cds-form",
        ),
        rx.cond(result.length() > 0, rx.el.dl(  # type: ignore[attr-defined]
            summary_row(t("procedures.ui.dossier_number"), result["number"]),
            summary_row(t("procedures.ui.procedure"), pick(result["proc_vi"], result["proc_en"])),
            summary_row(t("procedures.ui.status_now"), pick(result["status_vi"], result["status_en"])),
            summary_row(t("procedures.ui.submitted_on"), result["submitted"]),
            summary_row(t("procedures.ui.due"), result["due"]),
            id="lookup-result", role="status",
        )),
        class_name="cds-narrow",
    )
