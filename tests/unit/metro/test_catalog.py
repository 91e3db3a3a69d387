from __future__ import annotations

import csv
import io
import json
import zipfile
from datetime import date
from decimal import Decimal

import pytest

from citizen_app.core.errors import DomainError
from citizen_app.metro import catalog, fares
from citizen_app.metro.catalog import build_fallback_rows, fallback_fares_k, read_csv

BEN_THANH_ROW = [7, 7, 7, 7, 7, 7, 9, 10, 12, 14, 16, 18, 20]  # reference §4.2, first row (cash, thousand VND)


def test_feed_loads_fourteen_stations_in_order() -> None:
    stations = catalog.data().stations
    assert [s.code for s in stations] == [f"L1-{i:02d}" for i in range(1, 15)]
    assert stations[0].name_vi == "Ga Bến Thành" and stations[-1].km == Decimal("19.1")


def test_fallback_rule_reproduces_ben_thanh_row_and_bounds() -> None:
    metro = catalog.data()
    cash = [catalog.single_fare(metro, "L1-01", s.code, "cash").amount_vnd // 1000 for s in metro.stations[1:]]
    assert cash == BEN_THANH_ROW
    for a in metro.stations:
        for b in metro.stations:
            if a != b:
                fare_cash = catalog.single_fare(metro, a.code, b.code, "cash")
                fare_app = catalog.single_fare(metro, a.code, b.code, "cashless")
                assert 7000 <= fare_cash.amount_vnd <= 20000
                assert fare_app.amount_vnd == fare_cash.amount_vnd - 1000
                assert fare_cash.is_estimate and fare_app.is_estimate


def test_round_half_up_not_bankers() -> None:
    rule = json.loads((catalog.DATA_DIR / "metro.json").read_text())["fare_table"]["fallback_rule"]
    assert fallback_fares_k(Decimal("13.0"), rule) == (14, 13)  # 13.5 rounds up
    assert fallback_fares_k(Decimal("0.7"), rule) == (7, 6)


def test_shipped_files_are_exactly_the_documented_rule() -> None:
    config = json.loads((catalog.DATA_DIR / "metro.json").read_text())
    products, legs = build_fallback_rows(config, catalog.data().stations)
    shipped_legs = [list(r.values()) for r in read_csv(catalog.GTFS_DIR / "fare_leg_rules.txt")]
    assert shipped_legs == legs
    shipped = [list(r.values()) for r in read_csv(catalog.GTFS_DIR / "fare_products.txt")
               if r["fare_product_id"].startswith("single_")]
    assert shipped == products


def test_official_table_drop_in_needs_no_code(tmp_path) -> None:
    import shutil

    shutil.copytree(catalog.DATA_DIR, tmp_path / "metro")
    legs = tmp_path / "metro" / "gtfs" / "fare_leg_rules.txt"
    legs.write_text(legs.read_text().replace("l1_fallback_estimate", "l1_official"))
    metro = catalog.load(tmp_path / "metro")
    assert not catalog.single_fare(metro, "L1-01", "L1-14", "cash").is_estimate


def test_missing_pair_is_refused_at_load(tmp_path) -> None:
    import shutil

    shutil.copytree(catalog.DATA_DIR, tmp_path / "metro")
    legs = tmp_path / "metro" / "gtfs" / "fare_leg_rules.txt"
    legs.write_text("\n".join(legs.read_text().splitlines()[:-1]) + "\n")
    with pytest.raises(catalog.CatalogError):
        catalog.load(tmp_path / "metro")


def test_pass_prices_come_from_gtfs() -> None:
    prices = {o.product_id: o.price_vnd for o in fares.list_products(today=date(2026, 3, 10))}
    assert prices == {"day_1": 40000, "day_3": 90000, "monthly": 300000, "student_monthly": 150000,
                      "senior_free": 0}


def test_free_day_product_only_on_free_days() -> None:
    assert "free_day" in {o.product_id for o in fares.list_products(today=date(2026, 2, 16))}
    assert fares.free_day_on(date(2025, 9, 2), "paper") is None
    assert fares.free_day_on(date(2025, 9, 2), "app") is not None


def test_quote_and_bad_stations() -> None:
    quote = fares.quote_single("L1-01", "L1-14")
    assert (quote.cash_vnd, quote.cashless_vnd, quote.is_estimate) == (20000, 19000, True)
    with pytest.raises(DomainError) as err:
        fares.quote_single("L1-01", "L2-03")
    assert err.value.code == "metro.error.station_unknown"
    with pytest.raises(DomainError):
        fares.quote_single("L1-01", "L1-01")


def test_gtfs_zip_contains_feed() -> None:
    archive = zipfile.ZipFile(io.BytesIO(catalog.gtfs_zip_bytes("https://example.test/gtfs-rt/alerts.pb")))
    names = set(archive.namelist())
    assert set(catalog.REQUIRED_GTFS) <= names
    assert b"L1-14" in archive.read("stops.txt")
    # feed_info.txt links the realtime alerts of this deployment (an extra column: GTFS has no field for it)
    feed_info = list(csv.DictReader(io.StringIO(archive.read("feed_info.txt").decode("utf-8"))))
    assert feed_info[0]["feed_realtime_alerts_url"] == "https://example.test/gtfs-rt/alerts.pb"
    assert feed_info[0]["feed_publisher_name"].startswith("Công dân số")


def test_the_fare_note_speaks_to_passengers() -> None:
    """The note next to every estimated price once told passengers to replace a data file; it must say only what
    concerns them (no file names, no code)."""
    note = catalog.data().fare_note
    for lang in ("vi", "en"):
        text = note[lang].lower()
        assert text and ".txt" not in text and "fare_leg" not in text
        assert not any(word in text for word in ("mã", "code", "json", "gtfs")), text
