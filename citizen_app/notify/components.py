"""The header bell: a link to the notification centre with the unread count.

Placed in the shell's header actions (``citizen_app/ui/layout.py``)::

    from citizen_app.notify.components import bell
    ...
    rx.el.div(<language chip>, <large text chip>, bell(), <account link>, class_name="cds-header-actions")

The count is loaded when the header mounts (every page load) and refreshed by the notification
centre after "mark read". The user comes from the server-side session, never from the browser.
"""

from __future__ import annotations

import reflex as rx

from citizen_app.core.db import session_scope
from citizen_app.i18n.state import t
from citizen_app.identity.service import lookup_session
from citizen_app.identity.state import AuthState, acting_user, cookie_value
from citizen_app.notify import service

BADGE_MAX = 99


async def current_user_id(state: rx.State) -> int | None:
    """The logged-in user: from AuthState, or from the session cookie if the page's on_load has not run yet."""
    user_id, _ = await acting_user(state)
    if user_id is not None:
        return user_id
    raw = cookie_value(state.router.headers.cookie)
    if not raw:
        return None
    with session_scope() as db:
        status, info = lookup_session(db, raw)
    return info.user_id if status == "ok" and info else None


class BellState(rx.State):
    unread: int = 0

    @rx.var
    def badge(self) -> str:
        return f"{BADGE_MAX}+" if self.unread > BADGE_MAX else str(self.unread)

    async def _refresh(self) -> None:
        user_id = await current_user_id(self)
        if user_id is None:
            self.unread = 0
            return
        with session_scope() as db:
            self.unread = service.unread_count(db, user_id)

    @rx.event
    async def load(self):
        await self._refresh()


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
