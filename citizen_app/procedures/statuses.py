"""National dossier statuses and the legal transitions between them, loaded from data."""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

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


def parse_table(data: dict) -> StatusTable:
    statuses = {s["code"]: Status(s["code"], s["key"], s["vi"], s["en"], s["terminal"], s["national"], s["clock"])
                for s in data["statuses"]}
    transitions: dict[tuple[int, str], Transition] = {}
    for row in data["transitions"]:
        target = row["to"]
        if row["from"] not in statuses or (target != RESUME and target not in statuses):
            raise ValueError(f"statuses.json: transition {row} names an unknown status")
        if statuses[row["from"]].terminal:
            raise ValueError(f"statuses.json: transition {row} leaves a terminal status")
        key = (row["from"], row["action"])
        if key in transitions:
            raise ValueError(f"statuses.json: duplicate transition {key}")
        transitions[key] = Transition(row["from"], row["action"], target, row["actor"],
                                      bool(row.get("reason_required")), tuple(row.get("allowed", ())))
    return StatusTable(statuses, transitions)


@lru_cache(maxsize=1)
def status_table(path: Path = STATUS_FILE) -> StatusTable:
    return parse_table(json.loads(path.read_text(encoding="utf-8")))
