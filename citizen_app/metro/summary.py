"""Home "your open items": the rider's usable metro tickets, each one tap from its QR screen."""

from __future__ import annotations

from sqlmodel import Session

from citizen_app.core.timeutil import format_datetime
from citizen_app.home.service import OpenItem
from citizen_app.i18n.catalog import translate
from citizen_app.metro.catalog import data
from citizen_app.metro.models import MetroTicket
from citizen_app.metro.tickets import list_my_tickets


def _route(ticket: MetroTicket, lang: str) -> str:
    metro = data()
    a, b = metro.station(ticket.origin or ""), metro.station(ticket.destination or "")
    if a is None or b is None:
        return ""
    return f" · {a.name_en if lang == 'en' else a.name_vi} → {b.name_en if lang == 'en' else b.name_vi}"


def open_items(db: Session, user_id: int, lang: str) -> list[OpenItem]:
    items = []
    for ticket in list_my_tickets(db, user_id)[:5]:
        product = data().products[ticket.product_id]
        title = (product.name_en if lang == "en" else product.name_vi) + _route(ticket, lang)
        until = format_datetime(ticket.valid_until) if ticket.valid_until else ""
        status = f"{translate('metro.valid_until', lang)} {until}"
        items.append(OpenItem("metro_ticket", title, status, f"/metro/ticket/?id={ticket.id}"))
    return items
