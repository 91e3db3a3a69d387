"""The app shell: header, side navigation (desktop), bottom navigation (phones), help footer."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import reflex as rx

from citizen_app.i18n.catalog import catalog
from citizen_app.i18n.state import LangState, t
from citizen_app.identity.state import AccountState, AuthState
from citizen_app.notify.components import bell
from citizen_app.ui.components import script_filled
from citizen_app.ui.routes import MAIN_NAV, STAFF_NAV, NavItem, PageSpec, register


def app_page(path: str, title_key: str, *, roles: tuple[str, ...] = (), on_load: list[Any] | None = None,
             offline: bool = False):
    """Register a page inside the shell. ``roles`` only hides the page; handlers still authorize.
    ``offline``: the page works without a connection for the device's signed-in person (``ui/offline.py``)."""

    def decorator(render: Callable[[], rx.Component]) -> Callable[[], rx.Component]:
        register(PageSpec(path, title_key, render, roles, list(on_load or []), offline))
        return render

    return decorator


def _current_path() -> rx.Var:
    return rx.State.router.page.path


def _nav_link(path: str, label_key: str, icon: str, css: str) -> rx.Component:
    active = _current_path() == path
    return rx.link(
        rx.icon(icon, size=22, aria_hidden="true"),
        rx.el.span(t(label_key)),
        href=path,
        class_name=css,
        aria_current=rx.cond(active, "page", "false"),
    )


def _staff_link(item: NavItem, role: str, css: str) -> rx.Component:
    return rx.cond(AuthState.roles.contains(role), _nav_link(item.path, item.label_key, item.icon, css))


def side_nav() -> rx.Component:
    links = [_nav_link(item.path, item.label_key, item.icon, "cds-side-link") for item in MAIN_NAV]
    staff = [_staff_link(item, role, "cds-side-link") for item, role in STAFF_NAV]
    account = _nav_link("/account", "nav.account", "user-round", "cds-side-link")
    admin = rx.cond(AuthState.is_admin, _nav_link("/admin", "nav.admin", "shield", "cds-side-link"))
    return rx.el.nav(*links, *staff, account, admin, class_name="cds-side-nav", aria_label=t("nav.main"))


def staff_links() -> rx.Component:
    """The officials' and volunteers' work places on phones, where the bottom bar has no room: above the help."""
    links = [_staff_link(item, role, "cds-help") for item, role in STAFF_NAV]
    return rx.el.nav(*links, class_name="cds-staff-links", aria_label=t("nav.work"))


def bottom_nav() -> rx.Component:
    links = [_nav_link(item.path, item.label_key, item.icon, "cds-bottom-link") for item in MAIN_NAV]
    return rx.el.nav(*links, class_name="cds-bottom-nav", aria_label=t("nav.main"))


def offline_name(css: str = "") -> rx.Component:
    """The device's signed-in person's name, filled by ``assets/offline.js`` while offline."""
    return script_filled("span", class_name=f"cds-when-offline-user {css}".strip(),
                         custom_attrs={"data-offline-name": ""})


def _offline_account() -> rx.Component:
    """Without a connection the state is logged out; the device still knows whose app this is."""
    return rx.el.span(rx.icon("user-round", size=20, aria_hidden="true"), offline_name("cds-hide-narrow"),
                      class_name="cds-chip cds-when-offline-user", id="offline-account")


def header_bar() -> rx.Component:
    account_label = rx.cond(AuthState.logged_in, AuthState.display_name, t("auth.login"))
    return rx.el.header(
        rx.link(
            # width/height as attributes (rx.el.img turns the props into CSS): the size is known before the CSS arrives
            rx.el.img(src="/icons/icon-192.png", alt="", custom_attrs={"width": "36", "height": "36"}),
            rx.el.span(rx.el.span(t("app.name"), class_name="cds-brand-full"),
                       rx.el.span(t("app.short_name"), class_name="cds-brand-short"), class_name="cds-brand-text"),
            href="/",
            class_name="cds-brand",
        ),
        rx.el.div(
            rx.el.button(
                t("shell.switch_to_other"),
                on_click=[LangState.toggle_lang, AccountState.remember_lang],
                class_name="cds-chip",
                id="lang-switch",
                title=t("shell.language"),
                lang=rx.cond(LangState.lang == "vi", "en", "vi"),
            ),
            rx.el.button(
                rx.icon("a-large-small", size=20, aria_hidden="true"),
                rx.el.span(t("shell.large_text"), class_name="cds-hide-narrow"),
                on_click=LangState.toggle_large_text,
                class_name="cds-chip",
                aria_pressed=rx.cond(LangState.large_text == "1", "true", "false"),
                aria_label=t("shell.large_text"),
            ),
            bell(),
            rx.link(
                rx.icon("user-round", size=20, aria_hidden="true"),
                rx.el.span(account_label, class_name="cds-hide-narrow"),
                href=rx.cond(AuthState.logged_in, "/account", "/login"),
                class_name=rx.cond(AuthState.logged_in, "cds-chip", "cds-chip cds-when-online"),
                id="account-link",
                aria_label=account_label,
                # assets/session.js: "0" after "1" without a page load = the server ended this tab's session
                data_session=rx.cond(AuthState.logged_in, "1", "0"),
            ),
            _offline_account(),
            class_name="cds-header-actions",
        ),
        class_name="cds-header",
    )


def session_notice() -> rx.Component:
    return rx.cond(
        AuthState.notice_key != "",
        rx.callout(
            rx.cond(LangState.lang == "en", AuthState.notice["en"], AuthState.notice["vi"]),
            icon="info",
            role="status",
            id="session-notice",
            margin_bottom="1em",
        ),
    )


def help_footer() -> rx.Component:
    return rx.el.footer(
        rx.link(rx.icon("life-buoy", size=20, aria_hidden="true"), t("shell.help"), href="/help",
                class_name="cds-help"),
        rx.el.a(t("shell.hotline"), href="tel:1022", class_name="cds-help"),
        class_name="cds-footer",
    )


def _guarded(spec: PageSpec) -> rx.Component:
    body = spec.render()
    if not spec.roles:
        return body
    allowed = rx.Var.create(False)
    for role in spec.roles:
        allowed = allowed | AuthState.roles.contains(role)
    if spec.offline:
        return _offline_guarded(body, allowed)
    return rx.cond(~AuthState.logged_in, login_required(), rx.cond(allowed, body, _forbidden()))


def _forbidden() -> rx.Component:
    return rx.callout(t("error.forbidden"), icon="ban", color_scheme="red", role="alert")


def _offline_guarded(body: rx.Component, allowed: rx.Var) -> rx.Component:
    """A page that works offline: without a connection the state stays logged out, so the body is kept for the
    device's signed-in person (shown by CSS while ``assets/offline.js`` says so) instead of the login prompt.
    The body keeps its place in the tree whatever the state: reconnecting does not remount a half-filled form.
    Nothing personal is in it for a visitor: the state it renders is at its defaults until a user loads it."""
    return rx.fragment(
        rx.cond(~AuthState.logged_in, rx.el.div(login_required(), class_name="cds-when-online")),
        rx.cond(AuthState.logged_in & ~allowed, _forbidden()),
        rx.el.div(body, class_name=rx.cond(AuthState.logged_in, rx.cond(allowed, "", "cds-hidden"),
                                           "cds-when-offline-user")),
    )


def login_required() -> rx.Component:
    return rx.vstack(
        rx.callout(t("error.login_required"), icon="log-in", role="status"),
        rx.link(t("auth.login"), href="/login", class_name="cds-button"),
        spacing="3",
    )


def shell(spec: PageSpec) -> rx.Component:
    return rx.el.div(
        rx.el.a(t("nav.skip"), href="#main", class_name="cds-skip"),
        header_bar(),
        rx.el.div(
            side_nav(),
            rx.el.main(
                session_notice(),
                _guarded(spec),
                staff_links(),
                help_footer(),
                id="main",
                tab_index=-1,
                class_name="cds-main",
            ),
            class_name="cds-body",
        ),
        bottom_nav(),
        rx.el.input(type="hidden", id="cds-token", value=rx.State.router.session.client_token, read_only=True),
        class_name="cds-shell",
    )


def coming_soon() -> rx.Component:
    return rx.vstack(
        rx.heading(t("shell.coming_soon"), size="5", as_="h1"),
        rx.link(t("shell.back_home"), href="/", class_name="cds-button"),
        spacing="4",
    )


def page_title(spec: PageSpec) -> str:
    texts = catalog()[spec.title_key]
    return f"{texts['vi']} · Công dân số"


def heading(key: str) -> rx.Component:
    return rx.heading(t(key), as_="h1", size="7", margin_bottom="0.5em")
