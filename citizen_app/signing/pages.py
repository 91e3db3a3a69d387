"""The citizen's signing certificate page (/wallet/signing)."""

from __future__ import annotations

import reflex as rx

from citizen_app.i18n.state import t
from citizen_app.identity.components import detail, info_callout, term
from citizen_app.shell.layout import app_page, heading
from citizen_app.signing.state import SigningCertState
from citizen_app.ui.components import error_summary


@app_page("/wallet/signing", "identity.ui.signing_title", roles=("citizen",), on_load=[SigningCertState.load])
def signing_page() -> rx.Component:
    cert = SigningCertState.cert
    return rx.el.section(
        heading("identity.ui.signing_title"),
        rx.el.p(t("identity.ui.signing_explain")),
        rx.el.p(t("identity.sign.disclaimer"), class_name="cds-hint"),
        error_summary(SigningCertState.error),
        info_callout(SigningCertState.info),
        rx.cond(
            cert.length() > 0,  # type: ignore[attr-defined]
            rx.el.dl(term(t("identity.ui.cert_subject")), detail(cert["subject"]),
                     term(t("identity.ui.cert_serial")), detail(cert["serial"]),
                     term(t("identity.ui.cert_valid")), detail(cert["from"], " – ", cert["to"]),
                     id="cert-info"),
            rx.el.p(t("identity.ui.cert_none")),
        ),
        rx.cond(SigningCertState.level < 2, rx.callout(t("identity.sign.needs_level2"), icon="info")),
        rx.el.button(rx.cond(cert.length() > 0, t("identity.ui.cert_renew"), t("identity.ui.cert_enrol")),  # type: ignore[attr-defined]
                     type="button", on_click=SigningCertState.enrol, class_name="cds-button", id="cert-enrol",
                     disabled=SigningCertState.level < 2),
        rx.cond(cert.length() > 0, rx.el.details(  # type: ignore[attr-defined]
            rx.el.summary(t("identity.ui.cert_revoke"), id="cert-revoke-open"),
            rx.el.form(rx.el.p(t("identity.ui.cert_revoke_explain"), class_name="cds-hint"),
                       rx.el.button(t("identity.ui.cert_revoke"), type="submit", id="cert-revoke",
                                    class_name="cds-button cds-button-outline"),
                       on_submit=SigningCertState.revoke, class_name="cds-form"),
        )),
        rx.el.p(rx.link(t("identity.ui.cert_trust_link"), href="/trust", id="cert-trust-link")),
        class_name="cds-narrow",
    )
