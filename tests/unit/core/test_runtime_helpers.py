"""Small runtime helpers: the stall log, cached module discovery, page parameters, minimal deltas."""

from __future__ import annotations

import asyncio
import logging
import time
from pathlib import Path

import pytest
import reflex as rx
from reflex.istate.data import RouterData
from sqlmodel import select

import citizen_app
from citizen_app.core import stall
from citizen_app.core.db import session_scope
from citizen_app.core.errors import NotFound, RecordedRefusal
from citizen_app.core.registry import import_pillar_modules, import_pillar_pages
from citizen_app.identity.models import LoginAttempt
from citizen_app.identity.state import AuthState
from citizen_app.ui.delta import set_changed
from citizen_app.ui.params import int_param, page_params, param
from citizen_app.ui.routes import PAGES


def _blocking_step() -> None:
    time.sleep(0.25)  # a synchronous call that holds the event loop


def test_stall_log_names_what_held_the_loop(monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture) -> None:
    monkeypatch.setenv("CDS_STALL_LOG_MS", "50")

    async def scenario() -> None:
        watcher = asyncio.create_task(stall.watch_stalls())
        await asyncio.sleep(0.05)
        _blocking_step()
        await asyncio.sleep(0.1)  # the loop ticks again: the stall is reported
        watcher.cancel()

    with caplog.at_level(logging.WARNING, logger="citizen_app.core.stall"):
        asyncio.run(scenario())
    reports = [r.getMessage() for r in caplog.records if "loop stalled" in r.getMessage()]
    assert len(reports) == 1, reports
    assert "_blocking_step" in reports[0]


def test_stall_log_is_off_by_default(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CDS_STALL_LOG_MS", raising=False)
    asyncio.run(asyncio.wait_for(stall.watch_stalls(), 1))  # returns at once, no thread started


def test_pillar_modules_are_discovered_once() -> None:
    first = import_pillar_modules("summary")
    assert first is import_pillar_modules("summary")
    assert "citizen_app.metro.summary" in {m.__name__ for m in first}


def test_every_page_module_is_discovered() -> None:
    """``pages.py`` and every ``<use case>_pages.py`` of every package register their routes; no package lists
    its page modules (``pages`` comes first in its package: a use-case module may build on its pages)."""
    root = Path(citizen_app.__path__[0])
    on_disk = {f"citizen_app.{path.parent.name}.{path.stem}"
               for pattern in ("*/pages.py", "*/*_pages.py") for path in root.glob(pattern)}
    found = [module.__name__ for module in import_pillar_pages()]
    assert sorted(found) == sorted(on_disk)
    assert "citizen_app.procedures.helper_pages" in found and "citizen_app.procedures.backoffice_pages" in found
    assert found.index("citizen_app.procedures.pages") < found.index("citizen_app.procedures.backoffice_pages")
    assert {"/procedures/helper", "/procedures/backoffice", "/feedback/workbench"} <= set(PAGES)


def _auth_state(query: dict) -> AuthState:
    root = rx.State()
    root.router = RouterData.from_router_data({"headers": {}, "pathname": "/x", "query": query})
    return root.get_substate(AuthState.get_full_name().split(".")[1:])


def test_page_parameters_from_query_and_route() -> None:
    state = _auth_state({"id": "12", "ward": ["Bến Thành", "Bàn Cờ"], "big": "9" * 12, "neg": "-3"})
    assert page_params(state)["id"] == "12"
    assert param(state, "ward") == "Bến Thành" and param(state, "missing") == ""
    assert int_param(state, "id") == 12
    assert int_param(state, "big") == 0 and int_param(state, "neg") == 0


def test_set_changed_sends_only_what_changed() -> None:
    state = _auth_state({})
    set_changed(state, notice_key="auth.logged_out", roles=["citizen"])
    state.dirty_vars.clear()
    set_changed(state, notice_key="auth.logged_out", roles=["citizen"])
    assert not state.dirty_vars
    set_changed(state, notice_key="", roles=["citizen"])
    assert state.dirty_vars == {"notice_key"}
    assert state.notice_key == ""


def test_a_recorded_refusal_keeps_its_transaction(app_db) -> None:
    with pytest.raises(RecordedRefusal), session_scope() as db:
        db.add(LoginAttempt(identifier="probe:kept"))
        raise RecordedRefusal("procedures.lookup_failed")
    with pytest.raises(NotFound), session_scope() as db:
        db.add(LoginAttempt(identifier="probe:dropped"))
        raise NotFound("procedures.lookup_failed")
    with session_scope() as db:
        names = set(db.exec(select(LoginAttempt.identifier)).all())
    assert "probe:kept" in names and "probe:dropped" not in names
