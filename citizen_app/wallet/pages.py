"""Pages of the wallet: the citizen's credentials (/wallet), presenting one by QR (/wallet/present), the verifier
(/verify) and the ward desk's student credential offer (a section of identity's desk page)."""

from __future__ import annotations

import reflex as rx

from citizen_app.i18n.catalog import catalog
from citizen_app.i18n.state import LangState, t, t_var
from citizen_app.identity.components import (
    detail,
    info_callout,
    input_field,
    outline_button,
    term,
    textarea_field,
    ui_script,
)
from citizen_app.identity.desk_state import DESK_SECTIONS, DeskSection
from citizen_app.identity.state import AuthState
from citizen_app.shell.layout import app_page, heading
from citizen_app.ui.components import error_summary, primary_button
from citizen_app.wallet import credentials as cr
from citizen_app.wallet.oid4vci import OFFERABLE
from citizen_app.wallet.service import SELF_SERVICE_KINDS
from citizen_app.wallet.state import PresentState, StudentOfferState, VerifierState, WalletState

CLAIM_NAMES = sorted({c for ctype in cr.TYPES.values() for c in (*ctype.sd_claims, *ctype.plain_claims)})
QR_STYLE = {"width": "100%", "max_width": "320px", "height": "auto", "image_rendering": "pixelated",
            "background": "#fff"}


def _labels(prefix: str, names: list[str] | tuple[str, ...]) -> rx.Var:
    return rx.Var.create({name: catalog()[f"{prefix}{name}"] for name in names})


KIND_LABELS = _labels("identity.ui.title_", list(cr.TYPES))
CLAIM_LABELS = _labels("identity.claim.", CLAIM_NAMES)
STATUS_LABELS = _labels("identity.ui.status_", ["valid", "revoked", "expired"])


def _label(table: rx.Var, key: rx.Var) -> rx.Var:
    return table[key][LangState.lang].to(str)


def _details(*rows: rx.Component) -> rx.Component:
    """Technical values (identifiers, codes, QR size) for verifiers, folded away from everyone else."""
    return rx.el.details(rx.el.summary(t("identity.words.details")), rx.el.dl(*rows), class_name="cds-details")


# --- /wallet ---------------------------------------------------------------------------------------------


def _level_card() -> rx.Component:
    return rx.el.section(
        rx.el.h2(t("identity.ui.level_title"), class_name="cds-h2", id="level-h"),
        rx.el.p(rx.cond(WalletState.level >= 2, t("identity.ui.level2_short"), t("identity.ui.level1_short")),
                id="wallet-level", class_name="cds-lead"),
        rx.el.p(rx.cond(WalletState.level >= 2, t("identity.ui.level2_explain"), t("identity.ui.level1_explain"))),
        rx.link(t("identity.ui.profile_link"), href="/wallet/profile", class_name="cds-button cds-button-outline"),
        aria_labelledby="level-h",
    )


def _credential_row(row: rx.Var) -> rx.Component:
    on_device = WalletState.device_ids.contains(row["id"])
    return rx.el.li(
        rx.el.div(
            rx.el.strong(_label(KIND_LABELS, row["kind"])),
            rx.el.p(t("identity.ui.status"), ": ", _label(STATUS_LABELS, row["status"]), " · ",
                    t("identity.ui.expires"), ": ", row["expires"], class_name="cds-hint"),
            rx.el.p(rx.cond(on_device, t("identity.ui.on_device"), t("identity.ui.not_here")),
                    rx.cond(row["key_mode"] == "server", rx.el.span(" · ", t("identity.ui.server_key"))),
                    class_name="cds-hint"),
            rx.cond(row["link"] != "",
                    rx.el.a(rx.icon("file-down", size=18, aria_hidden="true"), " ", t("identity.ui.result_pdf"),
                            href=row["link"], id="result-pdf-" + row["id"].to(str), class_name="cds-link",
                            reload_document=True)),
        ),
        rx.cond(
            row["status"] == "valid",
            rx.el.div(
                rx.cond(on_device, rx.link(t("identity.ui.present"), href="/wallet/present?id=" + row["id"].to(str),
                                           class_name="cds-button", id="present-" + row["id"].to(str))),
                rx.el.button(t("identity.ui.revoke"), type="button", on_click=WalletState.revoke(row["id"]),
                             class_name="cds-button cds-button-outline"),
                class_name="cds-actions",
            ),
        ),
        class_name="cds-list-row",
    )


def _request_buttons() -> rx.Component:
    return rx.el.section(
        rx.el.h2(t("identity.ui.get_title"), class_name="cds-h2"),
        rx.el.p(t("identity.ui.get_explain"), class_name="cds-hint"),
        rx.el.div(
            *[rx.el.button(t(f"identity.ui.get_{kind}"), type="button", on_click=WalletState.request(kind),
                           class_name="cds-button cds-button-outline", id=f"request-{kind}")
              for kind in SELF_SERVICE_KINDS],
            class_name="cds-actions",
        ),
        rx.el.details(
            rx.el.summary(t("identity.ui.offer_title")),
            rx.form(
                textarea_field("identity.ui.offer_label", "offer", "identity.ui.offer_hint", rows=2),
                primary_button("identity.ui.offer_submit", id="offer-submit"),
                on_submit=WalletState.redeem_offer,
                reset_on_submit=True,
                class_name="cds-form",
            ),
        ),
    )


def _offer_to_wallet() -> rx.Component:
    """OpenID4VCI: the citizen sends their own credentials to a wallet of their choice (QR, link, one-time code)."""
    boxes = [rx.el.label(rx.el.input(type="checkbox", name=f"vci_{kind}", id=f"vci-{kind}", class_name="cds-check"),
                         t(f"identity.ui.title_{kind}"), class_name="cds-check-label") for kind in OFFERABLE]
    return rx.el.details(
        rx.el.summary(t("identity.oid4vci.offer_title")),
        rx.el.p(t("identity.oid4vci.offer_explain"), class_name="cds-hint"),
        rx.form(rx.el.fieldset(rx.el.legend(t("identity.oid4vci.offer_which")), *boxes),
                primary_button("identity.oid4vci.offer_submit", id="vci-offer-submit"),
                on_submit=WalletState.offer_to_wallet, class_name="cds-form"),
        rx.el.canvas(id="vci-offer-qr", style=QR_STYLE, role="img", aria_label=t("identity.oid4vci.offer_qr_alt")),
        rx.cond(WalletState.vci_offer != "", rx.el.div(
            rx.el.p(t("identity.oid4vci.tx_code_label"), ": ",
                    rx.el.strong(WalletState.vci_tx_code, id="vci-tx-code", class_name="cds-lead")),
            rx.el.p(t("identity.oid4vci.offer_until"), ": ", WalletState.vci_expires, class_name="cds-hint"),
            rx.el.a(t("identity.oid4vci.offer_link"), href=WalletState.vci_offer, id="vci-offer-link",
                    class_name="cds-button cds-button-outline"),
        )),
        id="vci-offer",
    )


def _wallet_links() -> rx.Component:
    links = [("/wallet/present", "identity.ui.present_title"), ("/wallet/openid", "identity.oid4vp.answer_title"),
             ("/verify", "identity.verifier.title"),
             ("/wallet/passkeys", "identity.ui.passkeys_title"), ("/wallet/activity", "identity.ui.activity_title"),
             ("/wallet/signing", "identity.ui.signing_title")]
    items = [rx.el.li(rx.link(t(key), href=href)) for href, key in links]
    desk = rx.cond(AuthState.is_official | AuthState.is_volunteer,
                   rx.el.li(rx.link(t("identity.desk.title"), href="/wallet/desk", id="desk-link")))
    approvals = rx.cond(AuthState.is_official, rx.el.li(rx.link(t("identity.approvals.title"), href="/wallet/approvals",
                                                                id="approvals-link")))
    return rx.el.nav(rx.el.ul(*items, desk, approvals, class_name="cds-list"), aria_label=t("identity.ui.more"))


def _held_item(row: rx.Var) -> rx.Component:
    return rx.el.li(t_var(row),
                    rx.el.span(" — ", t("identity.ui.expires"), ": ", row["expires"], class_name="cds-hint"))


def _held_section() -> rx.Component:
    """Credentials other issuers the city trusts gave this wallet, and where to take a new offer."""
    return rx.el.section(
        rx.el.h2(t("identity.foreign.held_title"), class_name="cds-h2"),
        rx.cond(WalletState.held.length() > 0,
                rx.el.ul(rx.foreach(WalletState.held, _held_item), class_name="cds-list", id="held-list")),
        rx.el.p(t("identity.foreign.how_to_receive"), " ",
                rx.link(t("identity.foreign.receive_link"), href="/wallet/openid", id="receive-offer-link")),
    )


@app_page("/wallet", "identity.ui.wallet_title", roles=("citizen",), on_load=[WalletState.load])
def wallet_page() -> rx.Component:
    return rx.el.div(
        ui_script(),
        heading("identity.ui.wallet_title"),
        error_summary(WalletState.error),
        info_callout(WalletState.info),
        rx.cond(~WalletState.secure_keys, rx.callout(t("identity.wallet.server_key_notice"), icon="shield-alert")),
        _level_card(),
        rx.el.section(
            rx.el.h2(t("identity.ui.credentials_title"), class_name="cds-h2"),
            rx.cond(WalletState.credentials.length() > 0,
                    rx.el.ul(rx.foreach(WalletState.credentials, _credential_row), class_name="cds-list",
                             id="credential-list"),
                    rx.el.p(t("identity.ui.no_credentials"))),
        ),
        _held_section(),
        _request_buttons(),
        _offer_to_wallet(),
        rx.el.p(t("identity.ui.key_notice"), class_name="cds-hint"),
        _wallet_links(),
    )


# --- /wallet/present -----------------------------------------------------------------------------------------


def _claim_box(name: rx.Var) -> rx.Component:
    return rx.el.label(
        rx.el.input(type="checkbox", checked=PresentState.chosen.contains(name),
                    on_change=PresentState.toggle_claim(name), class_name="cds-check", id="claim-" + name.to(str)),
        _label(CLAIM_LABELS, name),
        class_name="cds-check-label",
    )


def _mode_button(mode: str, label_key: str, element_id: str) -> rx.Component:
    return rx.el.button(t(label_key), type="button", on_click=PresentState.set_mode(mode), id=element_id,
                        aria_pressed=rx.cond(PresentState.mode == mode, "true", "false"),
                        class_name=rx.cond(PresentState.mode == mode, "cds-button", "cds-button cds-button-outline"))


def _nonce_request() -> rx.Component:
    return rx.cond(
        PresentState.mode == "nonce",
        rx.el.div(
            rx.el.p(t("identity.ui.nonce_explain"), class_name="cds-hint"),
            outline_button("identity.ui.scan", on_click=PresentState.scan_request, id="scan-request"),
            rx.el.video(id="scan-video", hidden=True, muted=True, plays_inline=True, style={"max_width": "100%"}),
            rx.form(
                textarea_field("identity.ui.request_label", "request", "identity.ui.request_hint", rows=2),
                outline_button("identity.ui.request_read", type_="submit", id="read-request"),
                on_submit=PresentState.read_request,
                class_name="cds-form",
            ),
            rx.cond(PresentState.requester != "",
                    rx.callout(rx.el.span(t("identity.ui.requester"), ": ",
                                          rx.el.strong(t_var(PresentState.requester_name))),
                               icon="store", id="requester")),
            rx.cond(PresentState.requester != "", _details(
                term(t("identity.words.audience_code")), detail(rx.el.code(PresentState.requester)))),
        ),
        rx.el.p(t("identity.ui.one_time_explain"), class_name="cds-hint"),
    )


def _presentation_output() -> rx.Component:
    shown = PresentState.shown
    return rx.el.section(
        rx.el.canvas(id="vp-qr", style=QR_STYLE, role="img", aria_label=t("identity.ui.vp_qr_alt")),
        rx.cond(
            shown.length() > 0,  # type: ignore[attr-defined]
            rx.el.div(
                rx.el.p(t("identity.ui.show_to_verifier"), class_name="cds-lead"),
                _details(term(t("identity.ui.qr_size")), detail(shown["chars"], id="vp-size"),
                         term(t("identity.words.qr_version")), detail(shown["version"], id="vp-version")),
                rx.cond(PresentState.mode == "one_time",
                        rx.el.p(t("identity.ui.seconds_left"), ": ", rx.el.strong("60", id="vp-countdown"),
                                aria_live="off")),
            ),
        ),
        rx.el.p(t("identity.ui.vp_expired"), id="vp-expired", hidden=True, role="status"),
        rx.el.details(
            rx.el.summary(t("identity.ui.vp_text")),
            rx.el.textarea(id="vp-text", read_only=True, rows=4, class_name="cds-input",
                           aria_label=t("identity.ui.vp_text")),
        ),
        aria_live="polite",
    )


@app_page("/wallet/present", "identity.ui.present_title", roles=("citizen",), on_load=[PresentState.load])
def present_page() -> rx.Component:
    return rx.el.div(
        ui_script(),
        heading("identity.ui.present_title"),
        error_summary(PresentState.error),
        info_callout(PresentState.info),
        rx.cond(
            PresentState.options.length() > 0,
            rx.el.div(
                rx.el.label(t("identity.ui.which_credential"), html_for="present-credential", class_name="cds-label"),
                rx.el.select(
                    rx.foreach(PresentState.options,
                               lambda o: rx.el.option(_label(KIND_LABELS, o["kind"]), " — ", o["expires"],
                                                      value=o["id"])),
                    id="present-credential", value=PresentState.selected, on_change=PresentState.choose,
                    class_name="cds-input",
                ),
                rx.el.fieldset(
                    rx.el.legend(t("identity.ui.claims_legend")),
                    rx.cond(PresentState.claims.length() > 0,
                            rx.foreach(PresentState.claims, _claim_box),
                            rx.el.p(t("identity.ui.claims_fixed"), class_name="cds-hint")),
                    rx.el.p(t("identity.ui.claims_minimum"), class_name="cds-hint"),
                ),
                rx.el.fieldset(
                    rx.el.legend(t("identity.ui.mode_legend")),
                    rx.el.div(_mode_button("nonce", "identity.ui.mode_nonce", "mode-nonce"),
                              _mode_button("one_time", "identity.ui.mode_one_time", "mode-one-time"),
                              class_name="cds-actions"),
                    _nonce_request(),
                ),
                rx.el.button(t("identity.ui.make_vp"), type="button", on_click=PresentState.make,
                             class_name="cds-button", id="make-vp"),
                class_name="cds-form",
            ),
            rx.el.div(rx.el.p(t("identity.ui.nothing_to_present")),
                      rx.link(t("identity.ui.wallet_title"), href="/wallet", class_name="cds-button")),
        ),
        _presentation_output(),
    )


# --- /verify ---------------------------------------------------------------------------------------------------


def claim_item(line: rx.Var) -> rx.Component:
    english = LangState.lang == "en"
    return rx.el.li(rx.el.span(rx.cond(english, line["label_en"], line["label_vi"])), ": ",
                    rx.el.strong(rx.cond(english, line["value_en"], line["value_vi"])))


def _result_box() -> rx.Component:
    res = VerifierState.result
    return rx.cond(
        VerifierState.checked,
        rx.el.div(
            rx.el.p(rx.cond(VerifierState.valid, "✔ ", "✘ "),
                    rx.cond(VerifierState.valid, t("identity.verifier.valid"), t("identity.verifier.invalid")),
                    style={"font_size": "2.2em", "font_weight": "800", "margin": "0"}, id="verify-verdict"),
            rx.cond(VerifierState.valid,
                    rx.el.p(t_var(VerifierState.headline), style={"font_size": "1.6em", "font_weight": "700"},
                            id="verify-headline"),
                    rx.el.p(t_var(VerifierState.reason), style={"font_size": "1.3em"}, id="verify-reason")),
            rx.cond(VerifierState.valid, rx.el.div(
                rx.el.ul(rx.foreach(VerifierState.claims, claim_item), id="verify-claims"),
                rx.el.dl(
                    term(t("identity.verifier.issuer")),
                    detail(rx.cond(LangState.lang == "en", res["issuer_en"], res["issuer_vi"]), " ✔",
                           id="verify-issuer"),
                    term(t("identity.verifier.binding")),
                    detail(rx.cond(res["mode"] == "nonce", t("identity.verifier.binding_nonce"),
                                     t("identity.verifier.binding_one_time"))),
                    term(t("identity.ui.expires")), detail(res["expires"]),
                    term(t("identity.verifier.status")),
                    detail(t("identity.verifier.status_ok"), " ", res["status_checked"]),
                ),
                _details(term(t("identity.words.issuer_address")), detail(rx.el.code(res["issuer"])),
                         term(t("identity.words.credential_type")), detail(rx.el.code(res["vct"]))),
            )),
            id="verify-result", tab_index=-1, role="status",
            style={"border": "6px solid", "border_radius": "12px", "padding": "1em", "margin": "1em 0",
                   "border_color": rx.cond(VerifierState.valid, "#1b7f3b", "#b00020"),
                   "background": rx.cond(VerifierState.valid, "#e8f5ec", "#fdecee")},
        ),
    )


@app_page("/verify", "identity.verifier.title", on_load=[VerifierState.new_request])
def verify_page() -> rx.Component:
    return rx.el.div(
        ui_script(),
        heading("identity.verifier.title"),
        rx.el.p(t("identity.verifier.explain")),
        _result_box(),
        error_summary(VerifierState.error),
        rx.el.section(
            rx.el.h2(t("identity.verifier.step1"), class_name="cds-h2"),
            rx.el.canvas(id="vr-qr", style=QR_STYLE, role="img", aria_label=t("identity.verifier.request_qr_alt")),
            rx.el.p(t("identity.verifier.audience"), ": ", rx.el.strong(t_var(VerifierState.audience_name),
                                                                      id="vr-audience"), " · ",
                    t("identity.verifier.until"), " ", VerifierState.expires, class_name="cds-hint"),
            rx.cond(VerifierState.request_used, rx.el.p(t("identity.verifier.request_used"), id="request-used",
                                                   style={"font_weight": "700"})),
            _details(term(t("identity.words.audience_code")), detail(rx.el.code(VerifierState.audience)),
                     term(t("identity.verifier.request_text")),
                     detail(rx.el.code(VerifierState.request_qr, id="vr-text", style={"word_break": "break-all"}))),
            rx.el.button(t("identity.verifier.new_request"), type="button", on_click=VerifierState.new_request,
                         id="new-request", class_name=rx.cond(VerifierState.request_used, "cds-button",
                                                              "cds-button cds-button-outline")),
        ),
        rx.el.section(
            rx.el.h2(t("identity.verifier.step2"), class_name="cds-h2"),
            outline_button("identity.ui.scan", on_click=VerifierState.scan, id="verify-scan"),
            rx.el.video(id="verify-video", hidden=True, muted=True, plays_inline=True, style={"max_width": "100%"}),
            rx.form(
                textarea_field("identity.verifier.code_label", "code", "identity.verifier.code_hint", rows=3),
                primary_button("identity.verifier.check", id="verify-submit"),
                on_submit=VerifierState.check,
                reset_on_submit=True,
                class_name="cds-form",
            ),
        ),
        rx.el.p(t("identity.verifier.privacy"), class_name="cds-hint"),
        rx.el.p(rx.el.a(rx.icon("wifi-off", size=18, aria_hidden="true"), " ", t("identity.offline.link"),
                        href="/verify-offline/", id="offline-verifier-link", reload_document=True)),
    )


# --- the student credential offer on the ward desk page -----------------------------------------------------------


def _student_offer_form() -> rx.Component:
    return rx.cond(
        AuthState.is_official,
        rx.el.section(
            rx.el.h2(t("identity.desk.student_title"), class_name="cds-h2"),
            rx.el.p(t("identity.desk.student_explain"), class_name="cds-hint"),
            rx.form(
                input_field("identity.ui.phone", "phone", type_="tel", required=True, field_id="f-offer-phone"),
                input_field("identity.claim.school", "school", required=True),
                input_field("identity.claim.student_name", "student_name", required=True),
                primary_button("identity.desk.student_submit", id="offer-make"),
                on_submit=StudentOfferState.make,
                class_name="cds-form",
            ),
            rx.el.canvas(id="offer-qr", style=QR_STYLE, aria_label=t("identity.desk.offer_qr_alt"), role="img"),
            rx.cond(StudentOfferState.offer != "", rx.el.code(StudentOfferState.offer, id="offer-text",
                                                              style={"word_break": "break-all"})),
        ),
    )


DESK_SECTIONS.append(DeskSection(_student_offer_form, StudentOfferState))
