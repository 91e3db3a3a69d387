"""The current page's parameters (query string and dynamic route segments) for state handlers.

``State.router.page`` is deprecated in Reflex 0.10 and every read of it runs the deprecation machinery
(a walk over the call stack with path resolution), a measurable cost on each page load under load.
The same data lives in the state's ``rx_router_page`` field, which Reflex's own dynamic route vars read.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import reflex as rx


def page_params(state: rx.State) -> Mapping[str, Any]:
    return state.rx_router_page.params


def param(state: rx.State, name: str) -> str:
    """One parameter as text ('' when absent; the first value of a repeated one)."""
    value = page_params(state).get(name, "")
    return str(value[0] if isinstance(value, list) and value else value or "")


def int_param(state: rx.State, name: str, max_digits: int = 9) -> int:
    """A non-negative integer parameter (0 when absent, not a number, or past what an INTEGER column holds)."""
    text = param(state, name)
    return int(text) if text.isdigit() and len(text) <= max_digits else 0
