"""Passkeys through py_webauthn's real verification, driven by a software authenticator."""

from __future__ import annotations

import pytest

from citizen_app.core.errors import DomainError, NotFound
from citizen_app.identity import passkeys as pk
from citizen_app.identity.activity import verify_chain
from citizen_app.signing import pades
from citizen_app.signing import service as signing
from tests.unit.identity.helpers import make_user, make_verified_citizen
from tests.unit.identity.softauthn import SoftAuthenticator
from tests.unit.signing.test_signing import sample_pdf


def _auth(fmt: str = "none", **kw) -> SoftAuthenticator:
    return SoftAuthenticator(pk.rp_id(), pk.rp_origin(), fmt=fmt, **kw)


def _register(db, user_id: int, device: SoftAuthenticator, name: str = "Điện thoại"):
    options = pk.begin_registration(db, user_id)
    return pk.finish_registration(db, user_id, options.challenge_id, device.create(options.options_json), name)


@pytest.mark.parametrize("fmt", ["none", "packed"])
def test_register_and_login(db, fmt):
    user = make_user(db)
    device = _auth(fmt)
    row = _register(db, user.id, device)
    assert row.name == "Điện thoại" and row.transports == "internal"
    options = pk.begin_authentication(db)
    assert pk.finish_authentication(db, options.challenge_id, device.get(options.options_json)) == user.id
    assert row.sign_count == 1 and row.last_used_at is not None


def test_several_passkeys_rename_and_remove(db):
    user = make_user(db)
    first = _register(db, user.id, _auth(), "Điện thoại")
    second = _register(db, user.id, _auth("packed"), "Máy tính")
    assert [p.name for p in pk.list_passkeys(db, user.id)] == ["Điện thoại", "Máy tính"]
    pk.rename_passkey(db, user.id, second.id, "Laptop cơ quan")
    pk.remove_passkey(db, user.id, first.id)
    assert [p.name for p in pk.list_passkeys(db, user.id)] == ["Laptop cơ quan"]
    with pytest.raises(DomainError) as err:  # no password: the last passkey stays
        pk.remove_passkey(db, user.id, second.id)
    assert err.value.code == "identity.passkey.last_one"
    stranger = make_user(db, "Người lạ")
    with pytest.raises(NotFound):
        pk.remove_passkey(db, stranger.id, second.id)
    assert verify_chain(db, user.id).ok


def test_challenge_single_use_and_user_verification_required(db):
    user = make_user(db)
    device = _auth()
    _register(db, user.id, device)
    options = pk.begin_authentication(db, user.id)
    response = device.get(options.options_json)
    pk.finish_authentication(db, options.challenge_id, response)
    with pytest.raises(DomainError):
        pk.finish_authentication(db, options.challenge_id, response)
    lazy = _auth(user_verified=False)
    options = pk.begin_registration(db, user.id)
    with pytest.raises(DomainError) as err:
        pk.finish_registration(db, user.id, options.challenge_id, lazy.create(options.options_json))
    assert err.value.code == "identity.passkey.failed"


def test_wrong_key_and_foreign_origin_refused(db):
    user = make_user(db)
    device = _auth()
    _register(db, user.id, device)
    options = pk.begin_authentication(db)
    forged = device.get(options.options_json)
    device.key = _auth().key  # same credential id, different private key
    with pytest.raises(DomainError):
        pk.finish_authentication(db, options.challenge_id, device.get(options.options_json))
    phishing = SoftAuthenticator(pk.rp_id(), "https://evil.example")
    phishing.credential_id, phishing.key = device.credential_id, device.key
    options = pk.begin_authentication(db)
    with pytest.raises(DomainError):
        pk.finish_authentication(db, options.challenge_id, phishing.get(options.options_json))
    assert forged


def test_passkey_approves_signature_over_document_bound_challenge(db):
    citizen = make_verified_citizen(db)
    device = _auth()
    _register(db, citizen.id, device)
    view = signing.prepare_signing(db, citizen.id, sample_pdf())
    other = signing.prepare_signing(db, citizen.id, sample_pdf() + b"\n%other")
    wrong = device.get(challenge=signing.approval_challenge(other.doc_hash, other.id))
    with pytest.raises(DomainError):
        signing.approve_and_sign(db, view.id, citizen.id, signing.PasskeyApproval(wrong))
    good = device.get(challenge=signing.approval_challenge(view.doc_hash, view.id))
    signed = signing.approve_and_sign(db, view.id, citizen.id, signing.PasskeyApproval(good))
    assert pades.validate_signed_pdf(signed)[0].trusted


def test_passkeys_keep_working_when_the_user_handle_changes(db, monkeypatch):
    """The handle comes from a derived key, so it changed once with this release (and changes on a SECRET_KEY
    rotation); sign-in finds a passkey by its credential id and never reads the handle back."""
    from citizen_app.core import config

    user = make_user(db)
    device = _auth()
    _register(db, user.id, device)
    before = pk._user_handle(user.id)
    monkeypatch.setenv("SECRET_KEY", "a-rotated-secret-key-0123456789abcdef")
    config.settings.cache_clear()
    try:
        assert pk._user_handle(user.id) != before
        options = pk.begin_authentication(db)
        assert pk.finish_authentication(db, options.challenge_id, device.get(options.options_json)) == user.id
    finally:
        monkeypatch.undo()
        config.settings.cache_clear()
