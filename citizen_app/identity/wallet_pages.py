"""Pages of the identity wallet: home, profile, presenting, the verifier, the ward desk, passkeys,
activity log and signing certificate. Imported at the end of ``identity/pages.py``."""

from __future__ import annotations

import reflex as rx

from citizen_app.i18n.catalog import catalog
from citizen_app.i18n.state import LangState, t, t_var
from citizen_app.identity.state import AuthState
from citizen_app.identity.wallet_state import (
    WALLET_UI_JS,
    ActivityState,
    DeskState,
    PasskeyLoginState,
    PasskeyState,
    PresentState,
    ProfileState,
    RecoverState,
    SigningCertState,
    VerifierState,
    WalletState,
)
from citizen_app.ui.components import error_summary, primary_button
from citizen_app.ui.layout import app_page, heading
from citizen_app.ui.routes import PAGES
from citizen_app.wallet import credentials as cr
from citizen_app.wallet.service import SELF_SERVICE_KINDS

CLAIM_NAMES = sorted({c for ctype in cr.TYPES.values() for c in (*ctype.sd_claims, *ctype.plain_claims)})
VERIFIERS = ("official", "volunteer", "admin")
QR_STYLE = {"width": "100%", "max_width": "320px", "height": "auto", "image_rendering": "pixelated",
            "background": "#fff"}


def _labels(prefix: str, names: list[str] | tuple[str, ...]) -> rx.Var:
    return rx.Var.create({name: catalog()[f"{prefix}{name}"] for name in names})


KIND_LABELS = _labels("identity.ui.title_", list(cr.TYPES))
CLAIM_LABELS = _labels("identity.claim.", CLAIM_NAMES)
STATUS_LABELS = _labels("identity.ui.status_", ["valid", "revoked", "expired"])


def _label(table: rx.Var, key: rx.Var) -> rx.Var:
    return table[key][LangState.lang].to(str)


def _dt(*children: rx.Component | rx.Var | str) -> rx.Component:
    return rx.el.dt(*children, style={"font_weight": "700", "margin_top": "0.4em"})


def _dd(*children: rx.Component | rx.Var | str, **props) -> rx.Component:
    return rx.el.dd(*children, style={"margin": "0"}, **props)


def _script() -> rx.Component:
    return rx.script(src=WALLET_UI_JS)


def _info(var: rx.Var, element_id: str = "wallet-info") -> rx.Component:
    return rx.cond(var.length() > 0, rx.callout(t_var(var), icon="info", role="status", id=element_id))  # type: ignore[attr-defined]


def _outline_button(label_key: str, type_: str = "button", **props) -> rx.Component:
    return rx.el.button(t(label_key), type=type_, class_name="cds-button cds-button-outline", **props)


def _textarea(label_key: str, name: str, hint_key: str | None = None, rows: int = 3, **props) -> rx.Component:
    field_id = f"f-{name}"
    hint = rx.el.p(t(hint_key), id=f"{field_id}-hint", class_name="cds-hint") if hint_key else None
    extra = {"aria_describedby": f"{field_id}-hint"} if hint_key else {}
    return rx.el.div(
        rx.el.label(t(label_key), html_for=field_id, class_name="cds-label"),
        hint,
        rx.el.textarea(id=field_id, name=name, rows=rows, class_name="cds-input", spell_check=False,
                       auto_complete="off", **extra, **props),
        class_name="cds-field",
    )


def _input(label_key: str, name: str, *, value: rx.Var | str = "", type_: str = "text", hint_key: str | None = None,
           autocomplete: str = "off", required: bool = False, field_id: str = "", **props) -> rx.Component:
    field_id = field_id or f"f-{name}"
    hint = rx.el.p(t(hint_key), id=f"{field_id}-hint", class_name="cds-hint") if hint_key else None
    extra = {"aria_describedby": f"{field_id}-hint"} if hint_key else {}
    return rx.el.div(
        rx.el.label(t(label_key), html_for=field_id, class_name="cds-label"),
        hint,
        rx.el.input(id=field_id, name=name, type=type_, default_value=value, auto_complete=autocomplete,
                    required=required, class_name="cds-input", **extra, **props),
        class_name="cds-field",
    )


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
                _textarea("identity.ui.offer_label", "offer", "identity.ui.offer_hint", rows=2),
                primary_button("identity.ui.offer_submit", id="offer-submit"),
                on_submit=WalletState.redeem_offer,
                reset_on_submit=True,
                class_name="cds-form",
            ),
        ),
    )


def _wallet_links() -> rx.Component:
    links = [("/wallet/present", "identity.ui.present_title"), ("/verify", "identity.verifier.title"),
             ("/wallet/passkeys", "identity.ui.passkeys_title"), ("/wallet/activity", "identity.ui.activity_title"),
             ("/wallet/signing", "identity.ui.signing_title")]
    items = [rx.el.li(rx.link(t(key), href=href)) for href, key in links]
    desk = rx.cond(AuthState.is_official | AuthState.is_volunteer,
                   rx.el.li(rx.link(t("identity.desk.title"), href="/wallet/desk", id="desk-link")))
    return rx.el.nav(rx.el.ul(*items, desk, class_name="cds-list"), aria_label=t("identity.ui.more"))


@app_page("/wallet", "identity.ui.wallet_title", roles=("citizen",), on_load=[WalletState.load])
def wallet_page() -> rx.Component:
    return rx.el.div(
        _script(),
        heading("identity.ui.wallet_title"),
        error_summary(WalletState.error),
        _info(WalletState.info),
        rx.cond(~WalletState.secure_keys, rx.callout(t("identity.wallet.server_key_notice"), icon="shield-alert")),
        _level_card(),
        rx.el.section(
            rx.el.h2(t("identity.ui.credentials_title"), class_name="cds-h2"),
            rx.cond(WalletState.credentials.length() > 0,
                    rx.el.ul(rx.foreach(WalletState.credentials, _credential_row), class_name="cds-list",
                             id="credential-list"),
                    rx.el.p(t("identity.ui.no_credentials"))),
        ),
        _request_buttons(),
        rx.el.p(t("identity.ui.key_notice"), class_name="cds-hint"),
        _wallet_links(),
    )


# --- /wallet/profile ------------------------------------------------------------------------------------------


@app_page("/wallet/profile", "identity.ui.profile_title", roles=("citizen",), on_load=[ProfileState.load])
def profile_page() -> rx.Component:
    values = ProfileState.values
    return rx.el.section(
        heading("identity.ui.profile_title"),
        rx.el.p(rx.cond(values["level"] == "2", t("identity.ui.level2_short"), t("identity.ui.level1_short")),
                rx.cond(values["verified"] != "", rx.el.span(" (", values["verified"], ")")),
                class_name="cds-lead", id="profile-level"),
        rx.el.p(t("identity.ui.level1_explain"), " ", t("identity.ui.level2_explain")),
        rx.el.p(t("identity.ui.profile_reverify"), class_name="cds-hint"),
        error_summary(ProfileState.error),
        _info(ProfileState.info),
        rx.form(
            _input("identity.ui.full_name", "full_name", value=values["full_name"], autocomplete="name", required=True),
            _input("identity.ui.birth_date", "birth_date", value=values["birth_date"], type_="date",
                   autocomplete="bday"),
            rx.el.div(
                rx.el.label(t("identity.ui.sex"), html_for="f-sex", class_name="cds-label"),
                rx.el.select(rx.el.option(t("identity.ui.sex_none"), value=""),
                             rx.el.option(t("identity.ui.sex_F"), value="F"),
                             rx.el.option(t("identity.ui.sex_M"), value="M"),
                             id="f-sex", name="sex", default_value=values["sex"], class_name="cds-input"),
                class_name="cds-field",
            ),
            _input("identity.ui.id_number", "id_number", value=values["id_number"], hint_key="identity.ui.id_hint",
                   input_mode="numeric"),
            _input("identity.ui.address", "address", value=values["address"], autocomplete="street-address"),
            _input("identity.ui.ward", "ward", value=values["ward"]),
            _input("identity.ui.phone", "phone", value=values["phone"], type_="tel", autocomplete="tel"),
            _input("identity.ui.email", "email", value=values["email"], type_="email", autocomplete="email"),
            primary_button("common.save", id="profile-save"),
            on_submit=ProfileState.save,
            class_name="cds-form",
            key=values["id_number"] + values["full_name"],
        ),
        class_name="cds-narrow",
    )


# --- /wallet/desk (ward officials check ID cards; volunteers see where to send citizens) ------------------------


def _citizen_card() -> rx.Component:
    """Who was found: enough to recognise the person holding the card (no ID digits, no address)."""
    card = DeskState.citizen
    return rx.cond(
        card.length() > 0,  # type: ignore[attr-defined]
        rx.el.section(
            rx.el.h2(card["name"], class_name="cds-h2", id="desk-name"),
            rx.el.dl(
                _dt(t("identity.desk.birth_year")), _dd(card["birth_year"], id="desk-birth-year"),
                _dt(t("identity.desk.ward")), _dd(card["ward"], id="desk-ward"),
                _dt(t("identity.ui.level_title")),
                _dd(rx.cond(card["level"] == "2", t("identity.ui.level2_short"), t("identity.ui.level1_short")),
                         id="desk-level"),
                id="desk-card",
            ),
            rx.form(
                _input("identity.desk.card_number", "id_number", hint_key="identity.desk.card_hint", required=True,
                       input_mode="numeric"),
                primary_button("identity.desk.verify", id="desk-verify"),
                on_submit=DeskState.verify,
                reset_on_submit=True,
                class_name="cds-form",
            ),
            _recovery_form(),
        ),
    )


def _ward_desk() -> rx.Component:
    return rx.el.div(
        rx.form(
            _input("identity.desk.phone", "phone", type_="tel", required=True, hint_key="identity.desk.phone_hint"),
            primary_button("identity.desk.search", id="desk-search"),
            on_submit=DeskState.search,
            class_name="cds-form cds-inline-form",
        ),
        _citizen_card(),
    )


def _recovery_form() -> rx.Component:
    """Issue a one-time recovery code after checking the ID card again (level-2 citizens only)."""
    return rx.el.div(
        rx.el.h3(t("identity.recovery.desk_title"), class_name="cds-h2"),
        rx.el.p(t("identity.recovery.desk_explain"), class_name="cds-hint"),
        rx.form(
            _input("identity.recovery.card_number", "id_number", required=True, input_mode="numeric",
                   field_id="f-recovery-id"),
            primary_button("identity.recovery.desk_submit", id="recovery-issue"),
            on_submit=DeskState.issue_recovery,
            reset_on_submit=True,
            class_name="cds-form",
        ),
        rx.cond(DeskState.recovery_code != "",
                rx.el.p(t("identity.recovery.code_ready"), " ", rx.el.strong(DeskState.recovery_until), rx.el.br(),
                        rx.el.code(DeskState.recovery_code, id="recovery-code",
                                   style={"font_size": "1.6em", "letter_spacing": "0.08em"}),
                        role="status")),
    )


def _student_offer_form() -> rx.Component:
    return rx.cond(
        AuthState.is_official,
        rx.el.section(
            rx.el.h2(t("identity.desk.student_title"), class_name="cds-h2"),
            rx.el.p(t("identity.desk.student_explain"), class_name="cds-hint"),
            rx.form(
                _input("identity.ui.phone", "phone", type_="tel", required=True, field_id="f-offer-phone"),
                _input("identity.claim.school", "school", required=True),
                _input("identity.claim.student_name", "student_name", required=True),
                primary_button("identity.desk.student_submit", id="offer-make"),
                on_submit=DeskState.student_offer,
                class_name="cds-form",
            ),
            rx.el.canvas(id="offer-qr", style=QR_STYLE, aria_label=t("identity.desk.offer_qr_alt"), role="img"),
            rx.cond(DeskState.offer != "", rx.el.code(DeskState.offer, id="offer-text",
                                                       style={"word_break": "break-all"})),
        ),
    )


@app_page("/wallet/desk", "identity.desk.title", roles=VERIFIERS, on_load=[DeskState.reset_desk])
def desk_page() -> rx.Component:
    return rx.el.section(
        _script(),
        heading("identity.desk.title"),
        error_summary(DeskState.error),
        _info(DeskState.info),
        rx.cond(
            DeskState.can_check,
            rx.el.div(rx.el.p(t("identity.desk.explain")), rx.el.p(t("identity.desk.ward"), ": ",
                                                                   rx.el.strong(DeskState.ward)), _ward_desk()),
            rx.el.p(t("identity.desk.volunteer_note"), id="desk-note"),
        ),
        _student_offer_form(),
        class_name="cds-narrow",
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
            _outline_button("identity.ui.scan", on_click=PresentState.scan_request, id="scan-request"),
            rx.el.video(id="scan-video", hidden=True, muted=True, plays_inline=True, style={"max_width": "100%"}),
            rx.form(
                _textarea("identity.ui.request_label", "request", "identity.ui.request_hint", rows=2),
                _outline_button("identity.ui.request_read", type_="submit", id="read-request"),
                on_submit=PresentState.read_request,
                class_name="cds-form",
            ),
            rx.cond(PresentState.requester != "",
                    rx.callout(rx.el.span(t("identity.ui.requester"), ": ", rx.el.strong(PresentState.requester)),
                               icon="store", id="requester")),
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
                rx.el.p(t("identity.ui.qr_size"), ": ", shown["chars"], " / QR ", shown["version"], "-L",
                        class_name="cds-hint", id="vp-size"),
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
        _script(),
        heading("identity.ui.present_title"),
        error_summary(PresentState.error),
        _info(PresentState.info),
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


def _claim_line(line: rx.Var) -> rx.Component:
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
                rx.el.ul(rx.foreach(VerifierState.claims, _claim_line), id="verify-claims"),
                rx.el.dl(
                    _dt(t("identity.verifier.issuer")), _dd(res["issuer"], " ✔"),
                    _dt(t("identity.verifier.binding")),
                    _dd(rx.cond(res["mode"] == "nonce", t("identity.verifier.binding_nonce"),
                                     t("identity.verifier.binding_one_time"))),
                    _dt(t("identity.ui.expires")), _dd(res["expires"]),
                    _dt(t("identity.verifier.status")),
                    _dd(t("identity.verifier.status_ok"), " ", res["status_checked"]),
                ),
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
        _script(),
        heading("identity.verifier.title"),
        rx.el.p(t("identity.verifier.explain")),
        _result_box(),
        error_summary(VerifierState.error),
        rx.el.section(
            rx.el.h2(t("identity.verifier.step1"), class_name="cds-h2"),
            rx.el.canvas(id="vr-qr", style=QR_STYLE, role="img", aria_label=t("identity.verifier.request_qr_alt")),
            rx.el.p(t("identity.verifier.audience"), ": ", rx.el.strong(VerifierState.audience), " · ",
                    t("identity.verifier.until"), " ", VerifierState.expires, class_name="cds-hint"),
            rx.cond(VerifierState.request_used, rx.el.p(t("identity.verifier.request_used"), id="request-used",
                                                   style={"font_weight": "700"})),
            rx.el.details(rx.el.summary(t("identity.verifier.request_text")),
                          rx.el.code(VerifierState.request_qr, id="vr-text", style={"word_break": "break-all"})),
            rx.el.button(t("identity.verifier.new_request"), type="button", on_click=VerifierState.new_request,
                         id="new-request", class_name=rx.cond(VerifierState.request_used, "cds-button",
                                                              "cds-button cds-button-outline")),
        ),
        rx.el.section(
            rx.el.h2(t("identity.verifier.step2"), class_name="cds-h2"),
            _outline_button("identity.ui.scan", on_click=VerifierState.scan, id="verify-scan"),
            rx.el.video(id="verify-video", hidden=True, muted=True, plays_inline=True, style={"max_width": "100%"}),
            rx.form(
                _textarea("identity.verifier.code_label", "code", "identity.verifier.code_hint", rows=3),
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


# --- /wallet/passkeys --------------------------------------------------------------------------------------------


def _passkey_row(key: rx.Var) -> rx.Component:
    return rx.el.li(
        rx.form(
            rx.el.input(type="hidden", name="id", value=key["id"]),
            rx.el.label(t("identity.ui.passkey_name"), html_for="pk-" + key["id"].to(str), class_name="cds-label"),
            rx.el.input(id="pk-" + key["id"].to(str), name="name", default_value=key["name"], class_name="cds-input",
                        max_length=60),
            rx.el.p(t("identity.ui.passkey_created"), ": ", key["created"],
                    rx.cond(key["synced"] != "", rx.el.span(" · ", t("identity.ui.passkey_synced"))),
                    class_name="cds-hint"),
            rx.el.div(
                primary_button("identity.ui.rename"),
                rx.el.button(t("identity.ui.remove"), type="button", on_click=PasskeyState.remove(key["id"]),
                             class_name="cds-button cds-button-outline"),
                class_name="cds-actions",
            ),
            on_submit=PasskeyState.rename,
            class_name="cds-form",
        ),
        class_name="cds-list-row",
    )


@app_page("/wallet/passkeys", "identity.ui.passkeys_title", roles=("citizen",), on_load=[PasskeyState.load])
def passkeys_page() -> rx.Component:
    return rx.el.section(
        _script(),
        heading("identity.ui.passkeys_title"),
        rx.el.p(t("identity.ui.passkeys_explain")),
        error_summary(PasskeyState.error),
        _info(PasskeyState.info),
        rx.el.ul(rx.foreach(PasskeyState.keys, _passkey_row), class_name="cds-list", id="passkey-list"),
        rx.form(
            _input("identity.ui.passkey_name", "name", hint_key="identity.ui.passkey_name_hint", value=""),
            primary_button("identity.ui.passkey_add", id="passkey-add"),
            on_submit=PasskeyState.register,
            class_name="cds-form",
        ),
        rx.el.p(t("identity.ui.passkeys_recovery"), " ", rx.el.a(t("identity.recovery.title"), href="/recover"),
                class_name="cds-hint"),
        class_name="cds-narrow",
    )


# --- /recover (anyone: the citizen has lost their device or password) --------------------------------------------


@app_page("/recover", "identity.recovery.title", on_load=[RecoverState.reset_page])
def recover_page() -> rx.Component:
    return rx.el.section(
        heading("identity.recovery.title"),
        rx.el.p(t("identity.recovery.explain")),
        error_summary(RecoverState.error),
        _info(RecoverState.info, "recover-info"),
        rx.cond(
            RecoverState.done,
            rx.el.a(t("identity.recovery.login"), href="/login", class_name="cds-button", id="recover-login"),
            rx.form(
                _input("identity.recovery.identifier", "identifier", autocomplete="username", required=True),
                _input("identity.recovery.code", "code", hint_key="identity.recovery.code_hint", required=True,
                       autocomplete="one-time-code", auto_capitalize="characters"),
                _input("identity.recovery.password", "password", type_="password", required=True,
                       hint_key="identity.recovery.password_hint", autocomplete="new-password"),
                _input("identity.recovery.password2", "password2", type_="password", required=True,
                       autocomplete="new-password"),
                rx.el.label(rx.el.input(type="checkbox", name="drop_passkeys", id="f-drop-passkeys",
                                        class_name="cds-check"),
                            t("identity.recovery.drop_passkeys"), class_name="cds-check-label"),
                primary_button("identity.recovery.submit", id="recover-submit"),
                on_submit=RecoverState.submit,
                class_name="cds-form",
            ),
        ),
        class_name="cds-narrow",
    )


# --- /wallet/activity --------------------------------------------------------------------------------------------


def _activity_row(entry: rx.Var) -> rx.Component:
    return rx.el.li(
        rx.el.div(rx.el.strong(entry["text"]),
                  rx.el.p(entry["when"], rx.cond(entry["by_other"] != "", rx.el.span(" · ", t("identity.ui.by_other"))),
                          class_name="cds-hint")),
        class_name="cds-list-row",
    )


@app_page("/wallet/activity", "identity.ui.activity_title", roles=("citizen",), on_load=[ActivityState.load])
def activity_page() -> rx.Component:
    chain = ActivityState.chain
    return rx.el.section(
        heading("identity.ui.activity_title"),
        rx.el.p(t("identity.ui.activity_explain")),
        error_summary(ActivityState.error),
        rx.el.button(t("identity.ui.verify_chain"), type="button", on_click=ActivityState.verify_chain,
                     class_name="cds-button cds-button-outline", id="verify-chain"),
        rx.cond(chain.length() > 0,  # type: ignore[attr-defined]
                rx.callout(t_var(chain), icon=rx.cond(chain["ok"] == "1", "shield-check", "shield-x"), role="status",
                           id="chain-result", color_scheme=rx.cond(chain["ok"] == "1", "green", "red"))),
        rx.cond(ActivityState.entries.length() > 0,
                rx.el.ol(rx.foreach(ActivityState.entries, _activity_row), class_name="cds-list", id="activity-list",
                         reversed=True),
                rx.el.p(t("identity.ui.activity_empty"))),
    )


# --- /wallet/signing ----------------------------------------------------------------------------------------------


@app_page("/wallet/signing", "identity.ui.signing_title", roles=("citizen",), on_load=[SigningCertState.load])
def signing_page() -> rx.Component:
    cert = SigningCertState.cert
    return rx.el.section(
        heading("identity.ui.signing_title"),
        rx.el.p(t("identity.ui.signing_explain")),
        rx.el.p(t("identity.sign.disclaimer"), class_name="cds-hint"),
        error_summary(SigningCertState.error),
        _info(SigningCertState.info),
        rx.cond(
            cert.length() > 0,  # type: ignore[attr-defined]
            rx.el.dl(_dt(t("identity.ui.cert_subject")), _dd(cert["subject"]),
                     _dt(t("identity.ui.cert_serial")), _dd(cert["serial"]),
                     _dt(t("identity.ui.cert_valid")), _dd(cert["from"], " – ", cert["to"]),
                     id="cert-info"),
            rx.el.p(t("identity.ui.cert_none")),
        ),
        rx.cond(SigningCertState.level < 2, rx.callout(t("identity.sign.needs_level2"), icon="info")),
        rx.el.button(rx.cond(cert.length() > 0, t("identity.ui.cert_renew"), t("identity.ui.cert_enrol")),  # type: ignore[attr-defined]
                     type="button", on_click=SigningCertState.enrol, class_name="cds-button", id="cert-enrol",
                     disabled=SigningCertState.level < 2),
        class_name="cds-narrow",
    )


# --- passkey sign-in on /login (added around the lead's login page, without editing it) ---------------------------


def passkey_login_block() -> rx.Component:
    return rx.el.div(
        _script(),
        error_summary(PasskeyLoginState.error, "passkey-error"),
        rx.el.button(rx.icon("key-round", size=20, aria_hidden="true"), t("identity.ui.passkey_login"), type="button",
                     on_click=PasskeyLoginState.start, class_name="cds-button cds-button-outline", id="passkey-login"),
        rx.el.p(rx.el.a(t("identity.recovery.link"), href="/recover", id="recover-link"), margin_top="0.75em"),
        class_name="cds-narrow",
        margin_top="1em",
    )


def _add_passkey_login() -> None:
    spec = PAGES.get("/login")
    if spec is None or getattr(spec.render, "_with_passkey", False):
        return
    original = spec.render

    def render() -> rx.Component:
        return rx.fragment(original(), passkey_login_block())

    render._with_passkey = True  # type: ignore[attr-defined]
    spec.render = render


_add_passkey_login()
