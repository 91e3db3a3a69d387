"""The board's data files are checked at start-up; every problem names the file and the field."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from citizen_app.feedback.catalog import DATA, CatalogError, build_catalog, load_catalog

FILES = ("feedback/categories.json", "feedback/states.json", "feedback/hcmc_area.json", "feedback/routing.json",
         "feedback/reply_templates.json", "feedback/open311.json", "agencies.json", "holidays/vn_holidays.json")


def _data_with(tmp_path: Path, name: str, change: Callable[[dict], object]) -> Path:
    root = tmp_path / "data"
    for file in FILES:
        (root / file).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(DATA / file, root / file)
    data = json.loads((root / name).read_text(encoding="utf-8"))
    change(data)
    (root / name).write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return root


def test_shipped_files_load() -> None:
    assert build_catalog() == load_catalog()
    assert load_catalog().initial_stage == "received"


CATS, STATES, ROUTING = "feedback/categories.json", "feedback/states.json", "feedback/routing.json"
ROAD = "categories[0]"  # road_damage, one singlevaluelist attribute "severity"


@pytest.mark.parametrize(("name", "change", "where", "problem"), [
    (CATS, lambda d: d["categories"][0]["attributes"][0].update(datatype="colour"),
     f"{ROAD}.attributes[0].datatype", "unknown value 'colour'"),
    (CATS, lambda d: d["categories"][0]["attributes"][0].update(values=[]),
     f"{ROAD}.attributes[0].values", "list attribute without values"),
    (CATS, lambda d: d["categories"][0]["attributes"].append(dict(d["categories"][0]["attributes"][0], order=2)),
     f"{ROAD}.attributes[1].code", "duplicate code 'severity'"),
    (CATS, lambda d: d["categories"][0]["attributes"].append(dict(d["categories"][0]["attributes"][0], code="x")),
     f"{ROAD}.attributes[1].order", "duplicate order 1"),
    (CATS, lambda d: d["categories"][0].update(open311_type="sometimes"), f"{ROAD}.open311_type", "must be one of"),
    (CATS, lambda d: d["categories"][0].update(agency="so-gtvt"), f"{ROAD}.agency", "unknown key"),  # routing.json
    (CATS, lambda d: d["categories"][0].update(deadline_working_days="5"), f"{ROAD}.deadline_working_days",
     "whole number"),
    (CATS, lambda d: d["categories"][1].update(code="road_damage"), "categories[1].code", "duplicate code"),
    (ROUTING, lambda d: d["rules"][0].update(agency="so-khong-co"), "rules[0].agency",
     "unknown agency 'so-khong-co' (not in agencies.json)"),
    (ROUTING, lambda d: d.update(intake="tt-khong-co"), "intake", "unknown agency 'tt-khong-co'"),
    (ROUTING, lambda d: d["rules"][0]["categories"].append("potholes"), "rules[0].categories[3]",
     "unknown category 'potholes'"),
    (ROUTING, lambda d: d["rules"][1].update(ward="Tân Định"), "rules[1].ward", "unknown ward 'Tân Định'"),
    (ROUTING, lambda d: d["rules"][0].update(road_class="highway"), "rules[0].road_class",
     "unknown road class 'highway'"),
    (ROUTING, lambda d: d["rules"][1].update(district="Quận 3"), "rules[1].district",
     "set ward or district, not both"),
    (ROUTING, lambda d: d["rules"].append({"categories": ["noise"], "ward": "phường Bàn Cờ", "agency": "ca-tphcm"}),
     "rules[4]", "never applies: rules[1] matches every report it would"),
    (ROUTING, lambda d: d["wards"].append({"name": "phường Bàn Cờ", "committee": "ubnd-ban-co"}), "wards[1].key",
     "duplicate key 'ban co'"),
    (ROUTING, lambda d: d["wards"][0].update(committee="ca-ban-co"), "wards[0].committee",
     "'ca-ban-co' is not the People's Committee of 'Bàn Cờ'"),
    (ROUTING, lambda d: d["teams"][0].update(agency="so-khong-co"), "teams[0].agency", "unknown agency"),
    (ROUTING, lambda d: d["road_classes"][0].update(match=[]), "road_classes[0].match", "must not be empty"),
    (STATES, lambda d: d["stages"][0].update(group="waiting"), "stages[0].group", "must be one of"),
    (STATES, lambda d: d["stages"][3].update(open311="closed"), "stages[3].open311",
     "must be open for a stage of the 'answered' group"),
    (STATES, lambda d: d["stages"][4].update(terminal=False), "stages[4].terminal",
     "must be true for a stage of the 'closed' group"),
    (STATES, lambda d: d["stages"][0]["actions"].append("fly"), "stages[0].actions[8]", "unknown value 'fly'"),
    (STATES, lambda d: d["stages"][0]["actions"].append("start_work"), "stages[0].actions[8]",
     "'start_work' moves a report to 'in_progress', which is not in next"),
    (STATES, lambda d: d.update(initial="awaiting_confirmation"), "initial", "not in the 'open' group"),
    (CATS, lambda d: d["categories"][0].update(name_en=""), f"{ROAD}.name_en", "must not be empty"),
    (STATES, lambda d: d["stages"][0].update(open311="pending"), "stages[0].open311", "must be one of"),
    (STATES, lambda d: d["stages"][0].update(next=["triaged", "lost"]), "stages[0].next[1]",
     "unknown next stage 'lost'"),
    (STATES, lambda d: d.update(initial="new"), "initial", "unknown stage 'new'"),
    (STATES, lambda d: d["outcomes"][0].pop("needs_after_photo"), "outcomes[0].needs_after_photo", "missing"),
    (STATES, lambda d: d["stages"][1].update(code="received"), "stages[1].code", "duplicate code"),
    ("feedback/reply_templates.json", lambda d: d["templates"][0].pop("en"), "templates[0].en", "missing"),
    ("feedback/hcmc_area.json", lambda d: d["polygons"][0].__setitem__(0, [106.36]), "polygons[0][0]",
     "at least 2 items"),
    ("feedback/open311.json", lambda d: d.update(max_requests=0), "max_requests", "greater than 0"),
    ("agencies.json", lambda d: d["agencies"][1].update(parent_code="ubnd-xyz"), "agencies[1].parent_code",
     "unknown agency 'ubnd-xyz'"),
    ("holidays/vn_holidays.json", lambda d: d["holidays"][0].update(date="01/01/2025"), "holidays[0].date",
     "ISO date"),
])
def test_broken_file_names_file_and_field(tmp_path, name, change, where, problem) -> None:
    root = _data_with(tmp_path, name, change)
    with pytest.raises(CatalogError) as info:
        build_catalog(root)
    label = "vn_holidays.json" if name.startswith("holidays/") else f"data/{name}"  # read by core.holidays
    assert (info.value.file, info.value.path) == (label, where)
    assert problem in info.value.problem


def test_unreadable_and_invalid_json_name_the_file(tmp_path) -> None:
    root = _data_with(tmp_path, STATES, lambda d: None)
    (root / STATES).write_text('{"initial": ', encoding="utf-8")
    with pytest.raises(CatalogError, match=r"^data/feedback/states.json: line 1 column 13: invalid JSON"):
        build_catalog(root)
    (root / STATES).unlink()
    with pytest.raises(CatalogError, match=r"^data/feedback/states.json: \(file\): cannot be read"):
        build_catalog(root)


def test_agencies_file_is_optional(tmp_path) -> None:
    root = _data_with(tmp_path, ROUTING, lambda d: d["rules"][0].update(agency="so-khong-co"))
    (root / "agencies.json").unlink()
    assert build_catalog(root).routing.route("road_damage", "Bàn Cờ", "1 Lê Lợi").agency == "so-khong-co"
