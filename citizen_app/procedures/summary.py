"""The home page's "your open items": the citizen's dossiers that are not finished."""

from __future__ import annotations

from sqlmodel import Session

from citizen_app.home.service import OpenItem
from citizen_app.procedures import service, statuses, views
from citizen_app.procedures.catalog import catalog

DONE = {statuses.REFUSED, statuses.WITHDRAWN, statuses.STOPPED, statuses.DELIVERED}


def open_items(db: Session, user_id: int, lang: str) -> list[OpenItem]:
    items = []
    procs = catalog()
    for dossier in service.list_my_dossiers(db, user_id):
        proc = procs.get(dossier.procedure_code)
        if dossier.status in DONE or proc is None:
            continue
        vi, en = views.status_text(dossier.status)
        items.append(OpenItem(kind="dossier", title=f"{proc.label(lang)} · {dossier.number}",
                              status=en if lang == "en" else vi, href=views.dossier_href(dossier)))
    return items
