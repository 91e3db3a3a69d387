"""Line 1's data files are checked at load: every problem names the file and the field (or CSV line)."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from citizen_app.metro import catalog
from citizen_app.metro.catalog import CatalogError


def _copy(tmp_path: Path) -> Path:
    shutil.copytree(catalog.DATA_DIR, tmp_path / "metro")
    return tmp_path / "metro"


def _edit_json(root: Path, change: Callable[[dict], object]) -> None:
    config = json.loads((root / "metro.json").read_text(encoding="utf-8"))
    change(config)
    (root / "metro.json").write_text(json.dumps(config, ensure_ascii=False), encoding="utf-8")


def _edit_line(root: Path, name: str, line: int, text: str) -> None:
    """Replace line ``line`` (1-based, the header is line 1) of a GTFS file."""
    path = root / "gtfs" / name
    lines = path.read_text(encoding="utf-8").splitlines()
    lines[line - 1] = text
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def _refused(root: Path) -> CatalogError:
    with pytest.raises(CatalogError) as info:
        catalog.load(root)
    return info.value


@pytest.mark.parametrize(("change", "where", "problem"), [
    (lambda c: c["rider_categories"].update(child={"code": 9}), "rider_categories.child",
     "not in gtfs/rider_categories.txt"),
    (lambda c: c["products"]["day_3"].update(code=2), "products.day_3.code", "duplicate code 2"),
    (lambda c: c["products"]["day_3"].update(code=256), "products.day_3.code", "less than or equal to 255"),
    (lambda c: c["products"]["day_3"].update(code=0), "products.day_3.code", "greater than 0"),
    (lambda c: c["products"]["day_3"].update(colour="red"), "products.day_3.colour", "unknown key"),
    (lambda c: c["products"]["day_3"].pop("name_en"), "products.day_3.name_en", "missing"),
    (lambda c: c["products"]["day_3"]["validity"].pop("days"), "products.day_3.validity.days", "missing"),
    (lambda c: c["products"]["day_3"].update(fare_product_id="day_7"), "products.day_3.fare_product_id",
     "has no price in gtfs/fare_products.txt"),
    (lambda c: c["rider_categories"]["student"].update(code=1), "rider_categories.student.code", "duplicate code 1"),
    (lambda c: c["free_ride_days"][0].update(to="2024-12-01"), "free_ride_days[0].to", "must not be before from"),
    (lambda c: c["free_ride_days"][0].update({"from": "22/12/2024"}), "free_ride_days[0].from", "ISO date"),
    (lambda c: c["concessions"][0].update(product="gold_pass"), "concessions[0].product", "unknown product"),
    (lambda c: c["journey_rules"].update(passback_minutes="20"), "journey_rules.passback_minutes", "whole number"),
    (lambda c: c["payment_media"].update(cashless="card"), "payment_media.cashless", "unknown fare medium"),
    (lambda c: c["line"].update(route_id="L2"), "line.route_id", "unknown route"),
    (lambda c: c["fare_table"]["fallback_rule"].update(per_km_k="one"), "fare_table.fallback_rule.per_km_k",
     "must be a number"),
])
def test_broken_metro_json_names_the_field(tmp_path, change, where, problem) -> None:
    root = _copy(tmp_path)
    _edit_json(root, change)
    error = _refused(root)
    assert (error.file, error.path) == ("metro/metro.json", where)
    assert problem in error.problem


@pytest.mark.parametrize(("name", "line", "text", "where", "problem"), [
    ("fare_products.txt", 2, "day_1,Vé 1 ngày,card,40000,VND,adult", "line 2.fare_media_id", "unknown fare medium"),
    ("fare_products.txt", 2, "day_1,Vé 1 ngày,app,40000,VND,child", "line 2.rider_category_id",
     "unknown rider category 'child'"),
    ("fare_products.txt", 2, "day_1,Vé 1 ngày,app,40000,USD,adult", "line 2.currency", "must be one of 'VND'"),
    ("fare_products.txt", 2, "day_1,Vé 1 ngày,app,400.5,VND,adult", "line 2.amount", "whole non-negative"),
    ("fare_products.txt", 2, "day_1,Vé 1 ngày,app,-1,VND,adult", "line 2.amount", "whole non-negative"),
    ("fare_products.txt", 2, "day_1,Vé 1 ngày,app,bốn mươi,VND,adult", "line 2.amount", "must be a number"),
    ("stop_times.txt", 3, "MON_THU_0,05:01:00,05:01:00,L1-99,2,0.7", "line 3.stop_id", "unknown stop 'L1-99'"),
    ("stop_times.txt", 3, "MON_THU_0,05:01:00,05:01:00,L1-02,2,", "line 3.shape_dist_traveled",
     "must be a number"),
    ("stop_areas.txt", 2, "L1-01,L1-99", "line 2.stop_id", "unknown stop 'L1-99'"),
    ("fare_leg_rules.txt", 2, "l1_fallback_estimate,hcmc_metro,L1-99,L1-02,single_07k", "line 2.from_area_id",
     "unknown area 'L1-99'"),
    ("fare_leg_rules.txt", 2, "l1_fallback_estimate,hcmc_metro,L1-01,L1-02,single_99k", "line 2.fare_product_id",
     "has no price"),
])
def test_broken_gtfs_row_names_file_and_line(tmp_path, name, line, text, where, problem) -> None:
    root = _copy(tmp_path)
    _edit_line(root, name, line, text)
    error = _refused(root)
    assert (error.file, error.path) == (f"metro/gtfs/{name}", where)
    assert problem in error.problem


def test_missing_pair_names_the_pair(tmp_path) -> None:
    root = _copy(tmp_path)
    legs = root / "gtfs" / "fare_leg_rules.txt"
    legs.write_text("\n".join(legs.read_text().splitlines()[:-1]) + "\n")
    error = _refused(root)
    assert (error.file, error.path) == ("metro/gtfs/fare_leg_rules.txt", "(root)")
    assert error.problem == "misses 1 station pairs, e.g. ('L1-14', 'L1-13')"


def test_a_line_needs_two_stations_and_its_prefix(tmp_path) -> None:
    root = _copy(tmp_path)
    stop_times = root / "gtfs" / "stop_times.txt"
    original = stop_times.read_text()
    stop_times.write_text("\n".join(original.splitlines()[:2]) + "\n")
    error = _refused(root)
    assert (error.file, error.path) == ("metro/gtfs/stop_times.txt", "(root)")
    assert "a line needs 2..250 stations, the first trip has 1" in error.problem
    stop_times.write_text(original)
    _edit_json(root, lambda c: c["line"].update(station_prefix="L2-"))
    error = _refused(root)
    assert (error.file, error.path) == ("metro/gtfs/stop_times.txt", "line 2.stop_id")
    assert "is not on the line" in error.problem


def test_missing_gtfs_file_and_broken_json_are_named(tmp_path) -> None:
    root = _copy(tmp_path)
    (root / "gtfs" / "areas.txt").unlink()
    error = _refused(root)
    assert (error.file, error.path, error.problem) == ("gtfs", "(folder)", "GTFS files missing: ['areas.txt']")
    shutil.copy(catalog.GTFS_DIR / "areas.txt", root / "gtfs" / "areas.txt")
    (root / "metro.json").write_text("{", encoding="utf-8")
    error = _refused(root)
    assert (error.file, error.path) == ("metro/metro.json", "line 1 column 2")


def test_fallback_fares_are_written_even_when_the_pairs_are_incomplete(tmp_path) -> None:
    root = _copy(tmp_path)
    legs = root / "gtfs" / "fare_leg_rules.txt"
    legs.write_text("\n".join(legs.read_text().splitlines()[:-5]) + "\n")
    catalog.write_fallback_fares(root)
    assert legs.read_text() == (catalog.GTFS_DIR / "fare_leg_rules.txt").read_text()
    assert catalog.load(root).stations == catalog.data().stations
