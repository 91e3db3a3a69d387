from __future__ import annotations

import stat
from pathlib import Path

import pytest
from py_vapid import Vapid

from citizen_app.core.encoding import b64url_decode
from citizen_app.notify import vapid


@pytest.fixture()
def fresh_instance(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("INSTANCE_DIR", str(tmp_path))
    monkeypatch.delenv("VAPID_PRIVATE_PEM", raising=False)
    vapid.reset_cache()
    yield tmp_path
    vapid.reset_cache()


def test_key_is_generated_once_private_and_stable(fresh_instance: Path) -> None:
    key = vapid.public_key_b64()
    path = fresh_instance / vapid.KEY_FILE
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    raw = b64url_decode(key)
    assert len(raw) == 65 and raw[0] == 4 and "=" not in key
    vapid.reset_cache()
    assert vapid.public_key_b64() == key
    assert [p.name for p in fresh_instance.iterdir()] == [vapid.KEY_FILE]  # no temp file left


def test_environment_key_wins(fresh_instance: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    other = Vapid()
    other.generate_keys()
    monkeypatch.setenv("VAPID_PRIVATE_PEM", other.private_pem().decode())
    vapid.reset_cache()
    assert vapid.public_key_b64() == vapid.public_key_b64(other)
    assert not (fresh_instance / vapid.KEY_FILE).exists()


def test_subject(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("VAPID_SUBJECT", "mailto:ops@example.vn")
    assert vapid.vapid_subject() == "mailto:ops@example.vn"
    monkeypatch.delenv("VAPID_SUBJECT")
    assert vapid.vapid_subject().startswith(("mailto:", "https://"))
