"""Line 1 data: stations, products and prices, loaded from ``data/metro/`` and validated at start-up.

GTFS (``data/metro/gtfs/``) is the single source of prices (GTFS-Fares v2: ``fare_products.txt`` priced per
fare medium, ``fare_leg_rules.txt`` per origin/destination area). ``data/metro/metro.json`` holds what GTFS
cannot say: product validity, rider-category codes, free-ride days, concessions and journey rules.
"""

from __future__ import annotations

import csv
import io
import zipfile
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from functools import lru_cache
from itertools import takewhile
from pathlib import Path
from typing import Annotated, Any, Literal, TypeVar

from pydantic import AfterValidator, BeforeValidator, ConfigDict, Field, model_validator

from citizen_app.core.catalog import (
    CatalogError,
    CatalogModel,
    IsoDate,
    Text,
    file_label,
    invalid,
    read_json,
    validate_catalog,
)
from citizen_app.core.config import ROOT

DATA_DIR = ROOT / "data" / "metro"
GTFS_DIR = DATA_DIR / "gtfs"
REQUIRED_GTFS = ("agency.txt", "stops.txt", "routes.txt", "trips.txt", "stop_times.txt", "calendar.txt",
                 "frequencies.txt", "feed_info.txt", "networks.txt", "route_networks.txt", "areas.txt",
                 "stop_areas.txt", "fare_media.txt", "rider_categories.txt", "fare_products.txt",
                 "fare_leg_rules.txt")
F = TypeVar("F", bound="LineFiles")


@dataclass(frozen=True)
class Station:
    code: str  # GTFS stop_id, e.g. "L1-01"
    index: int  # 1-based order along the line (compact id inside the QR)
    name_vi: str
    name_en: str
    km: Decimal  # shape_dist_traveled from the first station, approximate
    lat: Decimal = Decimal(0)  # stops.txt, approximate
    lon: Decimal = Decimal(0)


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
    route_id: str = ""  # the line's GTFS route
    operator_agency: str = ""  # agency code of the operator (its metro_operator staff run the line's back office)
    gtfs_agency_id: str = ""
    devices: dict[str, int] = field(default_factory=dict)  # gate_devices: enrolment, pull and timeout settings
    conflict_charges: dict[str, str] = field(default_factory=dict)  # offline conflict -> charge rule
    conflict_medium: str = "cashless"

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


# --- the files, as models ---------------------------------------------------------------------


def _decimal(value: Any) -> Decimal:
    try:
        number = Decimal(value) if isinstance(value, str) else None
    except InvalidOperation:
        number = None
    if number is None or not number.is_finite():
        raise ValueError(f"must be a number, not {value!r}")
    return number


def _whole_vnd(value: Any) -> int:
    amount = _decimal(value)
    if amount < 0 or amount != amount.to_integral_value():
        raise ValueError("VND amount must be a whole non-negative number")
    return int(amount)


def _number_text(value: str) -> str:
    _decimal(value)
    return value


def _whole_text(value: str) -> str:
    if not value.lstrip("-").isdigit():
        raise ValueError(f"must be a whole number, not {value!r}")
    return value


Km = Annotated[Decimal, BeforeValidator(_decimal)]
VndAmount = Annotated[int, BeforeValidator(_whole_vnd)]
NumberText = Annotated[str, AfterValidator(_number_text)]
WholeText = Annotated[str, AfterValidator(_whole_text)]
Byte = Annotated[int, Field(ge=0, le=255)]


class LineSpec(CatalogModel):
    route_id: Text
    network_id: Text
    station_prefix: Text
    source: str = ""


class FallbackRule(CatalogModel):
    formula: str
    base_k: NumberText
    free_km: NumberText
    per_km_k: NumberText
    min_k: WholeText
    max_k: WholeText
    cashless_discount_k: WholeText
    leg_group_id: Text
    cash_media_id: Text
    cashless_media_id: Text


class FareTable(CatalogModel):
    status: str
    estimate_leg_groups: list[str] = []
    note_vi: str = ""
    note_en: str = ""
    fallback_rule: FallbackRule


class PaymentMedia(CatalogModel):
    """GTFS ``fare_media_id`` of each way to pay."""

    cash: Text
    cashless: Text


class RiderCategory(CatalogModel):
    code: Byte


class Validity(CatalogModel):
    type: Literal["purchase_day", "calendar_days"]
    days: int | None = Field(None, gt=0)

    @model_validator(mode="after")
    def _days_when_counted(self) -> Validity:
        if self.type == "calendar_days" and self.days is None:
            raise invalid("missing", "days")
        return self


class ProductSpec(CatalogModel):
    code: Annotated[int, Field(gt=0, le=255)]  # one byte inside the QR
    kind: Literal["single", "pass"]
    validity: Validity
    name_vi: Text
    name_en: Text
    fare_product_id: str | None = None
    requires_claim: str | None = None
    only_on_free_days: bool = False


class FreeRideDay(CatalogModel):
    start: IsoDate = Field(alias="from")
    end: IsoDate = Field(alias="to")
    channels: list[str] = Field(min_length=1)
    label_vi: Text
    label_en: Text
    source: str = ""

    @model_validator(mode="after")
    def _in_order(self) -> FreeRideDay:
        if self.end < self.start:
            raise invalid("must not be before from", "to")
        return self


class Concession(CatalogModel):
    claim: Text
    rider_category: Text
    product: Text
    rule_vi: Text
    rule_en: Text


class JourneyRules(CatalogModel):
    max_journey_minutes: int = Field(gt=0)
    passback_minutes: int = Field(ge=0)
    proof_window_seconds: int = Field(gt=0)
    proof_refresh_seconds: int = Field(gt=0)
    denylist_max_age_online_seconds: int = Field(gt=0)
    denylist_max_age_offline_hours: int = Field(gt=0)
    unfinished_journey_rule_vi: Text
    unfinished_journey_rule_en: Text


class OperatorSpec(CatalogModel):
    agency: Text  # data/agencies.json code
    gtfs_agency_id: Text  # gtfs/agency.txt


class GateDevices(CatalogModel):
    enrolment_minutes: int = Field(gt=0, le=24 * 60)
    pull_seconds: int = Field(gt=0, le=3600)
    online_timeout_ms: int = Field(gt=0, le=60_000)


ChargeRule = Literal["max_single_fare", "ticket_price", "none"]


class OfflineConflicts(CatalogModel):
    charge_medium: Literal["cash", "cashless"]
    charges: dict[Literal["ticket_used", "passback", "revoked"], ChargeRule]


class MetroConfig(CatalogModel):
    """``metro.json``: what GTFS cannot say."""

    line: LineSpec
    fare_table: FareTable
    payment_media: PaymentMedia
    rider_categories: dict[str, RiderCategory]
    products: dict[str, ProductSpec]
    free_ride_days: list[FreeRideDay]
    concessions: list[Concession]
    journey_rules: JourneyRules
    operator: OperatorSpec
    gate_devices: GateDevices
    offline_conflicts: OfflineConflicts

    @model_validator(mode="after")
    def _references(self) -> MetroConfig:
        for place, codes in (("products", {k: v.code for k, v in self.products.items()}),
                             ("rider_categories", {k: v.code for k, v in self.rider_categories.items()})):
            seen: set[int] = set()
            for key, code in codes.items():
                if code in seen:
                    raise invalid(f"duplicate code {code} (codes must be unique bytes)", place, key, "code")
                seen.add(code)
        for index, concession in enumerate(self.concessions):
            if concession.rider_category not in self.rider_categories:
                raise invalid("unknown rider category", "concessions", index, "rider_category")
            if concession.product not in self.products:
                raise invalid("unknown product", "concessions", index, "product")
        return self


class GtfsRow(CatalogModel):
    """One CSV row: only the columns we read are declared; GTFS allows others."""

    model_config = ConfigDict(extra="ignore")


class RouteRow(GtfsRow):
    route_id: Text


class AgencyRow(GtfsRow):
    agency_id: Text


def _latitude(value: Any) -> Decimal:
    number = _decimal(value)
    if not -90 <= number <= 90:
        raise ValueError("latitude must be between -90 and 90")
    return number


def _longitude(value: Any) -> Decimal:
    number = _decimal(value)
    if not -180 <= number <= 180:
        raise ValueError("longitude must be between -180 and 180")
    return number


class StopRow(GtfsRow):
    stop_id: Text
    stop_name: Text
    tts_stop_name: str = ""
    stop_lat: Annotated[Decimal, BeforeValidator(_latitude)]
    stop_lon: Annotated[Decimal, BeforeValidator(_longitude)]


class StopTimeRow(GtfsRow):
    trip_id: Text
    stop_id: Text
    shape_dist_traveled: Km


class FareMediaRow(GtfsRow):
    fare_media_id: Text


class RiderCategoryRow(GtfsRow):
    rider_category_id: Text


class FareProductRow(GtfsRow):
    fare_product_id: Text
    fare_media_id: Text
    amount: VndAmount
    currency: Literal["VND"]
    rider_category_id: str = ""

    @property
    def category(self) -> str:
        return self.rider_category_id or "adult"


class StopAreaRow(GtfsRow):
    area_id: Text
    stop_id: Text


class FareLegRuleRow(GtfsRow):
    leg_group_id: str = ""
    from_area_id: Text
    to_area_id: Text
    fare_product_id: Text


STOP_TIMES, FARE_PRODUCTS, LEG_RULES = "gtfs/stop_times.txt", "gtfs/fare_products.txt", "gtfs/fare_leg_rules.txt"
Table = dict[str, Any]  # "line N" -> row: messages name the CSV line


class LineFiles(CatalogModel):
    """The line itself: ``metro.json`` and the stations of the first trip in ``stop_times.txt``."""

    config: MetroConfig = Field(alias="metro.json")
    routes: dict[str, RouteRow] = Field(alias="gtfs/routes.txt")
    stops: dict[str, StopRow] = Field(alias="gtfs/stops.txt")
    stop_times: dict[str, StopTimeRow] = Field(alias=STOP_TIMES)

    @model_validator(mode="after")
    def _line(self) -> LineFiles:
        if self.config.line.route_id not in {row.route_id for row in self.routes.values()}:
            raise invalid("unknown route (not in gtfs/routes.txt)", "metro.json", "line", "route_id")
        stops, prefix = {row.stop_id for row in self.stops.values()}, self.config.line.station_prefix
        trip = self._first_trip()
        for line, row in trip:
            if row.stop_id not in stops:
                raise invalid(f"unknown stop {row.stop_id!r}", STOP_TIMES, line, "stop_id")
            if not row.stop_id.startswith(prefix):
                raise invalid(f"stop {row.stop_id!r} is not on the line (ids start {prefix!r})", STOP_TIMES, line,
                              "stop_id")
        if not 2 <= len(trip) <= 250:
            raise invalid(f"a line needs 2..250 stations, the first trip has {len(trip)}", STOP_TIMES)
        return self

    def _first_trip(self) -> list[tuple[str, StopTimeRow]]:
        rows = list(self.stop_times.items())
        return list(takewhile(lambda item: item[1].trip_id == rows[0][1].trip_id, rows)) if rows else []

    def stations(self) -> tuple[Station, ...]:
        names = {row.stop_id: row for row in self.stops.values()}
        return tuple(Station(row.stop_id, index, names[row.stop_id].stop_name,
                             names[row.stop_id].tts_stop_name or names[row.stop_id].stop_name,
                             row.shape_dist_traveled, names[row.stop_id].stop_lat, names[row.stop_id].stop_lon)
                     for index, (_, row) in enumerate(self._first_trip(), start=1))


class MetroFiles(LineFiles):
    """Everything ``load`` reads, checked together: categories, media, prices and every station pair's fare."""

    agencies: dict[str, AgencyRow] = Field(alias="gtfs/agency.txt")
    fare_media: dict[str, FareMediaRow] = Field(alias="gtfs/fare_media.txt")
    rider_categories: dict[str, RiderCategoryRow] = Field(alias="gtfs/rider_categories.txt")
    fare_products: dict[str, FareProductRow] = Field(alias=FARE_PRODUCTS)
    stop_areas: dict[str, StopAreaRow] = Field(alias="gtfs/stop_areas.txt")
    fare_leg_rules: dict[str, FareLegRuleRow] = Field(alias=LEG_RULES)

    @model_validator(mode="after")
    def _fares(self) -> MetroFiles:
        if self.config.operator.gtfs_agency_id not in {row.agency_id for row in self.agencies.values()}:
            raise invalid("unknown agency (not in gtfs/agency.txt)", "metro.json", "operator", "gtfs_agency_id")
        categories = {row.rider_category_id for row in self.rider_categories.values()}
        for name in self.config.rider_categories:
            if name not in categories:
                raise invalid("not in gtfs/rider_categories.txt", "metro.json", "rider_categories", name)
        media = {row.fare_media_id for row in self.fare_media.values()}
        for way, medium in self.config.payment_media.model_dump().items():
            if medium not in media:
                raise invalid("unknown fare medium (not in gtfs/fare_media.txt)", "metro.json", "payment_media", way)
        for line, row in self.fare_products.items():
            if row.fare_media_id not in media:
                raise invalid("unknown fare medium", FARE_PRODUCTS, line, "fare_media_id")
            if row.category not in categories:
                raise invalid(f"unknown rider category {row.category!r}", FARE_PRODUCTS, line, "rider_category_id")
        priced = {row.fare_product_id for row in self.fare_products.values()}
        for pid, product in self.config.products.items():
            if product.fare_product_id and product.fare_product_id not in priced:
                raise invalid("has no price in gtfs/fare_products.txt", "metro.json", "products", pid,
                              "fare_product_id")
        self._check_legs(priced)
        return self

    def _check_legs(self, priced: set[str]) -> None:
        stops = {row.stop_id for row in self.stops.values()}
        for line, area in self.stop_areas.items():
            if area.stop_id not in stops:
                raise invalid(f"unknown stop {area.stop_id!r}", "gtfs/stop_areas.txt", line, "stop_id")
        stop_of = self.stop_of_area()
        for line, row in self.fare_leg_rules.items():
            for key in ("from_area_id", "to_area_id"):
                if getattr(row, key) not in stop_of:
                    raise invalid(f"unknown area {getattr(row, key)!r} (not in gtfs/stop_areas.txt)", LEG_RULES,
                                  line, key)
            if row.fare_product_id not in priced:
                raise invalid("has no price in gtfs/fare_products.txt", LEG_RULES, line, "fare_product_id")
        covered = {(stop_of[r.from_area_id], stop_of[r.to_area_id]) for r in self.fare_leg_rules.values()}
        stations = [s.code for s in self.stations()]
        missing = [(a, b) for a in stations for b in stations if a != b and (a, b) not in covered]
        if missing:
            raise invalid(f"misses {len(missing)} station pairs, e.g. {missing[0]}", LEG_RULES)

    def stop_of_area(self) -> dict[str, str]:
        return {row.area_id: row.stop_id for row in self.stop_areas.values()}

    def metro_data(self, raw_config: dict[str, Any]) -> MetroData:
        """The loaded line; product validity, concessions and journey rules stay the file's own dicts."""
        config, stop_of = self.config, self.stop_of_area()
        table = config.fare_table
        return MetroData(
            stations=self.stations(),
            products={pid: Product(id=pid, **spec) for pid, spec in raw_config["products"].items()},
            rider_categories={name: c.code for name, c in config.rider_categories.items()},
            prices={(r.fare_product_id, r.fare_media_id, r.category): r.amount for r in self.fare_products.values()},
            leg_rules={(stop_of[r.from_area_id], stop_of[r.to_area_id]): (r.fare_product_id, r.leg_group_id)
                       for r in self.fare_leg_rules.values()},
            media=config.payment_media.model_dump(), estimate_groups=frozenset(table.estimate_leg_groups),
            free_days=tuple(FreeDay(d.start, d.end, tuple(d.channels), d.label_vi, d.label_en, d.source)
                            for d in config.free_ride_days),
            concessions=tuple(raw_config["concessions"]), rules=dict(raw_config["journey_rules"]),
            fare_note={"vi": table.note_vi, "en": table.note_en, "status": table.status},
            route_id=config.line.route_id, operator_agency=config.operator.agency,
            gtfs_agency_id=config.operator.gtfs_agency_id,
            devices=config.gate_devices.model_dump(),
            conflict_charges=dict(config.offline_conflicts.charges),
            conflict_medium=config.offline_conflicts.charge_medium,
        )


def read_tables(data_dir: Path, model: type[CatalogModel]) -> dict[str, Any]:
    """The CSV files ``model`` declares (its ``.txt`` field aliases), read from ``data_dir``, rows keyed by line."""
    raw: dict[str, Any] = {}
    for info in model.model_fields.values():
        if info.alias and info.alias.endswith(".txt"):
            raw[info.alias] = {f"line {n}": row for n, row in enumerate(read_csv(data_dir / info.alias), start=2)}
    return raw


def _read(data_dir: Path, model: type[F]) -> tuple[F, dict[str, Any]]:
    """The files ``model`` declares, read from ``data_dir`` and validated together; and metro.json as read."""
    folder = file_label(data_dir)
    raw: dict[str, Any] = {"metro.json": read_json(data_dir / "metro.json", f"{folder}/metro.json"),
                           **read_tables(data_dir, model)}
    return validate_catalog(raw, model, folder, per_file=True), raw["metro.json"]


def load(data_dir: Path = DATA_DIR) -> MetroData:
    gtfs = data_dir / "gtfs"
    missing = [name for name in REQUIRED_GTFS if not (gtfs / name).exists()]
    if missing:
        raise CatalogError(file_label(gtfs), "(folder)", f"GTFS files missing: {missing}")
    files, config = _read(data_dir, MetroFiles)
    return files.metro_data(config)


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
    line, config = _read(data_dir, LineFiles)
    single_rows, legs = build_fallback_rows(config, line.stations())
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


FEED_INFO = "feed_info.txt"
REALTIME_ALERTS_COLUMN = "feed_realtime_alerts_url"  # not a GTFS field: GTFS allows extra columns, readers skip them


def _feed_info(path: Path, alerts_url: str) -> bytes:
    """``feed_info.txt`` with the link to the GTFS-Realtime alerts feed of this deployment (GTFS has no field for a
    realtime feed's address, so it is an extra column; the MobilityData validator reports it as an unknown column,
    a notice, not an error)."""
    rows = read_csv(path)
    header = [*rows[0].keys(), REALTIME_ALERTS_COLUMN] if rows else [REALTIME_ALERTS_COLUMN]
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, header, lineterminator="\n")
    writer.writeheader()
    writer.writerows({**row, REALTIME_ALERTS_COLUMN: alerts_url} for row in rows)
    return buffer.getvalue().encode("utf-8")


@lru_cache(maxsize=4)
def gtfs_zip_bytes(alerts_url: str) -> bytes:
    """The feed as served at ``/gtfs.zip`` (deterministic: sorted names, fixed timestamps); ``feed_info.txt`` links
    the GTFS-Realtime alerts feed at ``alerts_url``."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for path in sorted(GTFS_DIR.glob("*.txt")):
            info = zipfile.ZipInfo(path.name, date_time=(2025, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, _feed_info(path, alerts_url) if path.name == FEED_INFO else path.read_bytes())
    return buffer.getvalue()
