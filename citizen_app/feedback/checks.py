"""Start-up and readiness checks of the feedback board (run by ``core.registry.run_startup_checks`` and
``ops.health.readiness``): the data files, and whether every agency reports are routed to has someone to work."""

from __future__ import annotations

import logging

from sqlalchemy.exc import SQLAlchemyError

from citizen_app.core.db import read_scope
from citizen_app.feedback import routing
from citizen_app.feedback.catalog import load_catalog

log = logging.getLogger(__name__)
_reported: dict[str, list[str]] = {"unstaffed": []}


def _report(problems: list[str]) -> None:
    """Log the unstaffed agencies when the list changes (not at every readiness probe)."""
    if problems and problems != _reported["unstaffed"]:
        log.warning("feedback routing: no active official at %s nor at its fallback: its reports reach nobody; "
                    "give it an official (admin page) or change data/feedback/routing.json", ", ".join(problems))
    _reported["unstaffed"] = problems


def check() -> None:
    """A broken data file (the routing table included) stops the start; an agency without staff is logged."""
    load_catalog()
    try:
        with read_scope() as db:
            _report(routing.unstaffed_agencies(db))
    except SQLAlchemyError as exc:  # not migrated yet (first start, build): the readiness route tells later
        log.info("feedback routing: staffing not checked at start-up (%s)", type(exc).__name__)


def readiness() -> dict[str, str]:
    """``feedback_routing``: ``warn`` while an agency reports are routed to has nobody, nor has its fallback."""
    with read_scope() as db:
        problems = routing.unstaffed_agencies(db)
    _report(problems)
    return {"feedback_routing": "warn" if problems else "ok"}
