"""The app's own boundaries (``citizen_app.citizen_app``): every event's text is cleaned before its handler
runs, and ``/_upload`` refuses a handler that takes no files instead of failing with a 500."""

from __future__ import annotations

from typing import Any

import pytest
from reflex_base.event import Event
from reflex_components_core.core._upload import upload
from starlette.applications import Starlette
from starlette.routing import Route
from starlette.testclient import TestClient

from citizen_app.core.db import session_scope
from citizen_app.core.text import clean_text, clean_value
from citizen_app.ops.probe import handler
from citizen_app.procedures.models import ProcDossier
from citizen_app.procedures.state import WizardState
from tests.unit.procedures.test_state_authorization import _cookie, _seed, _states

WIZARD = "citizen_app.procedures.state.WizardState"


@pytest.fixture(scope="module")
def app() -> Any:
    from citizen_app.citizen_app import app

    return app


def test_clean_text() -> None:
    assert clean_text("Nguye\u0302\u0303n\ud800\x00\x1b\x85 \t\n") == "Nguyễn \t\n"
    assert clean_value({"k\ud83d": ["\U0001f600", 1, None]}) == {"k": ["\U0001f600", 1, None]}  # pairs are kept


async def test_a_lone_surrogate_never_reaches_a_dossier(app: Any, app_db: Any) -> None:
    """``"\\ud800"`` saved in an answer used to break the sign page's websocket on every load: the answer
    could not be written as UTF-8. The app's event middleware now cleans it before ``save`` runs."""
    ids = _seed(app_db)
    cookie = _cookie(ids["mai"])
    wizard = _states(cookie, {"dossier_id": str(ids["draft"]), "step": "place"})(WizardState)
    await WizardState.load.fn(wizard)
    event = Event(name=handler(WIZARD, "save"), payload={"form_data": {
        "residence_address": "12 Nguyễn Đình Chiểu\ud800, khu phố 3\x07", "stay_from": "01/12/2025"}})
    assert await app._preprocess(wizard._get_root_state(), event) is None
    await WizardState.save.fn(wizard, **event.payload)
    with session_scope() as db:
        saved = db.get(ProcDossier, ids["draft"]).answers["residence_address"]
    assert saved == "12 Nguyễn Đình Chiểu, khu phố 3"
    check = _states(cookie, {"dossier_id": str(ids["draft"]), "step": "check"})(WizardState)
    await WizardState.load.fn(check)
    assert check.loaded and any(row.value == saved for row in check.answers)
    from reflex_base.utils.format import json_dumps

    json_dumps(check.dict()).encode("utf-8")  # what the socket sends: a lone surrogate raised here


def test_upload_naming_a_handler_without_files_is_refused(app: Any) -> None:
    """The app's own ASGI wrappers around Reflex's /_upload endpoint (a 500 before)."""
    inner: Any = Starlette(routes=[Route("/_upload", upload(app), methods=["POST"])])
    for wrap in app.api_transformer[1:]:
        inner = wrap(inner)
    client = TestClient(inner, raise_server_exceptions=False)
    files = {"files": ("a.pdf", b"%PDF-1.4", "application/pdf")}
    for name in (handler(WIZARD, "save"), handler(WIZARD, "set_slot"), "no.such.handler"):
        response = client.post("/_upload", files=files, headers={"reflex-client-token": "t",
                                                                 "reflex-event-handler": name})
        assert response.status_code == 400, (name, response.text)
        assert response.json()["error"] == "error.upload_handler"
