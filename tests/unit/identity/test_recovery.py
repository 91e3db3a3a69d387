"""Account recovery at the ward: ID card check by an official of the citizen's ward, one-time 15-minute code bound
to the account, new password, every session ended; the citizen is alerted on every channel."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlmodel import select

from citizen_app.core.errors import DomainError, NotAllowed
from citizen_app.core.timeutil import utcnow
from citizen_app.identity import recovery
from citizen_app.identity.activity import list_activity, verify_chain
from citizen_app.identity.models import Passkey, UserAccount, WebauthnChallenge
from citizen_app.identity.profile import ProfileInput, save_profile
from citizen_app.identity.service import authenticate, list_sessions, open_session
from tests.unit.identity.helpers import (
    ID_NUMBER,
    WARD,
    make_user,
    make_verified_citizen,
    make_ward_official,
    ward_agency,
)

PHONE = "0903555111"
NEW_PASSWORD = "Phuong2026moi"


@pytest.fixture()
def citizen(db):
    user = make_verified_citizen(db)
    user.phone = PHONE
    db.commit()
    return user


@pytest.fixture()
def official(db):
    return make_ward_official(db, "Phạm Văn Bình")


def _redeem(db, code: str, password: str = NEW_PASSWORD, **kw):
    return recovery.redeem_recovery_code(db, PHONE, code, password, password, **kw)


def _codes(db, user_id: int) -> list[WebauthnChallenge]:
    return list(db.exec(select(WebauthnChallenge).where(WebauthnChallenge.user_id == user_id,
                                                        WebauthnChallenge.purpose == "recovery")).all())


def test_wrong_id_number_is_refused_and_nothing_stored(db, citizen, official):
    with pytest.raises(DomainError) as err:
        recovery.issue_recovery_code(db, official.id, citizen.id, "079060009999")
    assert err.value.code == "identity.profile.id_card_mismatch"
    assert _codes(db, citizen.id) == []


def test_level1_citizen_is_refused(db, official):
    level1 = make_user(db, "Phạm Thị Một")
    save_profile(db, level1.id, ProfileInput(full_name="Phạm Thị Một", id_number="079190001111", ward=WARD))
    with pytest.raises(DomainError) as err:
        recovery.issue_recovery_code(db, official.id, level1.id, "079190001111")
    assert err.value.code == "identity.recovery.needs_level2"


def test_citizen_cannot_issue_for_themselves(db, citizen):
    with pytest.raises(NotAllowed):  # a plain citizen has no desk role at all
        recovery.issue_recovery_code(db, citizen.id, citizen.id, ID_NUMBER)
    official = make_verified_citizen(db, id_number="079060004321")
    from citizen_app.identity.models import UserRole

    db.add(UserRole(user_id=official.id, role="official"))
    official.agency_id = ward_agency(db).id
    db.flush()
    with pytest.raises(NotAllowed) as err:
        recovery.issue_recovery_code(db, official.id, official.id, "079060004321")
    assert err.value.code == "identity.recovery.not_self"


def test_code_sets_password_signs_out_everywhere_and_is_single_use(db, citizen, official):
    open_session(db, citizen.id)
    open_session(db, citizen.id)
    db.add(Passkey(user_id=citizen.id, credential_id="abc", public_key="pk", name="Điện thoại cũ"))
    issued = recovery.issue_recovery_code(db, official.id, citizen.id, "079 060 001 234")
    db.commit()
    assert len(issued.code) == 11 and issued.code[5] == "-"
    assert issued.expires_at - utcnow() <= timedelta(minutes=15)
    assert all(issued.code.replace("-", "") not in row.challenge for row in _codes(db, citizen.id))  # hashed

    result = _redeem(db, issued.code.lower().replace("-", " "), drop_passkeys=True)
    db.commit()
    assert (result.sessions_closed, result.passkeys_removed) == (2, 1)
    assert list_sessions(db, citizen.id) == []
    assert db.exec(select(Passkey).where(Passkey.user_id == citizen.id)).first() is None
    assert authenticate(db, PHONE, NEW_PASSWORD).id == citizen.id

    with pytest.raises(recovery.RecoveryInvalid):
        _redeem(db, issued.code, "Khac2026matkhau")
    texts = [row.text for row in list_activity(db, citizen.id, "en", limit=10)]
    assert any("issued an account recovery code" in t for t in texts)
    assert any("2 sessions signed out, 1 passkeys removed" in t for t in texts)
    assert verify_chain(db, citizen.id).ok


def test_expired_code_is_refused(db, citizen, official):
    issued = recovery.issue_recovery_code(db, official.id, citizen.id, ID_NUMBER, now=utcnow() - timedelta(minutes=16))
    db.commit()
    with pytest.raises(recovery.RecoveryInvalid):
        _redeem(db, issued.code)


def test_new_code_replaces_the_old_one(db, citizen, official):
    first = recovery.issue_recovery_code(db, official.id, citizen.id, ID_NUMBER)
    second = recovery.issue_recovery_code(db, official.id, citizen.id, ID_NUMBER)
    with pytest.raises(recovery.RecoveryInvalid):
        _redeem(db, first.code)
    assert _redeem(db, second.code).user_id == citizen.id


def test_weak_or_mismatched_password_keeps_the_code(db, citizen, official):
    issued = recovery.issue_recovery_code(db, official.id, citizen.id, ID_NUMBER)
    with pytest.raises(DomainError) as err:
        _redeem(db, issued.code, "short1")
    assert err.value.code == "error.password_short"
    with pytest.raises(DomainError) as err:
        recovery.redeem_recovery_code(db, PHONE, issued.code, NEW_PASSWORD, NEW_PASSWORD + "x")
    assert err.value.code == "identity.recovery.mismatch"
    assert _redeem(db, issued.code).user_id == citizen.id


def test_guessing_locks_out(db, citizen, official):
    issued = recovery.issue_recovery_code(db, official.id, citizen.id, ID_NUMBER)
    for _ in range(5):
        with pytest.raises(recovery.RecoveryInvalid):
            _redeem(db, "AAAAA-AAAAA")
        recovery.record_recovery_failure(db, PHONE, "10.0.0.1")
    db.commit()
    with pytest.raises(DomainError) as err:
        _redeem(db, issued.code)
    assert err.value.code == "error.login_locked"
    assert db.get(UserAccount, citizen.id).password_hash is None  # nothing changed
    texts = [row.text for row in list_activity(db, citizen.id, "en", limit=20)]
    assert texts.count("Someone entered a wrong recovery code for your account") == 5


def test_unknown_account_is_refused_like_a_wrong_code(db):
    with pytest.raises(recovery.RecoveryInvalid):
        recovery.redeem_recovery_code(db, "0909999999", "AAAAA-AAAAA", NEW_PASSWORD, NEW_PASSWORD)
    recovery.record_recovery_failure(db, "0909999999")  # counted, no log owner


async def test_desk_and_recover_handlers_authorize_on_the_server(app_db) -> None:
    """A citizen crafting the desk event gets nothing; /recover refuses a wrong code and counts it."""
    from sqlmodel import Session

    from citizen_app.core.db import session_scope
    from citizen_app.identity.desk_state import DeskState, RecoverState
    from citizen_app.identity.models import ActivityEntry
    from citizen_app.identity.state import AuthState
    from tests.unit.identity.test_state_authorization import _login_cookie, _states

    with Session(app_db, expire_on_commit=False) as db:
        target = make_verified_citizen(db)
        target.phone = PHONE
        db.commit()
        target_id = target.id
    _, sub = _states(_login_cookie(target_id))
    auth, desk = sub(AuthState), sub(DeskState)
    AuthState.load_session.fn(auth)
    desk._target = target_id
    await DeskState.issue_recovery.fn(desk, {"id_number": ID_NUMBER})
    assert desk.recovery_code == "" and desk.error["vi"] == "Bạn không có quyền thực hiện thao tác này."

    _, sub = _states()
    page = sub(RecoverState)
    RecoverState.submit.fn(page, {"identifier": PHONE, "code": "AAAAA-AAAAA", "password": NEW_PASSWORD,
                                  "password2": NEW_PASSWORD})
    assert not page.done and page.error["en"] == "The recovery code is wrong, used or expired."
    with session_scope() as db:
        kinds = db.exec(select(ActivityEntry.summary_key).where(ActivityEntry.user_id == target_id)).all()
        assert "identity.activity.recovery_failed" in kinds
