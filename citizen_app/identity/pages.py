"""Pages of the identity pillar: login (password, the identity provider, passkeys), registration, the account and
role administration; the citizen's profile, passkeys and activity log; account recovery at the ward desk (/wallet/desk,
/recover). Other packages add forms to the desk page through ``desk_state.DESK_SECTIONS``."""

from __future__ import annotations

import reflex as rx

from citizen_app.core.config import settings
from citizen_app.i18n.state import t, t_var
from citizen_app.identity.components import detail, info_callout, input_field, term, ui_script
from citizen_app.identity.desk_state import DESK_SECTIONS, DeskState, RecoverState
from citizen_app.identity.models import ROLES
from citizen_app.identity.passkey_state import PasskeyLoginState, PasskeyState
from citizen_app.identity.profile_state import ActivityState, ProfileState
from citizen_app.identity.state import (
    LOGGED_OUT_URL,
    AccountState,
    AdminState,
    AuthState,
    LoginState,
    RegisterState,
)
from citizen_app.shell.layout import app_page, heading
from citizen_app.ui.components import callout_either, error_summary, field, primary_button


def _oidc_button() -> rx.Component | None:
    if not settings().oidc_enabled:
        return None
    return rx.el.a(t("auth.login_with_vneid"), href="/auth/oidc/login", reload_document=True,
                   class_name="cds-button cds-button-outline",
                   id="oidc-login")


def _passkey_login() -> rx.Component:
    return rx.el.div(
        ui_script(),
        error_summary(PasskeyLoginState.error, "passkey-error"),
        rx.el.button(rx.icon("key-round", size=20, aria_hidden="true"), t("identity.ui.passkey_login"), type="button",
                     on_click=PasskeyLoginState.start, class_name="cds-button cds-button-outline", id="passkey-login"),
        rx.el.p(rx.el.a(t("identity.recovery.link"), href="/recover", id="recover-link"), margin_top="0.75em"),
        class_name="cds-narrow",
        margin_top="1em",
    )


@app_page("/login", "auth.login", on_load=[LoginState.reset_form])
def login_page() -> rx.Component:
    """The one login page: password, the identity provider when configured, then passkeys and recovery."""
    form = rx.el.section(
        heading("auth.login"),
        error_summary(LoginState.error),
        rx.form(
            field("auth.identifier", "identifier", hint_key="auth.identifier_hint", autocomplete="username"),
            field("auth.password", "password", type_="password", autocomplete="current-password"),
            primary_button("auth.login", id="login-submit"),
            on_submit=LoginState.submit,
            class_name="cds-form",
        ),
        _oidc_button(),
        rx.el.p(t("auth.no_account"), " ", rx.link(t("auth.register"), href="/register")),
        class_name="cds-narrow",
    )
    return rx.fragment(form, _passkey_login())


def _register_form() -> rx.Component:
    return rx.form(
        field("auth.full_name", "full_name", autocomplete="name"),
        field("auth.identifier", "identifier", hint_key="auth.identifier_hint", autocomplete="username"),
        field("auth.password", "password", type_="password", hint_key="auth.password_rules",
              autocomplete="new-password"),
        field("auth.password_confirm", "password2", type_="password", autocomplete="new-password"),
        rx.el.label(
            rx.el.input(type="checkbox", name="consent", id="f-consent", class_name="cds-check"),
            t("auth.consent"),
            class_name="cds-check-label",
        ),
        primary_button("identity.register.continue", id="register-submit"),
        on_submit=RegisterState.submit,
        class_name="cds-form",
    )


def _code_form() -> rx.Component:
    """Step 2: the same words whether or not the phone/e-mail already has an account."""
    return rx.el.div(
        rx.callout(t_var(RegisterState.sent_to), icon="mail", role="status", id="register-sent"),
        rx.el.p(t("identity.register.code_sent_more"), class_name="cds-hint"),
        rx.form(
            field("identity.register.code", "code", autocomplete="one-time-code", input_mode="numeric"),
            primary_button("identity.register.confirm", id="register-confirm"),
            on_submit=RegisterState.confirm,
            class_name="cds-form",
        ),
        rx.el.button(t("identity.register.start_again"), on_click=RegisterState.reset_form, type="button",
                     class_name="cds-button cds-button-outline", id="register-restart"),
    )


@app_page("/register", "auth.register", on_load=[RegisterState.reset_form])
def register_page() -> rx.Component:
    return rx.el.section(
        heading("auth.register"),
        error_summary(RegisterState.error),
        rx.cond(RegisterState.step == "code", _code_form(), _register_form()),
        rx.el.p(t("auth.have_account"), " ", rx.link(t("auth.login"), href="/login")),
        class_name="cds-narrow",
    )


def _session_row(row: rx.Var) -> rx.Component:
    return rx.el.li(
        rx.el.div(
            rx.el.strong(rx.cond(row["current"] != "", t("auth.this_device"), row["device"])),
            rx.el.p(t("auth.last_seen"), ": ", row["last_seen"], class_name="cds-hint"),
        ),
        rx.el.button(t("auth.sign_out_device"), on_click=AccountState.sign_out_device(row["id"]),
                     class_name="cds-button cds-button-outline"),
        class_name="cds-list-row",
    )


def _password_form() -> rx.Component:
    return rx.el.section(
        rx.el.h2(t("auth.password_change"), class_name="cds-h2", id="password-heading"),
        rx.el.p(t("auth.password_change_hint"), class_name="cds-hint"),
        error_summary(AccountState.password_error, "password-error"),
        rx.cond(AccountState.password_saved.length() > 0,  # type: ignore[attr-defined]
                rx.callout(t_var(AccountState.password_saved), icon="check", role="status", id="password-saved")),
        rx.form(
            field("auth.password_current", "password_current", type_="password", autocomplete="current-password"),
            field("auth.password_new", "password_new", type_="password", hint_key="auth.password_rules",
                  autocomplete="new-password"),
            field("auth.password_new_confirm", "password_new2", type_="password", autocomplete="new-password"),
            primary_button("auth.password_change", id="password-submit"),
            on_submit=AccountState.change_password,
            class_name="cds-form",
            id="password-form",
        ),
        aria_labelledby="password-heading",
    )


@app_page("/account", "auth.my_account", roles=("citizen",), on_load=[AccountState.load])
def account_page() -> rx.Component:
    return rx.el.section(
        heading("auth.my_account"),
        rx.el.p(AuthState.display_name, id="account-name", class_name="cds-lead"),
        rx.el.p(t("auth.roles"), ": ", rx.foreach(AuthState.roles, lambda r: rx.badge(r, margin_right="0.3em"))),
        error_summary(AccountState.error),
        rx.el.nav(
            rx.link(t("payments.ui.title"), href="/payments", class_name="cds-button cds-button-outline"),
            rx.link(t("notify.settings.title"), href="/notifications/settings",
                    class_name="cds-button cds-button-outline"),
            rx.link(t("city.mydata.title"), href="/my-data", class_name="cds-button cds-button-outline"),
            class_name="cds-actions",
            aria_label=t("auth.my_account"),
        ),
        rx.cond(AccountState.has_password, _password_form()),
        rx.el.h2(t("auth.sessions"), class_name="cds-h2"),
        rx.el.ul(rx.foreach(AccountState.sessions, _session_row), class_name="cds-list"),
        rx.el.div(
            # session.js logs out on the click itself, without the socket: it works offline too.
            rx.el.button(t("auth.logout"), type="button", class_name="cds-button", id="logout",
                         custom_attrs={"data-cds-logout": LOGGED_OUT_URL}),
            rx.el.button(t("auth.logout_all"), on_click=AccountState.logout_all,
                         class_name="cds-button cds-button-outline", id="logout-all"),
            class_name="cds-actions",
        ),
    )


def _role_box(user: rx.Var, role: str) -> rx.Component:
    return rx.el.label(
        rx.el.input(type="checkbox", name=f"role_{role}", default_checked=user["roles"].contains(role),
                    class_name="cds-check"),
        t(f"role.{role}"),
        class_name="cds-check-label",
    )


def _user_row(user: rx.Var) -> rx.Component:
    return rx.el.li(
        rx.form(
            rx.el.div(rx.el.strong(user["name"]), rx.el.p(user["login"], class_name="cds-hint")),
            rx.el.input(type="hidden", name="user_id", value=user["id"]),
            rx.el.fieldset(rx.el.legend(t("auth.roles")), *[_role_box(user, role) for role in ROLES]),
            rx.el.label(t("auth.agency"), class_name="cds-label"),
            rx.el.select(
                rx.el.option(t("admin.no_agency"), value=""),
                rx.foreach(AdminState.agencies, lambda a: rx.el.option(a["name"], value=a["code"])),
                name="agency",
                default_value=user["agency"],
                class_name="cds-input",
                aria_label=t("auth.agency"),
            ),
            primary_button("common.save"),
            on_submit=AdminState.save_roles,
            class_name="cds-form",
        ),
        class_name="cds-list-row",
    )


@app_page("/admin", "admin.title", roles=("admin",), on_load=[AdminState.load])
def admin_page() -> rx.Component:
    return rx.el.section(
        heading("admin.title"),
        error_summary(AdminState.error),
        rx.cond(AdminState.saved.length() > 0, rx.callout(t_var(AdminState.saved), icon="check", role="status")),  # type: ignore[attr-defined]
        rx.form(
            rx.el.label(t("admin.search"), html_for="admin-q", class_name="cds-label"),
            rx.el.input(id="admin-q", name="q", class_name="cds-input"),
            primary_button("admin.search"),
            on_submit=AdminState.search,
            class_name="cds-form cds-inline-form",
        ),
        rx.el.ul(rx.foreach(AdminState.users, _user_row), class_name="cds-list"),
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
        info_callout(ProfileState.info),
        rx.form(
            input_field("identity.ui.full_name", "full_name", value=values["full_name"], autocomplete="name",
                        required=True),
            input_field("identity.ui.birth_date", "birth_date", value=values["birth_date"], type_="date",
                        autocomplete="bday"),
            rx.el.div(
                rx.el.label(t("identity.ui.sex"), html_for="f-sex", class_name="cds-label"),
                rx.el.select(rx.el.option(t("identity.ui.sex_none"), value=""),
                             rx.el.option(t("identity.ui.sex_F"), value="F"),
                             rx.el.option(t("identity.ui.sex_M"), value="M"),
                             id="f-sex", name="sex", default_value=values["sex"], class_name="cds-input"),
                class_name="cds-field",
            ),
            input_field("identity.ui.id_number", "id_number", value=values["id_number"], hint_key="identity.ui.id_hint",
                        input_mode="numeric"),
            input_field("identity.ui.address", "address", value=values["address"], autocomplete="street-address"),
            input_field("identity.ui.ward", "ward", value=values["ward"]),
            input_field("identity.ui.phone", "phone", value=values["phone"], type_="tel", autocomplete="tel"),
            input_field("identity.ui.email", "email", value=values["email"], type_="email", autocomplete="email"),
            primary_button("common.save", id="profile-save"),
            on_submit=ProfileState.save,
            class_name="cds-form",
            key=values["id_number"] + values["full_name"],
        ),
        class_name="cds-narrow",
    )


# --- /wallet/desk (ward officials check ID cards; volunteers see where to send citizens) ------------------------

VERIFIERS = ("official", "volunteer", "admin")


def _citizen_card() -> rx.Component:
    """Who was found: enough to recognise the person holding the card (no ID digits, no address)."""
    card = DeskState.citizen
    return rx.cond(
        card.length() > 0,  # type: ignore[attr-defined]
        rx.el.section(
            rx.el.h2(card["name"], class_name="cds-h2", id="desk-name"),
            rx.el.dl(
                term(t("identity.desk.birth_year")), detail(card["birth_year"], id="desk-birth-year"),
                term(t("identity.desk.ward")), detail(card["ward"], id="desk-ward"),
                term(t("identity.ui.level_title")),
                detail(rx.cond(card["level"] == "2", t("identity.ui.level2_short"), t("identity.ui.level1_short")),
                       id="desk-level"),
                id="desk-card",
            ),
            rx.form(
                input_field("identity.desk.card_number", "id_number", hint_key="identity.desk.card_hint", required=True,
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
            input_field("identity.desk.phone", "phone", type_="tel", required=True,
                        hint_key="identity.desk.phone_hint"),
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
            input_field("identity.recovery.card_number", "id_number", required=True, input_mode="numeric",
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


@app_page("/wallet/desk", "identity.desk.title", roles=VERIFIERS, on_load=[DeskState.reset_desk])
def desk_page() -> rx.Component:
    return rx.el.section(
        ui_script(),
        heading("identity.desk.title"),
        error_summary(DeskState.error),
        info_callout(DeskState.info),
        rx.cond(
            DeskState.can_check,
            rx.el.div(rx.el.p(t("identity.desk.explain")), rx.el.p(t("identity.desk.ward"), ": ",
                                                                   rx.el.strong(DeskState.ward)), _ward_desk()),
            rx.el.p(t("identity.desk.volunteer_note"), id="desk-note"),
        ),
        *[section.render() for section in DESK_SECTIONS],
        class_name="cds-narrow",
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
        ui_script(),
        heading("identity.ui.passkeys_title"),
        rx.el.p(t("identity.ui.passkeys_explain")),
        error_summary(PasskeyState.error),
        info_callout(PasskeyState.info),
        rx.el.ul(rx.foreach(PasskeyState.keys, _passkey_row), class_name="cds-list", id="passkey-list"),
        rx.form(
            input_field("identity.ui.passkey_name", "name", hint_key="identity.ui.passkey_name_hint", value=""),
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
        info_callout(RecoverState.info, "recover-info"),
        rx.cond(
            RecoverState.done,
            rx.el.a(t("identity.recovery.login"), href="/login", class_name="cds-button", id="recover-login"),
            rx.form(
                input_field("identity.recovery.identifier", "identifier", autocomplete="username", required=True),
                input_field("identity.recovery.code", "code", hint_key="identity.recovery.code_hint", required=True,
                            autocomplete="one-time-code", auto_capitalize="characters"),
                input_field("identity.recovery.password", "password", type_="password", required=True,
                            hint_key="identity.recovery.password_hint", autocomplete="new-password"),
                input_field("identity.recovery.password2", "password2", type_="password", required=True,
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
                callout_either(t_var(chain), chain["ok"] == "1", ("shield-check", "shield-x"), role="status",
                               id="chain-result", color_scheme=rx.cond(chain["ok"] == "1", "green", "red"))),
        rx.cond(ActivityState.entries.length() > 0,
                rx.el.ol(rx.foreach(ActivityState.entries, _activity_row), class_name="cds-list", id="activity-list",
                         reversed=True),
                rx.el.p(t("identity.ui.activity_empty"))),
    )
