"""One key per purpose, derived from SECRET_KEY (HKDF-SHA256): distinct, stable, and each caller uses its own."""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Iterator

import pytest

from citizen_app.core import config, keystore
from citizen_app.core.keystore import derive_key

SECRET = "test-secret-for-the-keystore-0123456789"
# The four users of SECRET_KEY (a fifth use gets a label of its own and its line here).
PURPOSES = ("identity.passkey.user-handle", "identity.oidc.flow-cookie", "identity.recovery.code",
            "procedures.dossier.access-code")


@pytest.fixture()
def secret(monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    monkeypatch.setenv("SECRET_KEY", SECRET)
    config.settings.cache_clear()
    yield SECRET
    config.settings.cache_clear()


def test_keys_are_distinct_per_purpose_and_never_the_secret(secret: str) -> None:
    keys = [derive_key(purpose) for purpose in PURPOSES]
    assert all(len(key) == 32 for key in keys) and len(set(keys)) == len(PURPOSES)
    assert secret.encode() not in keys and not any(secret.encode() in key for key in keys)


def test_keys_are_stable_and_follow_the_secret(secret: str, monkeypatch: pytest.MonkeyPatch) -> None:
    first = derive_key("identity.recovery.code")
    keystore._derive.cache_clear()
    assert derive_key("identity.recovery.code") == first
    # a known answer (RFC 5869 by hand: PRK = HMAC(salt, secret), key = HMAC(PRK, label || 0x01)): a changed salt,
    # label or algorithm would silently void every stored access code
    prk = hmac.new(b"cong-dan-so/keystore/v1", secret.encode(), hashlib.sha256).digest()
    assert first == hmac.new(prk, b"identity.recovery.code\x01", hashlib.sha256).digest()
    assert first.hex() == "3f568f584f2e9ffbec5a30d0b9a3581a1c02619b6f8162b9c2d39871729622d2"
    monkeypatch.setenv("SECRET_KEY", "another-secret-0123456789abcdef0123456789")
    config.settings.cache_clear()
    assert derive_key("identity.recovery.code") != first
    assert derive_key("identity.recovery.code", secret) == first


@pytest.mark.parametrize("label", ["", "recovery", "Identity.Recovery", "identity recovery", "identity.", "x" * 3])
def test_a_purpose_must_be_a_label(label: str) -> None:
    with pytest.raises(ValueError):
        derive_key(label)


def test_callers_declare_the_labels_used_here() -> None:
    from citizen_app.identity import oidc, passkeys
    from citizen_app.procedures import service

    assert {passkeys.USER_HANDLE_KEY, oidc.FLOW_COOKIE_KEY, service.ACCESS_CODE_KEY} < set(PURPOSES)


def test_passkey_user_handle_uses_its_own_key(secret: str) -> None:
    from citizen_app.identity.passkeys import _user_handle

    expected = hmac.new(derive_key("identity.passkey.user-handle"), b"cds-user:7", hashlib.sha256).digest()[:16]
    assert _user_handle(7) == expected
    assert _user_handle(7) != hashlib.sha256(f"cds-user:7:{secret}".encode()).digest()[:16]  # the raw-secret handle


def test_oidc_flow_cookie_is_signed_with_its_own_key(secret: str) -> None:
    from citizen_app.identity.oidc import build_oidc_app

    app = build_oidc_app(config.settings())
    signing = [m.kwargs["secret_key"] for m in app.user_middleware if "secret_key" in m.kwargs]
    assert signing == [derive_key("identity.oidc.flow-cookie").hex()] and secret not in signing


def test_recovery_code_digest_uses_its_own_key(secret: str) -> None:
    from citizen_app.identity.recovery import _digest

    message = b"recovery:7:ABCDE23456"
    assert _digest(7, "abcde-23456") == hmac.new(derive_key("identity.recovery.code"), message,
                                                 hashlib.sha256).hexdigest()
    assert _digest(7, "abcde-23456") != hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


def test_load_or_create_gives_every_racer_the_same_complete_file(tmp_path) -> None:
    """Workers starting together each try to create the key: one file wins, nobody reads it half-written."""
    import os
    import stat
    import threading
    import time

    path = tmp_path / "keys" / "secret.bin"
    start = threading.Barrier(8)
    seen: list[bytes] = []

    def make(n: int) -> bytes:
        time.sleep(0.01)  # a slow key generation widens the race
        return bytes([n]) * 4096

    def racer(n: int) -> None:
        start.wait()
        seen.append(keystore.load_or_create(path, lambda: make(n)))

    threads = [threading.Thread(target=racer, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(seen) == 8 and len(set(seen)) == 1 and len(seen[0]) == 4096
    assert path.read_bytes() == seen[0]
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    assert [p.name for p in path.parent.iterdir()] == ["secret.bin"]  # no temporary file left behind
    assert keystore.load_or_create(path, lambda: b"other") == seen[0]  # kept, never replaced


def test_create_folder_once_keeps_the_first_folder(tmp_path) -> None:
    folder = tmp_path / "ca"

    def fill(marker: bytes):
        return lambda tmp: (tmp / "root.pem").write_bytes(marker)

    keystore.create_folder_once(folder, fill(b"first"))
    keystore.create_folder_once(folder, fill(b"second"))
    assert (folder / "root.pem").read_bytes() == b"first"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["ca"]
