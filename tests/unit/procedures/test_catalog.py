from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from citizen_app.procedures.catalog import CATALOG_DIR, CatalogError, load_catalog


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
