"""Accounts, passwords, brute-force locks, sessions and roles — against a real database."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlmodel import func, select

from citizen_app.core.errors import DomainError, NotAllowed
from citizen_app.core.timeutil import utcnow
from citizen_app.identity import service
from citizen_app.identity.models import Agency, LoginSession, LoginTicket, UserAccount, UserRole

GOOD_PASSWORD = "Phuong2026xanh"


def make_user(db, login="0903123456", name="Lê Thị Mai", password=GOOD_PASSWORD) -> UserAccount:
    user = service.register(db, login, password, name)
    db.commit()
    return user


def count(db, model) -> int:
    return db.exec(select(func.count()).select_from(model)).one()


@pytest.mark.parametrize(
    ("raw", "kind", "value"),
    [("0903 123 456", "phone", "0903123456"), ("+84903123456", "phone", "0903123456"),
     ("84903123456", "phone", "0903123456"), ("Mai@Example.VN", "email", "mai@example.vn")],
)
def test_identifier_normalised(raw: str, kind: str, value: str) -> None:
    assert service.parse_identifier(raw) == service.Identifier(kind, value)


@pytest.mark.parametrize("raw", ["", "12345", "0203123456", "abc", "a@b", "09031234567"])
def test_bad_identifier_rejected(raw: str) -> None:
    with pytest.raises(DomainError) as err:
        service.parse_identifier(raw)
    assert err.value.code in ("error.identifier_invalid", "error.email_invalid")


@pytest.mark.parametrize(
    ("password", "code"),
    [("abc12", "error.password_short"), ("1234567890", "error.password_common"),
     ("onlyletterspassword", "error.password_mix"), ("aaaaaaaaaa1", "error.password_common"),
     ("x" * 130 + "1", "error.password_long")],
)
def test_weak_passwords(password: str, code: str) -> None:
    with pytest.raises(DomainError) as err:
        service.check_password_strength(password)
    assert err.value.code == code


def test_password_may_not_contain_personal_data(db) -> None:
    with pytest.raises(DomainError) as err:
        service.register(db, "0903123456", "x0903123456y", "Lê Thị Mai")
    assert err.value.code == "error.password_personal"


@pytest.mark.parametrize(
    ("kwargs", "code"),
    [({"password_confirm": "Khac2026matkhau"}, "error.password_mismatch"),
     ({"consent": False}, "error.consent_required")],
)
def test_register_needs_matching_passwords_and_consent(db, kwargs: dict, code: str) -> None:
    with pytest.raises(DomainError) as err:
        service.register(db, "0903123456", GOOD_PASSWORD, "Lê Thị Mai", **kwargs)
    assert err.value.code == code
    assert count(db, UserAccount) == 0


def test_register_stores_argon2_hash_and_citizen_role(db) -> None:
    user = make_user(db)
    assert user.password_hash.startswith("$argon2id$")
    assert GOOD_PASSWORD not in user.password_hash
    assert service.roles_of(db, user.id) == {"citizen"}
    assert user.full_name == "Lê Thị Mai"


def test_name_is_nfc_normalised(db) -> None:
    decomposed = "Le\u0302 Thi\u0323 Mai"
    user = service.register(db, "0903123457", GOOD_PASSWORD, decomposed)
    assert user.full_name == "Lê Thị Mai"


def test_duplicate_account_changes_nothing(db) -> None:
    make_user(db)
    with pytest.raises(DomainError) as err:
        service.register(db, "+84 903 123 456", "Khac2026matkhau", "Người khác")
    db.rollback()
    assert err.value.code == "error.account_exists"
    assert count(db, UserAccount) == 1


def test_login_ok_and_wrong_password(db) -> None:
    user = make_user(db)
    assert service.authenticate(db, "0903123456", GOOD_PASSWORD, "1.2.3.4").id == user.id
    with pytest.raises(DomainError) as err:
        service.authenticate(db, "0903123456", "wrong-password-1", "1.2.3.4")
    assert err.value.code == "error.login_failed"


def test_unknown_account_same_error(db) -> None:
    with pytest.raises(DomainError) as err:
        service.authenticate(db, "0999999999", GOOD_PASSWORD)
    assert err.value.code == "error.login_failed"


def test_account_locks_after_repeated_failures(db) -> None:
    make_user(db)
    for _ in range(service.ACCOUNT_LOCK_FAILURES):
        service.record_failed_login(db, "0903123456", "10.0.0.1")
    db.commit()
    with pytest.raises(DomainError) as err:
        service.authenticate(db, "0903123456", GOOD_PASSWORD, "10.0.0.2")
    assert err.value.code == "error.login_locked"


def test_source_locks_after_many_failures_across_accounts(db) -> None:
    make_user(db)
    for index in range(service.IP_LOCK_FAILURES):
        service.record_failed_login(db, f"09000000{index:02d}", "10.9.9.9")
    db.commit()
    with pytest.raises(DomainError):
        service.authenticate(db, "0903123456", GOOD_PASSWORD, "10.9.9.9")
    assert service.authenticate(db, "0903123456", GOOD_PASSWORD, "10.1.1.1")


def test_lock_expires(db) -> None:
    make_user(db)
    for _ in range(service.ACCOUNT_LOCK_FAILURES):
        service.record_failed_login(db, "0903123456", "")
    db.commit()
    later = utcnow() + service.LOCK_WINDOW + timedelta(seconds=1)
    service.check_not_locked(db, "0903123456", "", now=later)


def test_ticket_is_single_use_and_opens_session(db) -> None:
    user = make_user(db)
    raw = service.create_login_ticket(db, user.id, "/account")
    db.commit()
    token, next_path, user_id = service.redeem_login_ticket(db, raw, "pytest", "127.0.0.1")
    db.commit()
    assert next_path == "/account" and user_id == user.id
    status, info = service.lookup_session(db, token)
    assert status == "ok" and info.user_id == user.id
    with pytest.raises(DomainError):
        service.redeem_login_ticket(db, raw)


def test_expired_ticket_refused(db) -> None:
    user = make_user(db)
    raw = service.create_login_ticket(db, user.id)
    db.commit()
    ticket = db.get(LoginTicket, service.token_hash(raw))
    ticket.expires_at = utcnow() - timedelta(seconds=1)
    db.commit()
    with pytest.raises(DomainError):
        service.redeem_login_ticket(db, raw)


@pytest.mark.parametrize("path", ["https://evil.example/", "//evil.example", "javascript:alert(1)", "/\\evil"])
def test_next_path_never_leaves_the_site(path: str) -> None:
    assert service.safe_next_path(path) == "/"


def test_tampered_and_expired_session_cookies(db) -> None:
    user = make_user(db)
    token = service.open_session(db, user.id)
    db.commit()
    assert service.lookup_session(db, token[:-1] + ("A" if token[-1] != "A" else "B"))[0] == "invalid"
    assert service.lookup_session(db, None)[0] == "none"
    row = db.get(LoginSession, service.token_hash(token))
    row.expires_at = utcnow() - timedelta(minutes=1)
    db.commit()
    assert service.lookup_session(db, token) == ("expired", None)


def test_logout_all_devices(db) -> None:
    user = make_user(db)
    tokens = [service.open_session(db, user.id) for _ in range(3)]
    db.commit()
    assert len(service.list_sessions(db, user.id)) == 3
    assert service.close_all_sessions(db, user.id) == 3
    db.commit()
    assert all(service.lookup_session(db, t)[0] == "invalid" for t in tokens)


def test_cannot_close_someone_elses_session(db) -> None:
    mai = make_user(db)
    other = make_user(db, "0912000001", "Nguyễn Minh Khoa")
    token = service.open_session(db, other.id)
    db.commit()
    with pytest.raises(DomainError):
        service.close_own_session(db, mai.id, service.token_hash(token))
    assert service.lookup_session(db, token)[0] == "ok"


def _agency(db) -> Agency:
    agency = Agency(code="ca-ban-co", name_vi="Công an phường Bàn Cờ", name_en="Ban Co Ward Police", kind="police")
    db.add(agency)
    db.commit()
    return agency


def test_admin_assigns_roles_and_agency(db) -> None:
    admin = make_user(db, "admin@congdanso.example", "Quản trị")
    db.add(UserRole(user_id=admin.id, role="admin"))
    target = make_user(db, "0938000002", "Võ Thị Lan")
    agency = _agency(db)
    service.set_roles(db, admin.id, target.id, {"official"}, "ca-ban-co")
    db.commit()
    assert service.roles_of(db, target.id) == {"citizen", "official"}
    assert db.get(UserAccount, target.id).agency_id == agency.id


def test_citizen_cannot_assign_roles(db) -> None:
    citizen = make_user(db)
    _agency(db)
    with pytest.raises(NotAllowed):
        service.set_roles(db, citizen.id, citizen.id, {"admin"}, None)
    db.rollback()
    assert service.roles_of(db, citizen.id) == {"citizen"}


def test_official_needs_an_agency(db) -> None:
    admin = make_user(db, "admin@congdanso.example", "Quản trị")
    db.add(UserRole(user_id=admin.id, role="admin"))
    target = make_user(db, "0938000002", "Võ Thị Lan")
    with pytest.raises(DomainError) as err:
        service.set_roles(db, admin.id, target.id, {"official"}, None)
    assert err.value.code == "error.official_needs_agency"


def test_oidc_first_login_creates_then_links(db) -> None:
    claims = {"sub": "abc", "name": "Nguyễn Văn An", "email": "an@example.vn", "email_verified": True}
    first = service.login_with_oidc(db, "https://id.example", claims)
    db.commit()
    again = service.login_with_oidc(db, "https://id.example", claims)
    assert first.id == again.id
    assert count(db, UserAccount) == 1


def test_password_hashed_from_decomposed_text_still_logs_in_and_is_rehashed(db) -> None:
    """Text is NFC-normalised where it enters; a hash made earlier from combining marks (NFD) still matches."""
    import unicodedata

    typed = "Mật khẩu Phường 2026"
    user = make_user(db, password=unicodedata.normalize("NFC", typed))
    user.password_hash = service.HASHER.hash(unicodedata.normalize("NFD", typed))  # as an NFD keyboard made it
    db.commit()
    arriving = unicodedata.normalize("NFC", typed)  # what the boundary hands the service now
    assert service.authenticate(db, "0903123456", arriving).id == user.id
    db.commit()
    assert service.HASHER.verify(user.password_hash, arriving)  # rehashed from the normalised text
    with pytest.raises(DomainError):
        service.authenticate(db, "0903123456", "Mat khau Phuong 2026")
