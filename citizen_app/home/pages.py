"""Home and help pages."""

from __future__ import annotations

import reflex as rx

from citizen_app.city.components import lookup_box
from citizen_app.home.state import HomeState
from citizen_app.i18n.state import t
from citizen_app.identity.state import AuthState
from citizen_app.shell.layout import app_page, heading, offline_name
from citizen_app.ui.components import card_link, script_filled

PILLARS = (
    ("/procedures", "file-text", "home.pillar.procedures"),
    ("/feedback", "megaphone", "home.pillar.feedback"),
    ("/metro", "train-front", "home.pillar.metro"),
    ("/wallet", "wallet", "home.pillar.wallet"),
)


def _open_item(item: rx.Var) -> rx.Component:
    return rx.el.li(rx.link(item["title"], href=item["href"]), " — ", item["status"], class_name="cds-list-row")


def _personal_block() -> rx.Component:
    return rx.cond(
        AuthState.logged_in,
        rx.el.section(
            rx.el.h2(t("home.open_items"), class_name="cds-h2"),
            rx.cond(
                HomeState.open_items.length() > 0,
                rx.el.ul(rx.foreach(HomeState.open_items, _open_item), class_name="cds-list"),
                rx.el.p(t("home.no_open_items"), id="no-open-items"),
            ),
        ),
        rx.fragment(
            rx.el.p(t("home.login_prompt"), " ", rx.link(t("auth.login"), href="/login", id="home-login"),
                    class_name="cds-when-online"),
            # Without a connection: what the device kept for its signed-in person (assets/offline.js draws it).
            script_filled("section", id="cds-offline-home", class_name="cds-when-offline-user", aria_live="polite"),
        ),
    )


@app_page("/", "home.title", on_load=[HomeState.load])
def home_page() -> rx.Component:
    return rx.el.div(
        rx.heading(
            rx.cond(AuthState.logged_in, AuthState.display_name,
                    rx.fragment(rx.el.span(t("home.hello_guest"), class_name="cds-when-online"), offline_name())),
            as_="h1", size="7", id="home-heading",
        ),
        script_filled("div", id="cds-install-offer", aria_live="polite"),  # assets/pwa.js: after a first success, once
        rx.el.p(t("app.tagline"), class_name="cds-lead"),
        lookup_box(),
        rx.el.div(rx.link(rx.icon("shield-check", aria_hidden="true"), t("city.safety.home_link"), href="/safety",
                          class_name="cds-button cds-button-outline", id="home-safety-link"), class_name="cds-actions"),
        _personal_block(),
        rx.el.div(*[card_link(href, icon, key, f"{key}.body") for href, icon, key in PILLARS], class_name="cds-cards"),
    )


@app_page("/help", "help.title")
def help_page() -> rx.Component:
    return rx.el.section(
        heading("help.title"),
        rx.el.p(t("help.body")),
        rx.el.div(
            rx.el.a(t("help.call"), href="tel:1022", class_name="cds-button"),
            rx.link(t("city.help.title"), href="/help/near", class_name="cds-button cds-button-outline"),
            rx.link(t("city.safety.title"), href="/safety", class_name="cds-button cds-button-outline"),
            rx.link(t("city.announce.title"), href="/announcements", class_name="cds-button cds-button-outline"),
            class_name="cds-actions",
        ),
    )
