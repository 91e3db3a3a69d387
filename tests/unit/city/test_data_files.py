"""The city's help directory and retention rules are checked at load; problems name the file and the field."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from citizen_app.city import directory, mydata
from citizen_app.core.catalog import CatalogError


def _broken(tmp_path: Path, source: Path, change: Callable[[dict], object]) -> Path:
    data = json.loads(source.read_text(encoding="utf-8"))
    change(data)
    (tmp_path / source.name).write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return tmp_path / source.name


@pytest.mark.parametrize(("change", "where", "problem"), [
    (lambda d: d["points"][0].update(kind="library"), "points[0].kind", "unknown value 'library'"),
    (lambda d: d["points"][0].update(helps_with=["procedures", "taxes"]), "points[0].helps_with[1]",
     "unknown topic 'taxes'"),
    (lambda d: d["points"][1].update(code=d["points"][0]["code"]), "points[1].code", "duplicate code"),
    (lambda d: d["topics"][1].update(code="procedures"), "topics[1].code", "duplicate code 'procedures'"),
    (lambda d: d["points"][0].update(lat="10.77"), "points[0].lat", "must be a number"),
    (lambda d: d["points"][0].pop("address"), "points[0].address", "missing"),
])
def test_broken_help_points(tmp_path, change, where, problem) -> None:
    path = _broken(tmp_path, directory.HELP_FILE, change)
    with pytest.raises(CatalogError) as info:
        directory.directory.__wrapped__(path)
    assert (info.value.file, info.value.path) == ("help_points.json", where)
    assert problem in info.value.problem


# The rule that is last once the '*' default is taken away (pillars append rules: counted, not written down).
LAST_BUT_ONE = len(json.loads(mydata.RETENTION_FILE.read_text(encoding="utf-8"))["rules"]) - 2


@pytest.mark.parametrize(("change", "where", "problem"), [
    (lambda d: d["rules"][0].update(policy="forget"), "rules[0].policy", "must be one of"),
    (lambda d: d["rules"].pop(), f"rules[{LAST_BUT_ONE}].match", "the last rule must be the '*' default"),
    (lambda d: d["rules"][1].update(match="user_account"), "rules[1].match", "duplicate match"),
    (lambda d: d.update(deadline_hours="72"), "deadline_hours", "whole number"),
])
def test_broken_retention_rules(tmp_path, change, where, problem) -> None:
    path = _broken(tmp_path, mydata.RETENTION_FILE, change)
    with pytest.raises(CatalogError) as info:
        mydata.retention_rules.__wrapped__(path)
    assert (info.value.file, info.value.path) == ("data_retention.json", where)
    assert problem in info.value.problem
