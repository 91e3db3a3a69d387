"""Keep the per-event update small: Reflex sends every var a handler assigns, changed or not."""

from __future__ import annotations

from typing import Any

import reflex as rx


def set_changed(state: rx.State, **values: Any) -> None:  # any var type
    """Assign only the vars whose value differs from what the tab already has.

    Page loads re-read catalogues (stations, categories, agencies…) that rarely change; assigning them
    anyway re-serialises and re-sends kilobytes on every navigation.
    """
    for name, value in values.items():
        if getattr(state, name) != value:
            setattr(state, name, value)
