"""The app without a connection: the banner that replaces Reflex's connection toast, and the markers the
offline shell (``assets/offline.js``) fills from what the device keeps for the signed-in person.

Reflex's default overlay (``App.app_wraps[(5, "Overlay")]``) shows an English developer toast ("Cannot
connect to server: websocket error… Check if server is reachable at …") and a pulsing red icon. The app
replaces that wrap with ``connection_overlay``: one slim status line in both languages, shown after two
failed connection attempts as Reflex's toast was. The language is picked by CSS from ``<html lang>``
(``shell.js`` sets it before the app runs), because the language state cannot load from the server offline.

CSS classes used across the shell (``assets/shell.css``):
- ``cds-when-online``: hidden while the device shows its signed-in person offline (``html.cds-offline-user``);
- ``cds-when-offline-user``: shown only then.
"""

from __future__ import annotations

import reflex as rx
from reflex.components.core.banner import has_too_many_connection_errors

from citizen_app.i18n.catalog import catalog

BANNER_ID = "cds-offline-banner"


def both_languages(key: str) -> list[rx.Component]:
    """The two texts of ``key`` as spans; CSS shows the one of the page's language (works without state)."""
    texts = catalog()[key]
    return [rx.el.span(texts["vi"], lang="vi", class_name="cds-lang-vi"),
            rx.el.span(texts["en"], lang="en", class_name="cds-lang-en")]


def offline_banner() -> rx.Component:
    return rx.cond(
        has_too_many_connection_errors,
        rx.el.div(
            rx.icon("wifi-off", size=18, aria_hidden="true"),
            rx.el.p(*both_languages("shell.offline_banner")),
            id=BANNER_ID,
            role="status",
            class_name="cds-offline-banner",
        ),
    )


def connection_overlay(stateful: bool) -> rx.Component | None:
    """The app wrap that replaces Reflex's connection toaster and pulser (``App.app_wraps``)."""
    if not stateful:
        return None
    return rx.fragment(rx.memo(offline_banner)())


def install_connection_overlay(app: rx.App) -> None:
    app.app_wraps[(5, "Overlay")] = connection_overlay
