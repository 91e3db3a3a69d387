from __future__ import annotations

import pytest

from tests.unit.notify.pushkit import session_factory


@pytest.fixture()
def loopback(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PUSH_ALLOW_LOOPBACK", "1")


@pytest.fixture()
def db_factory(engine):
    return session_factory(engine)
