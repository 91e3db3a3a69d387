"""Pages of OpenID4VP: the verifier console of registered relying parties (/verify/openid) and the citizen's answer
to a verifier's ``openid4vp://`` request (/wallet/openid)."""

from __future__ import annotations

import reflex as rx

from citizen_app.i18n.state import LangState, t, t_var
from citizen_app.identity.components import info_callout, input_field, outline_button, textarea_field, ui_script
from citizen_app.shell.layout import app_page, heading
from citizen_app.ui.components import error_summary, primary_button
from citizen_app.wallet.oid4vp_state import OpenidAnswerState, OpenidConsoleState
from citizen_app.wallet.pages import QR_STYLE, claim_item


def _question(row: rx.Var) -> rx.Component:
    return rx.el.option(rx.cond(LangState.lang == "en", row["en"], row["vi"]), value=row["value"])


@app_page("/verify/openid", "identity.oid4vp.console_title", roles=("official", "admin"),
          on_load=[OpenidConsoleState.load])
def console_page() -> rx.Component:
    state = OpenidConsoleState
    return rx.el.div(
        ui_script(),
        heading("identity.oid4vp.console_title"),
        error_summary(state.error),
        info_callout(state.info),
        rx.el.p(t("identity.oid4vp.console_explain"), class_name="cds-hint"),
        rx.form(
            rx.el.label(t("identity.oid4vp.question_label"), html_for="f-question", class_name="cds-label"),
            rx.el.select(rx.foreach(state.parties, _question), name="question", id="f-question",
                         class_name="cds-input"),
            rx.el.label(rx.el.input(type="checkbox", name="encrypted", id="f-encrypted", class_name="cds-check"),
                        t("identity.oid4vp.encrypt_label"), class_name="cds-check-label"),
            primary_button("identity.oid4vp.make_request", id="vp-make"),
            on_submit=state.make, class_name="cds-form",
        ),
        rx.el.canvas(id="vp-request-qr", style=QR_STYLE, role="img", aria_label=t("identity.oid4vp.request_qr_alt")),
        rx.cond(state.link != "", rx.el.div(
            rx.el.a(t("identity.oid4vp.same_device"), href=state.link, id="vp-link",
                    class_name="cds-button cds-button-outline"),
            outline_button("identity.oid4vp.check", on_click=state.check, id="vp-check"),
            rx.cond(state.claims.length() > 0, rx.el.ul(rx.foreach(state.claims, claim_item), id="vp-claims")),
        )),
    )


@app_page("/wallet/openid", "identity.oid4vp.answer_title", roles=("citizen",))
def answer_page() -> rx.Component:
    state = OpenidAnswerState
    return rx.el.div(
        ui_script(),
        heading("identity.oid4vp.answer_title"),
        error_summary(state.error),
        info_callout(state.info),
        outline_button("identity.ui.scan", on_click=state.scan, id="vp-scan"),
        rx.el.video(id="vp-scan-video", hidden=True, muted=True, plays_inline=True, style={"max_width": "100%"}),
        rx.form(
            textarea_field("identity.oid4vp.request_label", "request", "identity.oid4vp.request_hint", rows=3),
            outline_button("identity.oid4vp.read", type_="submit", id="vp-read"),
            on_submit=state.read, class_name="cds-form",
        ),
        rx.cond(state.claims.length() > 0, rx.el.section(
            rx.el.h2(t("identity.oid4vp.who_asks"), class_name="cds-h2"),
            rx.el.p(rx.cond(state.asker_logo != "", rx.el.img(src=state.asker_logo, alt="", width="48", height="48",
                                                              id="vp-asker-logo", class_name="cds-party-logo")),
                    rx.el.strong(t_var(state.asker), id="vp-asker"), class_name="cds-party"),
            rx.cond(~state.known, rx.callout(t("identity.oid4vp.unknown_warning"), icon="shield-alert", color="red")),
            rx.el.p(t("identity.oid4vp.purpose"), ": ", t_var(state.purpose), id="vp-purpose"),
            rx.el.p(t("identity.oid4vp.will_share"), class_name="cds-lead"),
            rx.el.ul(rx.foreach(state.claims, lambda c: rx.el.li(t_var(c))), id="vp-will-share"),
            rx.el.p(t("identity.oid4vp.nothing_else"), class_name="cds-hint"),
            rx.el.div(rx.el.button(t("identity.oid4vp.consent"), type="button", on_click=state.share, id="vp-share",
                                   class_name="cds-button"),
                      outline_button("identity.oid4vp.decline", on_click=state.decline, id="vp-decline"),
                      class_name="cds-actions"),
        )),
        _offer_section(),
    )


def _offer_section() -> rx.Component:
    """Another trusted issuer's offer: who offers what, the transaction code if asked, accept or decline."""
    state = OpenidAnswerState
    return rx.cond(state.offer_items.length() > 0, rx.el.section(
        rx.el.h2(t("identity.foreign.who_offers"), class_name="cds-h2"),
        rx.el.p(rx.el.strong(t_var(state.offer_issuer), id="vci-issuer")),
        rx.el.p(t("identity.foreign.trusted_note"), class_name="cds-hint"),
        rx.el.p(t("identity.foreign.will_receive"), class_name="cds-lead"),
        rx.el.ul(rx.foreach(state.offer_items, lambda c: rx.el.li(t_var(c))), id="vci-offered"),
        rx.form(
            rx.cond(state.offer_tx, rx.el.div(
                input_field("identity.foreign.tx_code_label", "tx_code", hint_key="identity.foreign.tx_code_hint",
                            input_mode="numeric", autocomplete="one-time-code", field_id="f-vci-tx"),
                rx.cond(state.offer_tx_hint != "", rx.el.p(state.offer_tx_hint, class_name="cds-hint")),
            )),
            rx.el.div(rx.el.button(t("identity.foreign.accept"), type="submit", id="vci-accept",
                                   class_name="cds-button"),
                      outline_button("identity.oid4vp.decline", on_click=state.decline_offer, id="vci-decline"),
                      class_name="cds-actions"),
            on_submit=state.accept_offer, class_name="cds-form",
        ),
    ))
