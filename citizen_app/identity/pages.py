"""Login, registration, account and administration pages."""

from __future__ import annotations

import reflex as rx

from citizen_app.core.config import settings
from citizen_app.i18n.state import t, t_var
from citizen_app.identity.models import ROLES
from citizen_app.identity.state import (
    LOGGED_OUT_URL,
    AccountState,
    AdminState,
    AuthState,
    LoginState,
    RegisterState,
)
from citizen_app.ui.components import error_summary, field, primary_button
from citizen_app.ui.layout import app_page, heading


def _oidc_button() -> rx.Component | None:
    if not settings().oidc_enabled:
        return None
    return rx.el.a(t("auth.login_with_vneid"), href="/auth/oidc/login", reload_document=True,
                   class_name="cds-button cds-button-outline",
                   id="oidc-login")


@app_page("/login", "auth.login", on_load=[LoginState.reset_form])
def login_page() -> rx.Component:
    return rx.el.section(
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
import citizen_app.identity.wallet_pages  # noqa: E402,F401  (wallet pages register themselves)
