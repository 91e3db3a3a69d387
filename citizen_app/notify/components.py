"""The header bell: a link to the notification centre with the unread count.

Placed in the shell's header actions (``citizen_app/shell/layout.py``)::

    from citizen_app.notify.components import bell
    ...
    rx.el.div(<language chip>, <large text chip>, bell(), <account link>, class_name="cds-header-actions")

The count is loaded when the header mounts (every page load) and refreshed by the notification
centre after "mark read". The user comes from the server-side session, never from the browser.
"""

from __future__ import annotations

import reflex as rx

from citizen_app.i18n.state import t
from citizen_app.identity.state import AuthState
from citizen_app.notify.state import BellState


def bell() -> rx.Component:
    """Bell + unread count; the count is in the accessible name too (not only in the red dot)."""
    label = rx.cond(BellState.unread > 0,
                    t("notify.bell.label") + ", " + BellState.badge + " " + t("notify.bell.unread"),
                    t("notify.bell.label"))
    return rx.cond(
        AuthState.logged_in,
        rx.link(
            rx.icon("bell", size=20, aria_hidden="true"),
            rx.cond(
                BellState.unread > 0,
                rx.el.span(BellState.badge, id="bell-count", aria_hidden="true",
                           style={"position": "absolute", "top": "2px", "right": "0", "min_width": "20px",
                                  "height": "20px", "padding": "0 5px", "border_radius": "10px",
                                  "background": "#fff", "color": "var(--cds-red-dark)", "font_size": "0.75rem",
                                  "font_weight": "700", "line_height": "20px", "text_align": "center",
                                  "box_sizing": "border-box"}),
            ),
            href="/notifications",
            class_name="cds-chip",
            id="bell",
            aria_label=label,
            title=t("notify.bell.label"),
            style={"position": "relative", "padding": "0 10px"},
            on_mount=BellState.load,
        ),
    )
