"""The one way every page shows an order's state (payments, metro, procedures, reconciliation): a badge with
icon and words (never colour alone), why it is so, and what it means for the payer. Rows come from
``views.order_row`` / ``views.state_words``."""

from __future__ import annotations

import reflex as rx

from citizen_app.i18n.state import LangState, t
from citizen_app.payments.models import OrderStatus

STATUS_ICONS = {"pending": "clock", "paid": "circle-check", "failed": "circle-x", "cancelled": "ban",
                "expired": "timer-off", "partially_refunded": "undo-2", "refunded": "undo-2"}
STATUS_COLORS = {"pending": "amber", "paid": "green", "failed": "red", "cancelled": "gray", "expired": "gray",
                 "partially_refunded": "blue", "refunded": "blue"}


def by_lang(row: rx.Var, field: str) -> rx.Var:
    """The reader's language of a ``{field}_vi`` / ``{field}_en`` pair."""
    return rx.cond(LangState.lang == "en", row[f"{field}_en"], row[f"{field}_vi"])


def status_badge(status: rx.Var) -> rx.Component:
    """Icon + text (never colour alone)."""
    cases = [(s.value, rx.badge(rx.icon(STATUS_ICONS[s.value], size=16, aria_hidden="true"),
                                t(f"payments.status.{s.value}"), color_scheme=STATUS_COLORS[s.value], size="2",
                                class_name="pay-status", data_status=s.value))
             for s in OrderStatus]
    return rx.match(status, *cases, rx.badge(status))


def status_note(row: rx.Var, **props: object) -> rx.Component:
    """Why the order is in its state and what that means ("Replaced by a new order… Nothing was charged.")."""
    return rx.el.p(
        rx.cond(row["reason_vi"] != "", rx.el.span(by_lang(row, "reason"), " ")),
        by_lang(row, "hint"),
        rx.cond(row["flagged"] != "", rx.el.span(" ", by_lang(row, "flag"))),
        class_name="cds-hint", **props,
    )
