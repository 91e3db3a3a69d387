"""What a ride costs, for the pages and the fare API: the stations, a single journey's quote, the passes on
offer today and the free-ride days. Prices come from the GTFS feed (``catalog.py``)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from citizen_app.core.errors import DomainError
from citizen_app.core.timeutil import to_local, utcnow
from citizen_app.metro.catalog import FreeDay, MetroData, Station, data, product_fare, single_fare


@dataclass(frozen=True)
class Quote:
    origin: str
    destination: str
    cash_vnd: int
    cashless_vnd: int
    is_estimate: bool


@dataclass(frozen=True)
class ProductOffer:
    product_id: str
    name_vi: str
    name_en: str
    price_vnd: int
    requires_claim: str | None
    eligible: bool


def list_stations() -> tuple[Station, ...]:
    return data().stations


def station_or_error(metro: MetroData, code: str | None) -> Station:
    station = metro.station(code or "")
    if station is None:
        raise DomainError("metro.error.station_unknown")
    return station


def quote_single(origin: str, destination: str) -> Quote:
    metro = data()
    a, b = station_or_error(metro, origin), station_or_error(metro, destination)
    if a == b:
        raise DomainError("metro.error.same_station")
    cash, cashless = single_fare(metro, a.code, b.code, "cash"), single_fare(metro, a.code, b.code, "cashless")
    return Quote(a.code, b.code, cash.amount_vnd, cashless.amount_vnd, cash.is_estimate or cashless.is_estimate)


def free_day_on(day: date, channel: str = "app") -> FreeDay | None:
    """The free-ride rule covering ``day`` (Vietnam date) for a channel, if any."""
    return next((f for f in data().free_days if f.start <= day <= f.end and channel in f.channels), None)


def list_products(claims: dict[str, bool] | None = None, today: date | None = None) -> list[ProductOffer]:
    """Passes offered in the app (single journeys are quoted per station pair)."""
    metro, claims = data(), claims or {}
    today = today or to_local(utcnow()).date()
    offers = []
    for product in metro.products.values():
        if product.kind != "pass" or (product.only_on_free_days and free_day_on(today) is None):
            continue
        eligible = product.requires_claim is None or claims.get(product.requires_claim) is True
        offers.append(ProductOffer(product.id, product.name_vi, product.name_en,
                                   product_fare(metro, product).amount_vnd, product.requires_claim, eligible))
    return offers
