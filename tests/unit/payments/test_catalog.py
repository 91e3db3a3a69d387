"""The payment data files are checked at load; every problem names the file and the field."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from citizen_app.core.catalog import CatalogError
from citizen_app.payments import catalog


def _broken(tmp_path: Path, name: str, change: Callable[[dict], object]) -> Path:
    data = json.loads((catalog.DATA_DIR / name).read_text(encoding="utf-8"))
    change(data)
    (tmp_path / name).write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return tmp_path / name


@pytest.mark.parametrize(("change", "where", "problem"), [
    (lambda d: d["kinds"][0].update(kind="Metro Ticket"), "kinds[0].kind", "should match pattern"),
    (lambda d: d["kinds"][0].update(refund="sometimes"), "kinds[0].refund", "must be one of"),
    (lambda d: d["kinds"][0].update(ttl_minutes=0), "kinds[0].ttl_minutes", "greater than or equal to 1"),
    (lambda d: d["kinds"][0].update(ttl_minutes=24 * 60 + 1), "kinds[0].ttl_minutes", "less than or equal to 1440"),
    (lambda d: d["kinds"][0].update(max_amount_vnd=0), "kinds[0].max_amount_vnd", "greater than 0"),
    (lambda d: d["kinds"][0].update(label_en=""), "kinds[0].label_en", "must not be empty"),
    (lambda d: d["kinds"][1].update(kind="metro_ticket"), "kinds[1].kind", "duplicate kind 'metro_ticket'"),
])
def test_broken_product_kinds(tmp_path, change, where, problem) -> None:
    with pytest.raises(CatalogError) as info:
        catalog.load_products(_broken(tmp_path, "products.json", change))
    assert (info.value.file, info.value.path) == ("products.json", where)
    assert problem in info.value.problem


@pytest.mark.parametrize(("change", "where"), [
    (lambda d: d.update(bank_bin="97041"), "bank_bin"),
    (lambda d: d.update(bank_bin="970415\n"), "bank_bin"),
    (lambda d: d.update(account_no="0011-0019"), "account_no"),
    (lambda d: d.update(account_no="0" * 20), "account_no"),
    (lambda d: d.update(sandbox_tmn_code="cdssbx01"), "sandbox_tmn_code"),
    (lambda d: d.update(swift="ICBVVNVX"), "swift"),
    (lambda d: d.pop("merchant_name"), "merchant_name"),
])
def test_broken_merchant(tmp_path, change, where) -> None:
    with pytest.raises(CatalogError) as info:
        catalog.load_merchant(_broken(tmp_path, "merchant.json", change))
    assert (info.value.file, info.value.path) == ("merchant.json", where)
