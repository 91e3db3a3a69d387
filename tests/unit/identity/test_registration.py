"""Registration proves the phone/e-mail with a one-time code before the account exists, answers the same whether
or not an account exists (its owner is told instead), and limits codes per identifier, per address and per code."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlmodel import Session, func, select

from citizen_app.core.db import session_scope
from citizen_app.core.errors import DomainError
from citizen_app.core.timeutil import utcnow
from citizen_app.identity import registration, service
from citizen_app.identity.models import LoginAttempt, PendingRegistration, UserAccount
from citizen_app.notify.models import NotifyDevMessage

PHONE = "0903123456"
PASSWORD = "Phuong2026xanh"
NAME = "Lê Thị Mai"


@pytest.fixture()
def dev_outbox(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CDS_DEV_OUTBOX", "1")
    monkeypatch.delenv("MESSAGING_PROVIDER", raising=False)


def _start(db: Session, identifier: str = PHONE, ip: str = "10.0.0.1", **kw) -> registration.RegistrationStarted:
    return registration.start_registration(db, identifier, PASSWORD, NAME, "vi", password_confirm=PASSWORD,
                                           consent=True, ip=ip, **kw)


def _messages(db: Session, recipient: str = PHONE) -> list[NotifyDevMessage]:
    query = select(NotifyDevMessage).where(NotifyDevMessage.recipient == recipient)
    return list(db.exec(query.order_by(NotifyDevMessage.id)).all())


def _code(db: Session, recipient: str = PHONE) -> str:
    return re.findall(r"\b\d{6}\b", _messages(db, recipient)[-1].body)[0]


def _accounts(db: Session) -> int:
    return db.exec(select(func.count()).select_from(UserAccount)).one()


def test_account_exists_only_after_the_code_and_the_code_works_once(db: Session, dev_outbox) -> None:
    started = _start(db)
    assert _accounts(db) == 0 and started.sent_to == PHONE
    code = _code(db)
    pending = db.get(PendingRegistration, started.pending_id)
    assert code not in pending.code_hash and PASSWORD not in pending.password_hash  # stored as HMAC / Argon2
    assert started.expires_at - utcnow() <= timedelta(minutes=10)
    wrong = "000000" if code != "000000" else "111111"
    with pytest.raises(registration.CodeRefused) as err:
        registration.confirm_registration(db, started.pending_id, wrong)
    assert err.value.code == "identity.register.code_wrong" and err.value.params == {"left": 4}
    user = registration.confirm_registration(db, started.pending_id, f" {code[:3]} {code[3:]} ")
    assert (user.phone, user.full_name) == (PHONE, NAME)
    assert service.authenticate(db, PHONE, PASSWORD).id == user.id
    assert service.roles_of(db, user.id) == {"citizen"}
    with pytest.raises(DomainError) as err:
        registration.confirm_registration(db, started.pending_id, code)
    assert err.value.code == "identity.register.code_spent"


def test_existing_account_gets_the_same_answer_and_its_owner_a_warning(db: Session, dev_outbox) -> None:
    owner = service.register(db, PHONE, "Khac2026matkhau", NAME)
    db.commit()
    started = _start(db)  # no "account exists" error: the same answer as for a new number
    assert isinstance(started, registration.RegistrationStarted) and started.sent_to == PHONE
    (message,) = _messages(db)
    assert message.purpose == "registration_exists" and "/login" in message.body
    assert not re.search(r"\b\d{6}\b", message.body)  # no code goes out for an existing account
    for guess in ("000000", "123456", "999999"):
        with pytest.raises(DomainError):
            registration.confirm_registration(db, started.pending_id, guess)
    assert _accounts(db) == 1 and service.authenticate(db, PHONE, "Khac2026matkhau").id == owner.id
    assert db.get(PendingRegistration, started.pending_id) is not None  # stored like any other attempt


def test_code_expires_and_dies_after_five_wrong_tries(db: Session, dev_outbox) -> None:
    old = _start(db, now=utcnow() - timedelta(minutes=11))
    with pytest.raises(DomainError) as err:
        registration.confirm_registration(db, old.pending_id, _code(db))
    assert err.value.code == "identity.register.code_spent"
    started = _start(db, "an@example.vn")
    code = _code(db, "an@example.vn")
    wrong = "000000" if code != "000000" else "111111"
    codes = []
    for _ in range(5):
        with pytest.raises(DomainError) as err:
            registration.confirm_registration(db, started.pending_id, wrong)
        codes.append(err.value.code)
    assert codes[-1] == "identity.register.code_spent"
    with pytest.raises(DomainError):
        registration.confirm_registration(db, started.pending_id, code)  # even the right code now
    assert _accounts(db) == 0


def test_a_new_code_replaces_the_previous_one(db: Session, dev_outbox) -> None:
    first = _start(db)
    first_code = _code(db)
    second = _start(db)
    with pytest.raises(DomainError):
        registration.confirm_registration(db, first.pending_id, first_code)
    assert registration.confirm_registration(db, second.pending_id, _code(db)).phone == PHONE


def test_codes_are_limited_per_identifier_and_per_address(db: Session, dev_outbox) -> None:
    for _ in range(3):
        _start(db, ip="10.0.0.1")
    with pytest.raises(DomainError) as err:
        _start(db, ip="10.0.0.2")  # another address does not help: the number is limited
    assert err.value.code == "identity.register.too_many" and len(_messages(db)) == 3
    for i in range(registration.SENDS_PER_IP - 3):
        _start(db, f"09120000{i:02d}", ip="10.0.0.1")
    with pytest.raises(DomainError) as err:
        _start(db, "0912000099", ip="10.0.0.1")  # twenty sends from this address in 15 minutes
    assert err.value.code == "identity.register.too_many"
    assert _start(db, "0912000099", ip="10.0.0.3").sent_to == "0912000099"
    later = utcnow() + timedelta(minutes=16)
    assert _start(db, ip="10.0.0.4", now=later).sent_to == PHONE  # the window has passed


def test_wrong_code_count_commits_with_the_refusal(app_db, dev_outbox) -> None:
    with session_scope() as db:
        started = _start(db)
    with pytest.raises(registration.CodeRefused), session_scope() as db:
        registration.confirm_registration(db, started.pending_id, "000001")
    with session_scope() as db:
        assert db.get(PendingRegistration, started.pending_id).attempts == 1


def test_rules_are_checked_before_anything_is_sent(db: Session, dev_outbox) -> None:
    for kwargs, code in [({"password": "short1"}, "error.password_short"),
                         ({"consent": False}, "error.consent_required"),
                         ({"identifier": "12345"}, "error.identifier_invalid")]:
        args = {"identifier": PHONE, "password": PASSWORD, "consent": True} | kwargs
        with pytest.raises(DomainError) as err:
            registration.start_registration(db, args["identifier"], args["password"], NAME, "vi",
                                            password_confirm=args["password"], consent=args["consent"])
        assert err.value.code == code
    assert db.exec(select(NotifyDevMessage)).all() == [] and db.exec(select(LoginAttempt)).all() == []


def test_without_a_messaging_provider_registration_fails_clearly(db: Session, monkeypatch) -> None:
    monkeypatch.delenv("CDS_DEV_OUTBOX", raising=False)
    monkeypatch.delenv("MESSAGING_PROVIDER", raising=False)
    with pytest.raises(DomainError) as err:
        _start(db)
    assert err.value.code == "notify.messaging.unavailable"
    monkeypatch.setenv("MESSAGING_PROVIDER", "dev_outbox")  # the dev provider needs CDS_DEV_OUTBOX=1 too
    with pytest.raises(DomainError):
        _start(db)
    assert db.exec(select(PendingRegistration)).all() == [] and _accounts(db) == 0


def test_expired_pending_registrations_are_purged(db: Session, dev_outbox) -> None:
    _start(db, now=utcnow() - timedelta(minutes=11))
    fresh = _start(db, "an@example.vn")
    service.purge_old_attempts(db)
    assert [row.id for row in db.exec(select(PendingRegistration)).all()] == [fresh.pending_id]


async def test_register_page_same_answer_then_code_creates_the_account(app_db, dev_outbox) -> None:
    from citizen_app.identity.state import RegisterState
    from tests.unit.identity.test_state_authorization import _states

    with session_scope() as db:
        service.register(db, PHONE, "Khac2026matkhau", NAME)
    form = {"full_name": "Người Thử", "password": PASSWORD, "password2": PASSWORD, "consent": "on"}
    answers = []
    for identifier in (PHONE, "0912345678"):  # the first has an account, the second not
        _, sub = _states()
        page = sub(RegisterState)
        await RegisterState.submit.fn(page, {**form, "identifier": identifier})
        answers.append((page.error, page.step, page.sent_to["en"].replace(identifier, "…")))
        assert "_pending" not in page.dict()[page.get_full_name()]  # the pending id stays on the server
    assert answers[0] == answers[1] == ({}, "code", "We have sent a message to …. Enter the 6-digit code from "
                                                    "it to create your account.")
    RegisterState.confirm.fn(page, {"code": "000000"})
    assert page.error["en"].startswith("The code is not right")
    with session_scope() as db:
        code = _code(db, "0912345678")
    assert RegisterState.confirm.fn(page, {"code": code}) is not None  # goes on to the login ticket
    with session_scope() as db:
        assert service.find_by_identifier(db, service.parse_identifier("0912345678")).full_name == "Người Thử"
