from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from citizen_app.core.catalog import file_label, load_file
from citizen_app.procedures.catalog import (
    AGENCY_KINDS_FILE,
    CATALOG_DIR,
    STATUS_FILE,
    AgencyKindsFile,
    CatalogError,
    load_catalog,
    validate_procedure,
)
from citizen_app.procedures.statuses import parse_table


def test_real_catalog_loads_with_required_procedures():
    procs = load_catalog()
    assert {"tam_tru", "tam_tru_danh_sach", "thuong_tru", "khai_sinh", "xac_nhan_hon_nhan",
            "chung_thuc_ban_sao", "tro_cap_huu_tri_xa_hoi"} <= set(procs)
    for proc in procs.values():
        assert proc.source_url.startswith("https://") and proc.last_verified_at
        assert proc.fees["text_vi"] and proc.fees["source"].startswith("https://")
    assert procs["tam_tru_danh_sach"].fees["online"] == {"amount": 5000, "per": "person", "group": "tenants"}


def _copy_with(tmp_path: Path, mutate) -> Path:
    data = json.loads((CATALOG_DIR / "tam_tru.json").read_text(encoding="utf-8"))
    mutate(data)
    (tmp_path / "broken.json").write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return tmp_path


@pytest.mark.parametrize(("mutate", "path", "problem"), [
    (lambda d: d["form"]["pages"][1]["fields"][0]["label"].pop("en"),
     "form.pages[1].fields[0].label.en", "missing translation"),
    (lambda d: d["form"]["pages"][1]["fields"][0].update(type="colour"), "form.pages[1].fields[0].type", "unknown"),
    (lambda d: d["attachments"][1].update(when={"field": "nope", "equals": True}), "attachments[1].when.field",
     "unknown field"),
    (lambda d: d["processing_time"].update(unit="weeks"), "processing_time.unit", "must be one of"),
    (lambda d: d.pop("source_url"), "source_url", "missing"),
    (lambda d: d["fees"]["online"].update(per="person", group="nobody"), "fees.online.group", "repeatable group"),
])
def test_broken_schema_names_file_and_field(tmp_path, mutate, path, problem):
    folder = _copy_with(tmp_path, mutate)
    with pytest.raises(CatalogError) as info:
        load_catalog(folder)
    assert info.value.file == "broken.json" and info.value.path == path
    assert problem in info.value.problem
    assert str(info.value).startswith("broken.json: ")


def test_invalid_json_and_duplicates_are_reported(tmp_path):
    (tmp_path / "bad.json").write_text("{ nope", encoding="utf-8")
    with pytest.raises(CatalogError, match="bad.json: line 1"):
        load_catalog(tmp_path)
    (tmp_path / "bad.json").unlink()
    shutil.copy(CATALOG_DIR / "tam_tru.json", tmp_path / "a.json")
    shutil.copy(CATALOG_DIR / "tam_tru.json", tmp_path / "b.json")
    with pytest.raises(CatalogError, match="duplicate procedure code"):
        load_catalog(tmp_path)


def test_adding_a_procedure_is_adding_a_file(tmp_path):
    shutil.copy(CATALOG_DIR / "tam_tru.json", tmp_path / "tam_tru.json")
    data = json.loads((CATALOG_DIR / "tam_tru.json").read_text(encoding="utf-8"))
    data["code"] = "tam_tru_copy"
    (tmp_path / "new.json").write_text(json.dumps(data), encoding="utf-8")
    assert set(load_catalog(tmp_path)) == {"tam_tru", "tam_tru_copy"}


def _set(path: str, value):
    """A mutation setting ``a.b[1].c`` (dots and indexes) to ``value``; ``...`` deletes the key."""
    def mutate(data: dict) -> None:
        parts = [int(p) if p.isdigit() else p for p in path.replace("[", ".").replace("]", "").split(".")]
        target = data
        for part in parts[:-1]:
            target = target[part]
        if value is ...:
            del target[parts[-1]]
        else:
            target[parts[-1]] = value
    return mutate


def _broken_copy(tmp_path: Path, source: str, mutate) -> Path:
    data = json.loads((CATALOG_DIR / source).read_text(encoding="utf-8"))
    mutate(data)
    (tmp_path / "broken.json").write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return tmp_path


GROUP = "form.pages[4].fields[0]"  # tam_tru's household members
HEAD_NAME = "form.pages[2].fields[1]"  # shown when the declarant is not the household head


@pytest.mark.parametrize(("path", "value", "problem"), [
    ("code", "Tam Tru", "must be snake_case"),
    ("national_code", 1004194, "must be text"),
    ("name.vi", " ", "missing translation"),
    ("agency_kind", "city", "must be one of"),
    ("level", "full", "must be one of"),
    ("processing_time.value", "3", "whole number"),
    ("processing_time.cutoff_15h", "yes", "true or false"),
    ("processing_time.pause_mode", "stop", "must be one of"),
    ("legal_basis", "Luật Cư trú", "must be a list"),
    ("last_verified_at", "26/11/2026", "ISO date"),
    ("form.pages", [], "must not be empty"),
    ("form.pages[0].title", ..., "missing"),
    ("form.pages[1].fields[0].id", "Full Name", "must be snake_case"),
    ("form.pages[1].fields[0].requried", True, "unknown key"),
    ("form.pages[1].fields[0].pattern", "([", "invalid regular expression"),
    ("form.pages[1].fields[2].options", ..., "missing"),
    ("form.pages[1].fields[2].options", [], "must not be empty"),
    ("form.pages[1].fields[2].options[0].value", 1, "must be text"),
    ("form.pages[0].fields[0].agency_kind", ..., "missing"),
    (f"{GROUP}.min_items", ..., "missing"),
    (f"{GROUP}.item_label", ..., "missing"),
    (f"{GROUP}.fields[0].type", "group", "groups cannot be nested"),
    (f"{HEAD_NAME}.when", {"field": "is_household_head"}, "needs one of equals / in / filled"),
    ("attachments[0].required", "yes", "true or false"),
    ("attachments[0].accept", ..., "missing"),
    ("attachments[0].max_bytes", 0, "greater than 0"),
    ("fees.pay_at", "later", "must be one of"),
    ("fees.text_vi", ..., "missing"),
    ("fees.online.per", "month", "must be one of"),
    ("fees.online.amount", -1, "must not be negative"),
    ("fees.online", {"per": "page", "pages_field": "stay_months", "copies_field": "stay_months",
                     "cap_per_copy": 1}, "missing"),
    ("fees.exemptions[0].source", ..., "missing"),
    ("result.title", ..., "missing"),
])
def test_every_field_rule_names_file_and_field(tmp_path, path, value, problem):
    with pytest.raises(CatalogError) as info:
        load_catalog(_broken_copy(tmp_path, "tam_tru.json", _set(path, value)))
    where = f"{path}.tiers" if path == "fees.online" else path
    assert (info.value.file, info.value.path) == ("broken.json", where)
    assert problem in info.value.problem


@pytest.mark.parametrize(("path", "value", "where", "problem"), [
    ("form.pages[1].fields[0].hint", {"vi": "Ghi đúng"}, "form.pages[1].fields[0].hint.en", "missing translation"),
    (f"{HEAD_NAME}.when", {"all": []}, f"{HEAD_NAME}.when.all", "must not be empty"),
    ("form.pages[2].id", "declarant", "form.pages[2].id", "duplicate id 'declarant'"),
    ("form.pages[3].fields[0].id", "full_name", "form.pages[3].fields[0].id", "duplicate field id 'full_name'"),
    (f"{GROUP}.fields[1].id", "full_name", f"{GROUP}.fields[1].id", "duplicate id 'full_name'"),
    (f"{HEAD_NAME}.when.field", "nope", f"{HEAD_NAME}.when.field", "unknown field 'nope'"),
    (f"{HEAD_NAME}.when", {"any": [{"field": "nope", "filled": True}]}, f"{HEAD_NAME}.when.any[0].field",
     "unknown field 'nope'"),
    ("attachments[1].id", "lawful_residence_proof", "attachments[1].id", "duplicate id"),
    ("fees.online", {"per": "page", "pages_field": "nope", "copies_field": "stay_months", "tiers": [],
                     "cap_per_copy": 1}, "fees.online.pages_field", "unknown field"),
    ("fees.paper", {"per": "person", "amount": 1, "group": "declarant"}, "fees.paper.group", "repeatable group"),
    ("result.list_group", "nope", "result.list_group", "repeatable group"),
])
def test_nested_places_and_references_name_file_and_field(tmp_path, path, value, where, problem):
    with pytest.raises(CatalogError) as info:
        load_catalog(_broken_copy(tmp_path, "tam_tru.json", _set(path, value)))
    assert (info.value.file, info.value.path) == ("broken.json", where)
    assert problem in info.value.problem


@pytest.mark.parametrize(("path", "value", "problem"), [
    ("rules[0].kind", "older", "must be one of"),
    ("rules[0].field", "nope", "unknown field"),
    ("rules[0].message.en", ..., "missing translation"),
    ("rules[0].years", ..., "missing"),
    ("rules[1].value", ..., "missing"),
    ("rules[0].unless.field", "nope", "unknown field"),
])
def test_eligibility_rules_are_checked(tmp_path, path, value, problem):
    with pytest.raises(CatalogError) as info:
        load_catalog(_broken_copy(tmp_path, "tro_cap_huu_tri_xa_hoi.json", _set(path, value)))
    assert (info.value.file, info.value.path) == ("broken.json", path)
    assert problem in info.value.problem


def test_root_must_be_an_object_and_the_folder_not_empty(tmp_path):
    with pytest.raises(CatalogError, match=r"^tmp_path: \(folder\): no procedure files found$".replace(
            "tmp_path", tmp_path.name)):
        load_catalog(tmp_path)
    (tmp_path / "list.json").write_text("[]", encoding="utf-8")
    with pytest.raises(CatalogError) as info:
        load_catalog(tmp_path)
    assert (info.value.file, info.value.path) == ("list.json", "(root)")
    assert "must be an object" in info.value.problem


def test_real_files_are_named_from_the_project_root():
    with pytest.raises(CatalogError) as info:
        validate_procedure({}, file_label(CATALOG_DIR / "tam_tru.json"))
    assert str(info.value).startswith("data/procedures/tam_tru.json: code: missing")


def test_every_problem_is_listed_not_only_the_first(tmp_path):
    def two_problems(data: dict) -> None:
        data["level"] = "full"
        data["processing_time"]["unit"] = "weeks"
    with pytest.raises(CatalogError) as info:
        load_catalog(_broken_copy(tmp_path, "tam_tru.json", two_problems))
    assert str(info.value).splitlines() == [
        "broken.json: level: unknown value 'full'; must be one of 'toan_trinh' or 'mot_phan'",
        "broken.json: processing_time.unit: unknown value 'weeks'; must be one of 'working_days', 'calendar_days' "
        "or 'same_day'"]


@pytest.mark.parametrize(("change", "where", "problem"), [
    (lambda d: d.pop("ward_committee"), "ward_committee", "missing"),
    (lambda d: d.update(ward_police=[]), "ward_police", "must not be empty"),
    (lambda d: d["ward_police"][0].pop("kind"), "ward_police[0].kind", "missing"),
    (lambda d: d.update(city=[{"kind": "city"}]), "city", "unknown key"),
])
def test_agency_kind_mapping_is_checked(tmp_path, change, where, problem):
    data = json.loads(AGENCY_KINDS_FILE.read_text(encoding="utf-8"))
    change(data)
    (tmp_path / "agency_kinds.json").write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(CatalogError) as info:
        load_file(tmp_path / "agency_kinds.json", AgencyKindsFile)
    assert (info.value.file, info.value.path) == ("agency_kinds.json", where)
    assert problem in info.value.problem


@pytest.mark.parametrize(("change", "where", "problem"), [
    (lambda d: d["transitions"][0].update({"to": 42}), "transitions[0].to", "unknown status 42"),
    (lambda d: d["transitions"][0].update({"from": 42}), "transitions[0].from", "unknown status 42"),
    (lambda d: d["transitions"][0].update({"to": "back"}), "transitions[0].to", "status code or 'resume'"),
    (lambda d: d["transitions"][0].update({"from": 3}), "transitions[0].from", "leaves a terminal status"),
    (lambda d: d["transitions"].append(dict(d["transitions"][0])), "transitions[23].action", "duplicate transition"),
    (lambda d: d["statuses"][1].update({"code": 0}), "statuses[1].code", "duplicate code 0"),
    (lambda d: d["statuses"][1].update({"clock": "ticking"}), "statuses[1].clock", "must be one of"),
])
def test_status_table_is_checked(change, where, problem):
    data = json.loads(STATUS_FILE.read_text(encoding="utf-8"))
    change(data)
    with pytest.raises(CatalogError) as info:
        parse_table(data, "statuses.json")
    assert (info.value.file, info.value.path) == ("statuses.json", where)
    assert problem in info.value.problem
