"""Discovery of per-pillar modules, so adding a pillar never edits a shared list."""

from __future__ import annotations

import functools
import importlib
import pkgutil
from pathlib import Path
from types import ModuleType

import citizen_app


@functools.cache
def pillar_packages() -> tuple[str, ...]:
    return tuple(sorted(info.name for info in pkgutil.iter_modules(citizen_app.__path__) if info.ispkg))


@functools.cache
def import_pillar_modules(module: str) -> tuple[ModuleType, ...]:
    """Import ``citizen_app.<pkg>.<module>`` for every package that has one.

    Cached: the packages do not change while the process runs, and the home page asks on every load
    (a directory scan and a failed import per package without the module cost milliseconds)."""
    found: list[ModuleType] = []
    for pkg in pillar_packages():
        name = f"citizen_app.{pkg}.{module}"
        try:
            found.append(importlib.import_module(name))
        except ModuleNotFoundError as exc:
            if exc.name != name:
                raise
    return tuple(found)


@functools.cache
def import_pillar_pages() -> tuple[ModuleType, ...]:
    """Import every package's page modules: ``pages`` and each ``<use case>_pages`` (``board_pages``,
    ``backoffice_pages`` …). A page module registers its routes when imported, so splitting a package's
    pages along its use cases edits no list either."""
    found: list[ModuleType] = []
    for pkg in pillar_packages():
        for name in _module_names(pkg, "pages"):
            found.append(importlib.import_module(f"citizen_app.{pkg}.{name}"))
    return tuple(found)


def _module_names(pkg: str, kind: str) -> list[str]:
    """``<kind>`` first (a use-case module may build on what ``<kind>`` registered), then ``<x>_<kind>`` by name."""
    names = [info.name for info in pkgutil.iter_modules([str(Path(citizen_app.__path__[0]) / pkg)])]
    return sorted((n for n in names if n == kind or n.endswith(f"_{kind}")), key=lambda n: (n != kind, n))


@functools.cache
def import_message_catalogues() -> tuple[ModuleType, ...]:
    """Every package's message catalogues: ``messages`` and each ``<topic>_messages`` (``ui_messages``,
    ``auth_messages`` …), each defining ``MESSAGES = {key: {"vi": …, "en": …}}``."""
    return tuple(importlib.import_module(f"citizen_app.{pkg}.{name}") for pkg in pillar_packages()
                 for name in _module_names(pkg, "messages"))


def import_all_models() -> None:
    """Register every SQLModel table (for Alembic and tests)."""
    import_pillar_modules("models")


@functools.cache
def install_wiring() -> None:
    """Run ``install()`` of every ``citizen_app.<pkg>.wiring`` once per process: it connects the package's handlers
    to other packages' hooks (``core.hooks``). Called when the app is built, by the background jobs, the demo
    seeding and the tests; nothing else imports a wiring module."""
    for module in import_pillar_modules("wiring"):
        module.install()


def run_startup_checks() -> None:
    """Call ``check()`` of every ``citizen_app.<pkg>.checks``: each raises when a setting is unsafe (a development
    convenience on a public site), so the app refuses to start instead of serving it."""
    for module in import_pillar_modules("checks"):
        module.check()
