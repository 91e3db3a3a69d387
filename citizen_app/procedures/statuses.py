"""National dossier statuses and the legal transitions between them, loaded from data."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal

from pydantic import Field, field_validator, model_validator

from citizen_app.core.catalog import (
    CatalogModel,
    Loc,
    Text,
    file_label,
    invalid,
    read_json,
    require_unique,
    validate_catalog,
)
from citizen_app.procedures.catalog import STATUS_FILE

DRAFT, NEW, ACCEPTED, REFUSED, PROCESSING, SUPPLEMENT, FEE, WITHDRAWN, STOPPED, DONE, DELIVERED = range(11)
RESUME = "resume"


@dataclass(frozen=True)
class Status:
    code: int
    key: str
    vi: str
    en: str
    terminal: bool
    national: bool
    clock: str  # "none", "running" or "paused"

    def label(self, lang: str) -> str:
        return self.en if lang == "en" else self.vi


@dataclass(frozen=True)
class Transition:
    source: int
    action: str
    target: int | str
    actor: str
    reason_required: bool
    allowed: tuple[int, ...]


@dataclass(frozen=True)
class StatusTable:
    statuses: dict[int, Status]
    transitions: dict[tuple[int, str], Transition]

    def find(self, source: int, action: str) -> Transition | None:
        return self.transitions.get((source, action))

    def actions_from(self, source: int) -> list[str]:
        return sorted(action for (src, action) in self.transitions if src == source)

    def is_terminal(self, code: int) -> bool:
        return self.statuses[code].terminal

    def clock(self, code: int) -> str:
        return self.statuses[code].clock


class StatusSpec(CatalogModel):
    code: int
    key: str
    vi: Text
    en: Text
    terminal: bool
    national: bool
    clock: Literal["none", "running", "paused"]


class TransitionSpec(CatalogModel):
    source: int = Field(alias="from")
    action: str
    to: Any
    actor: Literal["applicant", "official", "system"]
    reason_required: bool = False
    allowed: list[int] = []

    @field_validator("to")
    @classmethod
    def _status_or_resume(cls, value: Any) -> Any:
        if value != RESUME and (not isinstance(value, int) or isinstance(value, bool)):
            raise ValueError(f"must be a status code or {RESUME!r}")
        return value

    def codes(self) -> list[tuple[Loc, Any]]:
        """(place, status code) for every status the row names."""
        allowed = [(("allowed", i), code) for i, code in enumerate(self.allowed)]
        return [(("from",), self.source), (("to",), self.to), *allowed]


class StatusFile(CatalogModel):
    """``_meta/statuses.json``: the national status codes and the only legal transitions between them."""

    description: str = ""
    source: str = ""
    statuses: list[StatusSpec]
    transitions: list[TransitionSpec]

    @model_validator(mode="after")
    def _references(self) -> StatusFile:
        require_unique(self.statuses, "code", "statuses")
        terminal = {s.code: s.terminal for s in self.statuses}
        seen: set[tuple[int, str]] = set()
        for index, row in enumerate(self.transitions):
            for place, code in row.codes():
                if code != RESUME and code not in terminal:
                    raise invalid(f"unknown status {code!r}", "transitions", index, *place)
            if terminal[row.source]:
                raise invalid("leaves a terminal status", "transitions", index, "from")
            if (row.source, row.action) in seen:
                raise invalid(f"duplicate transition {(row.source, row.action)}", "transitions", index, "action")
            seen.add((row.source, row.action))
        return self


def parse_table(data: Any, file: str = file_label(STATUS_FILE)) -> StatusTable:
    """The table in ``data`` (the file's JSON), checked; ``CatalogError`` names the file and the field."""
    checked = validate_catalog(data, StatusFile, file)
    statuses = {s.code: Status(s.code, s.key, s.vi, s.en, s.terminal, s.national, s.clock) for s in checked.statuses}
    transitions = {(t.source, t.action): Transition(t.source, t.action, t.to, t.actor, t.reason_required,
                                                    tuple(t.allowed)) for t in checked.transitions}
    return StatusTable(statuses, transitions)


@lru_cache(maxsize=1)
def status_table(path: Path = STATUS_FILE) -> StatusTable:
    return parse_table(read_json(path), file_label(path))
