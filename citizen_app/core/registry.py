"""Discovery of per-pillar modules, so adding a pillar never edits a shared list."""

from __future__ import annotations

import importlib
import pkgutil
from types import ModuleType

import citizen_app


def pillar_packages() -> list[str]:
    return sorted(info.name for info in pkgutil.iter_modules(citizen_app.__path__) if info.ispkg)


def import_pillar_modules(module: str) -> list[ModuleType]:
    """Import ``citizen_app.<pkg>.<module>`` for every package that has one."""
    found: list[ModuleType] = []
    for pkg in pillar_packages():
        name = f"citizen_app.{pkg}.{module}"
        try:
            found.append(importlib.import_module(name))
        except ModuleNotFoundError as exc:
            if exc.name != name:
                raise
    return found


def import_all_models() -> None:
    """Register every SQLModel table (for Alembic and tests)."""
    import_pillar_modules("models")
