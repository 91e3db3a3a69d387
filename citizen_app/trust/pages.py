"""Public trust pages: the certificates and how to check a PDF (/trust), verify a PDF (/trust/verify) and the page
a document's QR code leads to (/trust/d/[code])."""

from __future__ import annotations

import reflex as rx

from citizen_app.i18n.state import t, t_var
from citizen_app.identity.components import detail, term
from citizen_app.shell.layout import app_page, heading
from citizen_app.trust.state import CodeEntryState, DocumentState, TrustPageState, VerifyState
from citizen_app.ui.components import callout_either, error_summary, field, primary_button

MONO = {"font_family": "monospace", "overflow_wrap": "anywhere", "font_size": "0.9rem"}
PRE = {"white_space": "pre-wrap", "overflow_wrap": "anywhere", "background": "#f3f5f7", "padding": "12px",
       "border_radius": "8px", "font_size": "0.85rem"}


def _code_form() -> rx.Component:
    return rx.form(
        error_summary(CodeEntryState.error, "code-error"),
        field("trust.ui.code_label", "code", hint_key="trust.ui.code_hint"),
        primary_button("trust.ui.code_button", id="code-submit"),
        on_submit=CodeEntryState.go, class_name="cds-form",
    )


def _download(label_key: str, href: rx.Var, link_id: rx.Var) -> rx.Component:
    return rx.el.a(t(label_key), href=href, download=True, class_name="cds-button cds-button-outline", id=link_id)


def _authority(row: rx.Var) -> rx.Component:
    name = row["name"]
    files = rx.el.div(
        _download("trust.ui.pem", "/trust/ca/" + name + ".pem", "pem-" + name),
        _download("trust.ui.der", "/trust/ca/" + name + ".cer", "der-" + name),
        rx.cond(row["crl"] != "", _download("trust.ui.crl", row["crl"], "crl-" + name)),
        class_name="cds-actions",
    )
    return rx.el.li(
        rx.el.h3(row["subject"], class_name="cds-h3"),
        rx.el.p(t_var(row)),
        rx.el.dl(term(t("trust.ui.fingerprint")), detail(rx.el.code(row["sha256"], style=MONO)),
                 term(t("trust.ui.serial")), detail(rx.el.code(row["serial"], style=MONO)),
                 term(t("trust.ui.valid")), detail(row["valid"])),
        rx.cond(name != "agency", files),
        class_name="cds-list-row", id="ca-" + name,
    )


def _howto(title_key: str, steps_key: str, commands: rx.Var | None = None, element_id: str = "") -> rx.Component:
    return rx.el.details(
        rx.el.summary(t(title_key)),
        rx.el.p(t(steps_key)),
        rx.el.pre(commands, style=PRE) if commands is not None else None,
        id=element_id,
    )


@app_page("/trust", "trust.ui.title", on_load=[TrustPageState.load])
def trust_page() -> rx.Component:
    return rx.el.section(
        heading("trust.ui.title"),
        rx.el.p(t("trust.ui.intro"), class_name="cds-lead"),
        rx.el.h2(t("trust.ui.quick"), class_name="cds-h2"),
        rx.el.div(rx.link(t("trust.ui.to_verify"), href="/trust/verify", class_name="cds-button", id="to-verify"),
                  class_name="cds-actions"),
        _code_form(),
        rx.el.h2(t("trust.ui.chain"), class_name="cds-h2"),
        rx.el.p(t("trust.ui.chain_intro")),
        rx.el.ul(rx.foreach(TrustPageState.authorities, _authority), class_name="cds-list", id="ca-list"),
        rx.el.h2(t("trust.ui.howto"), class_name="cds-h2"),
        _howto("trust.ui.adobe", "trust.ui.adobe_steps", element_id="howto-adobe"),
        _howto("trust.ui.foxit", "trust.ui.foxit_steps", element_id="howto-foxit"),
        _howto("trust.ui.pdfsig", "trust.ui.pdfsig_steps", TrustPageState.pdfsig_commands, "howto-pdfsig"),
        _howto("trust.ui.pyhanko", "trust.ui.pyhanko_steps", TrustPageState.pyhanko_snippet, "howto-pyhanko"),
        rx.el.h2(t("trust.ui.limits"), class_name="cds-h2"),
        rx.el.p(t("identity.sign.disclaimer")),
        class_name="cds-narrow",
    )


# --- verify a PDF ---------------------------------------------------------------------------------------------------


def _yes_no(value: rx.Var) -> rx.Component:
    return rx.cond(value == "yes", t("trust.ui.yes"), rx.el.strong(t("trust.ui.no")))


def _signature(row: rx.Var) -> rx.Component:
    return rx.el.li(
        rx.el.dl(term(t("trust.ui.signer")), detail(rx.el.strong(row["signer"])),
                 term(t("trust.ui.signed_at")), detail(row["signed_at"]),
                 term(t("trust.ui.intact")), detail(_yes_no(row["intact"])),
                 term(t("trust.ui.whole")), detail(_yes_no(row["whole"])),
                 term(t("trust.ui.trusted")), detail(_yes_no(row["trusted"])),
                 term(t("trust.ui.not_revoked")), detail(_yes_no(row["not_revoked"]))),
        class_name="cds-list-row",
    )


def _facts(rows: rx.Var, element_id: str) -> rx.Component:
    return rx.el.dl(rx.foreach(rows, lambda f: rx.fragment(term(t_var(f)), detail(f["value"]))), id=element_id)


def _verdict(verdict: rx.Var, headline: rx.Var, element_id: str) -> rx.Component:
    return callout_either(t_var(headline), verdict == "valid", ("badge-check", "triangle-alert"),
                          color_scheme=rx.cond(verdict == "valid", "green", "red"), role="status", id=element_id)


def _report() -> rx.Component:
    return rx.el.div(
        _verdict(VerifyState.verdict, VerifyState.headline, "verify-verdict"),
        rx.el.ol(rx.foreach(VerifyState.signatures, _signature), class_name="cds-list", id="verify-signatures"),
        rx.cond(VerifyState.registered, rx.el.section(
            rx.el.h2(t("trust.ui.registered"), class_name="cds-h2"),
            rx.el.p(t_var(VerifyState.registered_title), " — ",
                    rx.link(VerifyState.registered_code, href="/trust/d/" + VerifyState.registered_code,
                            id="verify-registered-code")),
            _facts(VerifyState.registered_facts, "verify-registered-facts"),
            id="verify-registered",
        ), rx.cond(VerifyState.signatures.length() > 0, rx.el.p(t("trust.ui.not_registered"),  # type: ignore[attr-defined]
                                                                 class_name="cds-hint"))),
        rx.el.p(t("trust.ui.original_hash"), ": ", rx.el.code(VerifyState.sha256, style=MONO), class_name="cds-hint"),
        id="verify-report",
    )


@app_page("/trust/verify", "trust.ui.verify_title", on_load=[VerifyState.reset_report])
def verify_page() -> rx.Component:
    return rx.el.section(
        heading("trust.ui.verify_title"),
        rx.el.p(t("trust.ui.verify_intro")),
        error_summary(VerifyState.error),
        rx.upload.root(
            rx.el.div(rx.icon("file-up", size=20, aria_hidden="true"), t("trust.ui.choose"),
                      class_name="cds-button cds-button-outline"),
            id="trust-pdf", max_files=1, multiple=False, accept={"application/pdf": [".pdf"]},
        ),
        rx.el.p(rx.foreach(rx.selected_files("trust-pdf"), lambda name: rx.el.span(name, " ")), class_name="cds-hint",
                id="verify-selected"),
        rx.el.div(rx.el.button(t("trust.ui.check"), type="button", class_name="cds-button", id="verify-submit",
                               on_click=VerifyState.check(rx.upload_files(upload_id="trust-pdf"))),
                  class_name="cds-actions"),
        rx.cond(VerifyState.verdict != "", _report()),
        rx.el.h2(t("trust.ui.code_label"), class_name="cds-h2"),
        _code_form(),
        rx.el.p(rx.link(t("trust.ui.title"), href="/trust")),
        class_name="cds-narrow",
    )


# --- the page of a verification code --------------------------------------------------------------------------------


def _document() -> rx.Component:
    return rx.fragment(
        _verdict(DocumentState.state, DocumentState.headline, "doc-headline"),
        rx.el.h2(t_var(DocumentState.title), class_name="cds-h2", id="doc-title"),
        rx.el.dl(term(t("trust.ui.code")), detail(rx.el.code(DocumentState.code, style=MONO))),
        _facts(DocumentState.facts, "doc-facts"),
        rx.cond(DocumentState.personal.length() > 0, _facts(DocumentState.personal, "doc-personal"),  # type: ignore[attr-defined]
                rx.el.p(t("trust.ui.personal_hidden"), class_name="cds-hint", id="doc-personal-hidden")),
        rx.cond(DocumentState.state != "valid", rx.el.dl(
            term(t("trust.ui.revoked_on")), detail(DocumentState.revoked_on),
            term(t("trust.ui.reason")), detail(DocumentState.reason), id="doc-revoked")),
        rx.cond(DocumentState.sha256 != "", rx.el.p(
            t("trust.ui.original_hash"), ": ", rx.el.code(DocumentState.sha256, style=MONO, id="doc-sha256"))),
        rx.el.p(t("trust.ui.compare")),
        rx.el.div(rx.link(t("trust.ui.to_verify"), href="/trust/verify", class_name="cds-button cds-button-outline"),
                  class_name="cds-actions"),
    )


@app_page("/trust/d/[code]", "trust.ui.doc_title", on_load=[DocumentState.load])
def document_page() -> rx.Component:
    return rx.el.section(
        heading("trust.ui.doc_title"),
        rx.cond(DocumentState.found, _document(),
                rx.cond(DocumentState.loaded, rx.callout(t("trust.check.unknown"), icon="triangle-alert",
                                                         color_scheme="red", role="alert", id="doc-unknown"))),
        rx.el.p(rx.link(t("trust.ui.title"), href="/trust")),
        class_name="cds-narrow",
    )
