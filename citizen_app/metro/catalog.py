"""Line 1 data: stations, products and prices, loaded from ``data/metro/`` and validated at start-up.

GTFS (``data/metro/gtfs/``) is the single source of prices (GTFS-Fares v2: ``fare_products.txt`` priced per
fare medium, ``fare_leg_rules.txt`` per origin/destination area). ``data/metro/metro.json`` holds what GTFS
cannot say: product validity, rider-category codes, free-ride days, concessions and journey rules.
"""

from __future__ import annotations

import csv
import io
import json
import zipfile
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from functools import lru_cache
from pathlib import Path
from typing import Any

from citizen_app.core.config import ROOT

DATA_DIR = ROOT / "data" / "metro"
GTFS_DIR = DATA_DIR / "gtfs"
REQUIRED_GTFS = ("agency.txt", "stops.txt", "routes.txt", "trips.txt", "stop_times.txt", "calendar.txt",
                 "frequencies.txt", "feed_info.txt", "networks.txt", "route_networks.txt", "areas.txt",
                 "stop_areas.txt", "fare_media.txt", "rider_categories.txt", "fare_products.txt",
                 "fare_leg_rules.txt")


class CatalogError(ValueError):
    """The data files are inconsistent; raised at start-up, never to riders."""


@dataclass(frozen=True)
class Station:
    code: str  # GTFS stop_id, e.g. "L1-01"
    index: int  # 1-based order along the line (compact id inside the QR)
    name_vi: str
    name_en: str
    km: Decimal  # shape_dist_traveled from the first station, approximate


@dataclass(frozen=True)
class Product:
    id: str
    code: int
    kind: str  # "single" or "pass"
    validity: dict[str, Any]
    name_vi: str
    name_en: str
    fare_product_id: str | None = None
    requires_claim: str | None = None
    only_on_free_days: bool = False


@dataclass(frozen=True)
class Fare:
    fare_product_id: str
    amount_vnd: int
    medium: str  # "cash" or "cashless"
    is_estimate: bool


@dataclass(frozen=True)
class FreeDay:
    start: date
    end: date
    channels: tuple[str, ...]
    label_vi: str
    label_en: str
    source: str


@dataclass(frozen=True)
class MetroData:
    stations: tuple[Station, ...]
    products: dict[str, Product]
    rider_categories: dict[str, int]
    prices: dict[tuple[str, str, str], int]  # (fare_product_id, fare_media_id, rider_category_id) -> VND
    leg_rules: dict[tuple[str, str], tuple[str, str]]  # (from, to) -> (fare_product_id, leg_group_id)
    media: dict[str, str]  # "cash"/"cashless" -> fare_media_id
    estimate_groups: frozenset[str]
    free_days: tuple[FreeDay, ...]
    concessions: tuple[dict[str, str], ...]
    rules: dict[str, Any]
    fare_note: dict[str, str] = field(default_factory=dict)

    def station(self, code: str) -> Station | None:
        return next((s for s in self.stations if s.code == code), None)

    def station_by_index(self, index: int) -> Station | None:
        return self.stations[index - 1] if 1 <= index <= len(self.stations) else None

    def product_by_code(self, code: int) -> Product | None:
        return next((p for p in self.products.values() if p.code == code), None)

    def category_by_code(self, code: int) -> str | None:
        return next((name for name, c in self.rider_categories.items() if c == code), None)


def read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return [{k.strip(): (v or "").strip() for k, v in row.items()} for row in csv.DictReader(handle)]


def round_half_up(value: Decimal) -> int:
    return int(value.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def fallback_fares_k(km: Decimal, rule: dict[str, str]) -> tuple[int, int]:
    """The documented fallback rule (reference §4.1), in thousand VND: (cash, cashless). An ESTIMATE."""
    raw = Decimal(rule["base_k"]) + Decimal(rule["per_km_k"]) * (km - Decimal(rule["free_km"]))
    cash = min(max(round_half_up(raw), int(rule["min_k"])), int(rule["max_k"]))
    return cash, cash - int(rule["cashless_discount_k"])


def _load_stations(gtfs: Path, prefix: str) -> tuple[Station, ...]:
    names = {row["stop_id"]: row for row in read_csv(gtfs / "stops.txt")}
    first_trip: str | None = None
    stations: list[Station] = []
    for row in read_csv(gtfs / "stop_times.txt"):
        first_trip = first_trip or row["trip_id"]
        if row["trip_id"] != first_trip:
            break
        stop = names.get(row["stop_id"])
        if stop is None or not row["stop_id"].startswith(prefix):
            raise CatalogError(f"stop_times references unknown stop {row['stop_id']}")
        stations.append(Station(row["stop_id"], len(stations) + 1, stop["stop_name"],
                                stop.get("tts_stop_name") or stop["stop_name"], Decimal(row["shape_dist_traveled"])))
    if len(stations) < 2 or len(stations) > 250:
        raise CatalogError("a line needs 2..250 stations")
    return tuple(stations)


def _load_prices(gtfs: Path, categories: set[str]) -> dict[tuple[str, str, str], int]:
    media = {row["fare_media_id"] for row in read_csv(gtfs / "fare_media.txt")}
    prices: dict[tuple[str, str, str], int] = {}
    for row in read_csv(gtfs / "fare_products.txt"):
        category = row.get("rider_category_id") or "adult"
        if row["fare_media_id"] not in media or category not in categories or row["currency"] != "VND":
            raise CatalogError(f"fare_products row invalid: {row}")
        amount = Decimal(row["amount"])
        if amount < 0 or amount != amount.to_integral_value():
            raise CatalogError(f"VND amount must be a whole non-negative number: {row}")
        prices[(row["fare_product_id"], row["fare_media_id"], category)] = int(amount)
    return prices


def _load_leg_rules(gtfs: Path, stations: tuple[Station, ...], products: set[str]) -> dict:
    areas = {row["stop_id"]: row["area_id"] for row in read_csv(gtfs / "stop_areas.txt")}
    area_to_stop = {area: stop for stop, area in areas.items()}
    rules: dict[tuple[str, str], tuple[str, str]] = {}
    for row in read_csv(gtfs / "fare_leg_rules.txt"):
        origin, dest = area_to_stop.get(row["from_area_id"]), area_to_stop.get(row["to_area_id"])
        if origin is None or dest is None or row["fare_product_id"] not in products:
            raise CatalogError(f"fare_leg_rules row invalid: {row}")
        rules[(origin, dest)] = (row["fare_product_id"], row.get("leg_group_id", ""))
    missing = [(a.code, b.code) for a in stations for b in stations if a != b and (a.code, b.code) not in rules]
    if missing:
        raise CatalogError(f"fare_leg_rules misses {len(missing)} station pairs, e.g. {missing[0]}")
    return rules


def _load_products(config: dict) -> dict[str, Product]:
    products = {pid: Product(id=pid, **spec) for pid, spec in config["products"].items()}
    codes = [p.code for p in products.values()]
    if len(set(codes)) != len(codes) or not all(0 < c < 256 for c in codes):
        raise CatalogError("product codes must be unique bytes")
    return products


def _load_free_days(config: dict) -> tuple[FreeDay, ...]:
    return tuple(FreeDay(date.fromisoformat(d["from"]), date.fromisoformat(d["to"]), tuple(d["channels"]),
                         d["label_vi"], d["label_en"], d.get("source", "")) for d in config["free_ride_days"])


def load(data_dir: Path = DATA_DIR) -> MetroData:
    gtfs = data_dir / "gtfs"
    missing = [name for name in REQUIRED_GTFS if not (gtfs / name).exists()]
    if missing:
        raise CatalogError(f"GTFS files missing: {missing}")
    config = json.loads((data_dir / "metro.json").read_text(encoding="utf-8"))
    categories = {row["rider_category_id"] for row in read_csv(gtfs / "rider_categories.txt")}
    if set(config["rider_categories"]) - categories:
        raise CatalogError("metro.json names a rider category not in rider_categories.txt")
    stations = _load_stations(gtfs, config["line"]["station_prefix"])
    prices = _load_prices(gtfs, categories)
    products = _load_products(config)
    for product in products.values():
        if product.fare_product_id and not any(k[0] == product.fare_product_id for k in prices):
            raise CatalogError(f"product {product.id} has no price in fare_products.txt")
    media = dict(config["payment_media"])
    table = config["fare_table"]
    return MetroData(
        stations=stations, products=products,
        rider_categories={k: int(v["code"]) for k, v in config["rider_categories"].items()},
        prices=prices, leg_rules=_load_leg_rules(gtfs, stations, {k[0] for k in prices}), media=media,
        estimate_groups=frozenset(table.get("estimate_leg_groups", [])), free_days=_load_free_days(config),
        concessions=tuple(config["concessions"]), rules=dict(config["journey_rules"]),
        fare_note={"vi": table.get("note_vi", ""), "en": table.get("note_en", ""), "status": table.get("status", "")},
    )


@lru_cache(maxsize=1)
def data() -> MetroData:
    """The validated catalog (loaded once per process)."""
    return load()


def single_fare(metro: MetroData, origin: str, destination: str, medium: str, category: str = "adult") -> Fare:
    """Price of a single journey between two stations for a payment medium ("cash" or "cashless")."""
    fare_product_id, group = metro.leg_rules[(origin, destination)]
    amount = metro.prices[(fare_product_id, metro.media[medium], category)]
    return Fare(fare_product_id, amount, medium, group in metro.estimate_groups)


def product_fare(metro: MetroData, product: Product, medium: str = "cashless") -> Fare:
    media_id = metro.media[medium]
    for (pid, mid, _category), amount in metro.prices.items():
        if pid == product.fare_product_id and mid == media_id:
            return Fare(pid, amount, medium, False)
    raise KeyError(product.id)


def build_fallback_rows(metro_json: dict, stations: tuple[Station, ...]) -> tuple[list[list[str]], list[list[str]]]:
    """Rows for fare_products.txt (single bands) and fare_leg_rules.txt generated by the fallback rule."""
    rule = metro_json["fare_table"]["fallback_rule"]
    bands: dict[int, int] = {}
    legs: list[list[str]] = []
    for a in stations:
        for b in stations:
            if a == b:
                continue
            cash, cashless = fallback_fares_k(abs(a.km - b.km), rule)
            bands[cash] = cashless
            legs.append([rule["leg_group_id"], metro_json["line"]["network_id"], a.code, b.code, f"single_{cash:02d}k"])
    products: list[list[str]] = []
    for cash, cashless in sorted(bands.items()):
        name = f"Vé lượt {cash}k (ước tính) / Single journey {cash}k (estimate)"
        products.append([f"single_{cash:02d}k", name, rule["cash_media_id"], str(cash * 1000), "VND", "adult"])
        products.append([f"single_{cash:02d}k", name, rule["cashless_media_id"], str(cashless * 1000), "VND", "adult"])
    return products, legs


def write_fallback_fares(data_dir: Path = DATA_DIR) -> None:
    """(Re)write the estimate rows. Keeps every non-single product row; replaces fare_leg_rules.txt."""
    gtfs = data_dir / "gtfs"
    config = json.loads((data_dir / "metro.json").read_text(encoding="utf-8"))
    stations = _load_stations(gtfs, config["line"]["station_prefix"])
    single_rows, legs = build_fallback_rows(config, stations)
    header = ["fare_product_id", "fare_product_name", "fare_media_id", "amount", "currency", "rider_category_id"]
    kept = [[r[h] for h in header] for r in read_csv(gtfs / "fare_products.txt")
            if not r["fare_product_id"].startswith("single_")]
    _write_csv(gtfs / "fare_products.txt", header, kept + single_rows)
    _write_csv(gtfs / "fare_leg_rules.txt", ["leg_group_id", "network_id", "from_area_id", "to_area_id",
                                             "fare_product_id"], legs)


def _write_csv(path: Path, header: list[str], rows: list[list[str]]) -> None:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(header)
        writer.writerows(rows)


@lru_cache(maxsize=1)
def gtfs_zip_bytes() -> bytes:
    """The feed as served at ``/gtfs.zip`` (deterministic: sorted names, fixed timestamps)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for path in sorted(GTFS_DIR.glob("*.txt")):
            info = zipfile.ZipInfo(path.name, date_time=(2025, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, path.read_bytes())
    return buffer.getvalue()
