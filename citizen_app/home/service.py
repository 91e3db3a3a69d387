"""The home page's "your open items": each pillar may offer a ``summary.open_items`` provider."""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session

from citizen_app.core.registry import import_pillar_modules


@dataclass(frozen=True)
class OpenItem:
    """One open thing of the user's: a dossier, a report, a ticket…"""

    kind: str
    title: str
    status: str
    href: str


def open_items(db: Session, user_id: int, lang: str) -> list[OpenItem]:
    """Collect open items from every pillar module ``citizen_app.<pkg>.summary``."""
    items: list[OpenItem] = []
    for module in import_pillar_modules("summary"):
        items.extend(module.open_items(db, user_id, lang))
    return items
