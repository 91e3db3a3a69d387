"""The home page's "your open items": each pillar may offer a ``summary.open_items`` provider."""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session

from citizen_app.core.errors import Unauthenticated
from citizen_app.core.registry import import_pillar_modules
from citizen_app.i18n.catalog import LANGS
from citizen_app.identity.models import UserAccount


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


def offline_snapshot(db: Session, user_id: int | None) -> dict[str, object]:
    """What the installed app keeps to show its home offline (``assets/offline.js``, in the device store the
    logout clears): the person's name and open items in both languages, so the language switch works offline."""
    user = db.get(UserAccount, user_id) if user_id is not None else None
    if user is None or not user.is_active:
        raise Unauthenticated()
    items = {lang: [{"title": i.title, "status": i.status, "href": i.href} for i in open_items(db, user.id, lang)]
             for lang in LANGS}
    return {"name": user.full_name, "items": items}
