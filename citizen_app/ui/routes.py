"""Routes as data: the navigation, the page registry and the tests share these records."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class NavItem:
    path: str
    label_key: str
    icon: str


# The five destinations of the bottom bar (phones) and side bar (desktop), in order.
MAIN_NAV: tuple[NavItem, ...] = (
    NavItem("/", "nav.home", "house"),
    NavItem("/procedures", "nav.procedures", "file-text"),
    NavItem("/feedback", "nav.feedback", "megaphone"),
    NavItem("/metro", "nav.metro", "train-front"),
    NavItem("/wallet", "nav.wallet", "wallet"),
)

# Work places shown in the side bar to the roles that work there (after the main destinations).
STAFF_NAV: tuple[tuple[NavItem, str], ...] = (
    (NavItem("/procedures/backoffice", "nav.backoffice", "inbox"), "official"),
    (NavItem("/feedback/workbench", "nav.workbench", "clipboard-list"), "official"),
    (NavItem("/wallet/approvals", "nav.approvals", "badge-check"), "official"),
    (NavItem("/procedures/volunteer", "nav.volunteer", "hand-heart"), "volunteer"),
)


@dataclass
class PageSpec:
    path: str
    title_key: str
    render: Callable[[], Any]
    roles: tuple[str, ...] = ()
    on_load: list[Any] = field(default_factory=list)
    # Usable offline by the device's signed-in person (the shell keeps the body instead of the login prompt).
    offline: bool = False


PAGES: dict[str, PageSpec] = {}


def register(spec: PageSpec) -> None:
    if spec.path in PAGES:
        raise ValueError(f"route {spec.path} registered twice")
    PAGES[spec.path] = spec
