"""core.catalog: one error type whose message names the file and the field path."""

from __future__ import annotations

from datetime import date

import pytest
from pydantic import Field, model_validator

from citizen_app.core.catalog import (
    CatalogError,
    CatalogModel,
    IsoDate,
    Text,
    Translated,
    file_label,
    invalid,
    load_file,
    render_path,
    validate_catalog,
)
from citizen_app.core.config import ROOT


class Item(CatalogModel):
    code: Text
    on: IsoDate
    label: Translated


class Shelf(CatalogModel):
    items: list[Item]
    size: int = Field(gt=0)

    @model_validator(mode="after")
    def _fits(self) -> Shelf:
        if len(self.items) > self.size:
            raise invalid(f"holds {self.size}, not {len(self.items)}", "items", self.size)
        return self


class Folder(CatalogModel):
    shelf: Shelf = Field(alias="shelf.json")


ITEM = {"code": "a", "on": "2026-01-02", "label": {"vi": "Một", "en": "One"}}


def _error(data: object, model: type[CatalogModel] = Shelf, **kw: bool) -> CatalogError:
    with pytest.raises(CatalogError) as info:
        validate_catalog(data, model, "data/x/shelf.json" if not kw else "data/x", **kw)
    return info.value


def test_valid_data_comments_ignored() -> None:
    shelf = validate_catalog({"_comment": "notes", "items": [ITEM], "size": 1}, Shelf, "shelf.json")
    assert shelf.items[0].on == date(2026, 1, 2) and shelf.items[0].label.en == "One"


@pytest.mark.parametrize(("item", "path", "problem"), [
    ({**ITEM, "code": " "}, "items[0].code", "must not be empty"),
    ({**ITEM, "code": 7}, "items[0].code", "must be text, not int"),
    ({**ITEM, "on": "20260102"}, "items[0].on", "must be an ISO date (yyyy-mm-dd), not '20260102'"),
    ({**ITEM, "on": "2026-02-30"}, "items[0].on", "must be an ISO date"),
    ({**ITEM, "label": {"vi": "Một"}}, "items[0].label.en", "missing translation"),
    ({**ITEM, "colour": "red"}, "items[0].colour", "unknown key"),
    ({k: v for k, v in ITEM.items() if k != "code"}, "items[0].code", "missing"),
])
def test_field_problems_name_file_and_path(item: dict, path: str, problem: str) -> None:
    error = _error({"items": [item], "size": 1})
    assert (error.file, error.path) == ("data/x/shelf.json", path)
    assert problem in error.problem
    assert str(error).startswith(f"data/x/shelf.json: {path}: ")


def test_model_validator_points_below_itself_and_every_problem_is_listed() -> None:
    error = _error({"items": [ITEM, ITEM], "size": 1})
    assert (error.path, error.problem) == ("items[1]", "holds 1, not 2")
    many = _error({"items": [{**ITEM, "code": ""}] * 30, "size": 0})
    lines = str(many).splitlines()
    assert len(lines) == 21 and lines[-1] == "… and 11 more"
    assert lines[0] == "data/x/shelf.json: items[0].code: must not be empty"


def test_per_file_names_the_file_inside_the_folder() -> None:
    error = _error({"shelf.json": {"items": [ITEM], "size": 0}}, Folder, per_file=True)
    assert (error.file, error.path, error.problem) == ("data/x/shelf.json", "size", "must be greater than 0")


def test_render_path_and_labels(tmp_path) -> None:
    assert render_path(("form", "pages", 1, "fields", 0, "type")) == "form.pages[1].fields[0].type"
    assert render_path(()) == "(root)"
    assert file_label(ROOT / "data" / "agencies.json") == "data/agencies.json"
    assert file_label(tmp_path / "x.json") == "x.json"


def test_load_file_reports_unreadable_and_invalid_json(tmp_path) -> None:
    with pytest.raises(CatalogError, match=r"^shelf.json: \(file\): cannot be read"):
        load_file(tmp_path / "shelf.json", Shelf)
    (tmp_path / "shelf.json").write_text('{"items": [,]}', encoding="utf-8")
    with pytest.raises(CatalogError, match=r"^shelf.json: line 1 column 12: invalid JSON"):
        load_file(tmp_path / "shelf.json", Shelf)
    assert issubclass(CatalogError, ValueError)
