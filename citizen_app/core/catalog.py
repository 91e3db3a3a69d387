"""Data catalogues (``data/``): JSON read once, validated by a pydantic model, refused with one error type.

Each pillar describes its files with models built on ``CatalogModel`` (strict types, unknown keys refused,
keys starting with ``_`` are comments). ``load_file(path, Model)`` reads and validates a file;
``validate_catalog(data, Model, file)`` validates data already read (a folder of files, CSV rows). Every
problem becomes a ``CatalogError`` whose message names the file and the field path, e.g.
``data/procedures/tam_tru.json: form.pages[1].fields[0].type: unknown value 'colour'; must be one of …``.

Checks across fields are model validators; they ``raise invalid(problem, *at)`` to point at the field
below the validated object, so the message names the exact place.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import Annotated, Any, TypeVar

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, ValidationError, model_validator
from pydantic_core import PydanticCustomError

from citizen_app.core.config import ROOT

Loc = tuple[str | int, ...]
M = TypeVar("M", bound=BaseModel)
_MAX_LISTED = 20
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_TYPE_WORDS = {"string_type": "text", "int_type": "a whole number", "bool_type": "true or false",
               "float_type": "a number", "dict_type": "an object", "model_type": "an object",
               "list_type": "a list", "none_required": "null"}


class CatalogError(ValueError):
    """A catalogue file is invalid (raised at start-up, never to citizens).

    ``file``, ``path`` and ``problem`` describe the first problem; the message lists every problem found.
    """

    def __init__(self, file: str, path: str, problem: str, others: tuple[str, ...] = ()) -> None:
        lines = [f"{file}: {path}: {problem}", *others]
        if len(lines) > _MAX_LISTED:
            lines = [*lines[:_MAX_LISTED], f"… and {len(lines) - _MAX_LISTED} more"]
        super().__init__("\n".join(lines))
        self.file, self.path, self.problem = file, path, problem


class CatalogModel(BaseModel):
    """Base of every catalogue model: strict JSON types, no unknown keys, ``_comment``-style keys ignored."""

    model_config = ConfigDict(strict=True, extra="forbid", populate_by_name=True)

    @model_validator(mode="before")
    @classmethod
    def _drop_comments(cls, data: Any) -> Any:
        if isinstance(data, dict):
            return {k: v for k, v in data.items() if not (isinstance(k, str) and k.startswith("_"))}
        return data


def _iso_date(value: Any) -> date:
    if isinstance(value, str) and _ISO_DATE.fullmatch(value):
        try:
            return date.fromisoformat(value)
        except ValueError:
            pass
    raise ValueError(f"must be an ISO date (yyyy-mm-dd), not {value!r}")


def _not_blank(value: str) -> str:
    if not value.strip():
        raise ValueError("must not be empty")
    return value


IsoDate = Annotated[date, BeforeValidator(_iso_date)]
"""A date written ``yyyy-mm-dd`` in the file."""
Text = Annotated[str, AfterValidator(_not_blank)]
"""A string that is not empty or blank."""


class Translated(CatalogModel):
    """Words a citizen reads, in both languages: ``{"vi": …, "en": …}``, neither blank."""

    vi: str
    en: str

    @model_validator(mode="before")
    @classmethod
    def _both_languages(cls, data: Any) -> Any:
        if isinstance(data, dict):
            for lang in ("vi", "en"):
                if not isinstance(data.get(lang), str) or not data[lang].strip():
                    raise invalid("missing translation", lang)
        return data


def invalid(problem: str, *at: str | int) -> PydanticCustomError:
    """The error a model validator raises: ``problem`` found at ``at`` below the object being validated."""
    return PydanticCustomError("catalog", "{problem}", {"problem": problem, "at": at})


def require_unique(items: Sequence[Any], attr: str, *at: str | int) -> None:
    """Refuse a list whose items repeat ``attr``; the error points at the repeat (``at`` is the list's place)."""
    seen: set[Any] = set()
    for index, item in enumerate(items):
        value = getattr(item, attr)
        if value in seen:
            raise invalid(f"duplicate {attr} {value!r}", *at, index, attr)
        seen.add(value)


def file_label(path: Path) -> str:
    """How messages name a file: relative to the project for its own data, else the bare file name."""
    try:
        return path.resolve().relative_to(ROOT).as_posix()
    except ValueError:
        return path.name


def render_path(loc: Loc) -> str:
    """``("form", "pages", 1, "type")`` -> ``form.pages[1].type``; the empty path is ``(root)``."""
    text = ""
    for part in loc:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text or "(root)"


def _problem(error: dict[str, Any]) -> str:
    kind, ctx = error["type"], error.get("ctx") or {}
    if kind == "catalog":
        return str(ctx["problem"])
    if kind == "missing":
        return "missing"
    if kind == "extra_forbidden":
        return "unknown key (not in the schema: a typo?)"
    if kind == "literal_error":
        return f"unknown value {error['input']!r}; must be one of {ctx['expected']}"
    if kind == "value_error":
        return str(ctx["error"])
    if kind in _TYPE_WORDS:
        return f"must be {_TYPE_WORDS[kind]}, not {type(error['input']).__name__}"
    if kind == "too_short" and ctx.get("min_length") == 1:
        return "must not be empty"
    return str(error["msg"]).replace("Input should be", "must be")


def _place(error: dict[str, Any], file: str, per_file: bool) -> tuple[str, str]:
    below = (error.get("ctx") or {}).get("at", ()) if error["type"] == "catalog" else ()
    loc: Loc = (*error["loc"], *below)
    if per_file and loc:
        return f"{file}/{loc[0]}", render_path(loc[1:])
    return file, render_path(loc)


def validate_catalog(data: Any, model: type[M], file: str, *, per_file: bool = False) -> M:
    """``model`` validated from ``data``, or ``CatalogError`` naming ``file`` and each wrong field.

    With ``per_file``, ``data`` holds several files of the folder ``file``, keyed by their names (the model's
    field aliases), so each message names the file the problem is in.
    """
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        found = [(*_place(e, file, per_file), _problem(e)) for e in exc.errors(include_url=False)]
    raise CatalogError(*found[0], others=tuple(f"{f}: {p}: {m}" for f, p, m in found[1:]))


def read_json(path: Path, label: str | None = None) -> Any:
    """The parsed file, or ``CatalogError`` (naming it ``label``, by default ``file_label``) if unreadable."""
    label = label or file_label(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise CatalogError(label, "(file)", f"cannot be read: {exc.strerror}") from exc
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise CatalogError(label, f"line {exc.lineno} column {exc.colno}", f"invalid JSON: {exc.msg}") from exc


def load_file(path: Path, model: type[M]) -> M:
    """Read ``path`` and validate it with ``model``; ``CatalogError`` names the file and the field."""
    return validate_catalog(read_json(path), model, file_label(path))
