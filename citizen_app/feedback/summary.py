"""The home page's "your open items": the citizen's reports that are still open."""

from __future__ import annotations

from sqlmodel import Session

from citizen_app.feedback import service, views
from citizen_app.home.service import OpenItem


def open_items(db: Session, user_id: int, lang: str) -> list[OpenItem]:
    items = []
    for report in service.my_reports(db, user_id)[:20]:
        if not report.is_open:
            continue
        vi, en = views.stage_pair(report.stage)
        items.append(
            OpenItem(
                kind="feedback",
                title=f"#{report.id} {report.public_title}",
                status=en if lang == "en" else vi,
                href=views.report_href(report.id),
            )
        )
    return items
