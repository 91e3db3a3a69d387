"""The ward desk: only an official of the citizen's ward checks ID cards; the look-up shows no ID digits; wrong
ID numbers are limited (3 per citizen, 10 per official, 15 minutes), logged and alerted on every channel."""

from __future__ import annotations

from dataclasses import asdict
from datetime import date, timedelta

import pytest
from sqlmodel import Session, select

from citizen_app.core.db import session_scope
from citizen_app.core.errors import DomainError, NotAllowed, NotFound
from citizen_app.core.timeutil import utcnow
from citizen_app.identity import desk, recovery
from citizen_app.identity.activity import list_activity
from citizen_app.identity.models import (
    ActivityEntry,
    Agency,
    IdentityProfile,
    LoginAttempt,
    UserAccount,
    UserRole,
    WebauthnChallenge,
)
from citizen_app.identity.profile import ProfileInput, save_profile
from citizen_app.notify.models import NotifyDevMessage, NotifyNotification, NotifyOutbox, NotifyPushSubscription
from tests.unit.identity.helpers import (
    ID_NUMBER,
    WARD,
    make_user,
    make_verified_citizen,
    make_ward_official,
    ward_agency,
)

PHONE = "0903555111"
EMAIL = "an.nguyen@example.vn"
WRONG = "079060009999"


@pytest.fixture(autouse=True)
def dev_outbox(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CDS_DEV_OUTBOX", "1")
    monkeypatch.delenv("MESSAGING_PROVIDER", raising=False)


def _citizen(db: Session, id_number: str = ID_NUMBER, phone: str = PHONE) -> UserAccount:
    user = make_verified_citizen(db, id_number=id_number)
    user.phone = phone
    db.commit()
    return user


def _codes(db: Session, user_id: int) -> list[WebauthnChallenge]:
    return list(db.exec(select(WebauthnChallenge).where(WebauthnChallenge.user_id == user_id)).all())


def _alerts(db: Session, user_id: int) -> list[str]:
    return list(db.exec(select(NotifyNotification.title_key).where(NotifyNotification.user_id == user_id)).all())


def _texts(db: Session, recipient: str) -> list[str]:
    return list(db.exec(select(NotifyDevMessage.body).where(NotifyDevMessage.recipient == recipient)).all())


def test_volunteer_can_never_look_up_verify_or_issue_recovery_codes(db: Session) -> None:
    citizen = _citizen(db)
    volunteer = make_user(db, "Đỗ Quang Huy", ("volunteer",))
    with pytest.raises(NotAllowed):
        desk.find_citizen(db, volunteer.id, PHONE)
    with pytest.raises(NotAllowed):
        desk.verify_profile(db, volunteer.id, citizen.id, ID_NUMBER)
    with pytest.raises(NotAllowed):
        recovery.issue_recovery_code(db, volunteer.id, citizen.id, ID_NUMBER)
    assert _codes(db, citizen.id) == []


def test_administrator_and_city_level_official_are_refused(db: Session) -> None:
    citizen = _citizen(db)
    admin = make_user(db, "Quản trị", ("admin",))
    city = Agency(code="ubnd-tphcm", name_vi="UBND TP.HCM", name_en="HCMC", kind="city", ward="")
    db.add(city)
    db.flush()
    city_official = make_user(db, "Cán bộ thành phố", ("official",))
    city_official.agency_id = city.id
    db.flush()
    with pytest.raises(NotAllowed):
        recovery.issue_recovery_code(db, admin.id, citizen.id, ID_NUMBER)
    with pytest.raises(NotAllowed) as err:
        recovery.issue_recovery_code(db, city_official.id, citizen.id, ID_NUMBER)
    assert err.value.code == "identity.desk.ward_officials_only"
    assert _codes(db, citizen.id) == []


def test_official_of_another_ward_is_refused_and_learns_nothing(db: Session) -> None:
    citizen = _citizen(db)
    stranger = make_ward_official(db, "Võ Thị Lan", ward="Bàn Cờ")
    with pytest.raises(NotAllowed) as err:
        recovery.issue_recovery_code(db, stranger.id, citizen.id, ID_NUMBER)
    assert err.value.code == "identity.desk.other_ward"
    with pytest.raises(NotAllowed):
        desk.verify_profile(db, stranger.id, citizen.id, ID_NUMBER)
    with pytest.raises(NotFound) as err:
        desk.find_citizen(db, stranger.id, PHONE)
    assert err.value.code == "identity.desk.not_found"  # the same answer as an unknown number
    assert _codes(db, citizen.id) == []


def test_citizens_ward_comes_from_the_address_when_the_ward_field_is_empty(db: Session) -> None:
    citizen = make_user(db, "Trần Văn Địa")
    citizen.phone = "0903555222"
    save_profile(db, citizen.id, ProfileInput(full_name="Trần Văn Địa", address="3 Lê Lợi, Phường Bến Nghé, TP.HCM"))
    official = make_ward_official(db)
    assert desk.find_citizen(db, official.id, "0903555222").ward == "Bến Nghé"


def test_lookup_shows_no_id_digits_and_only_what_recognises_the_person(db: Session) -> None:
    citizen = _citizen(db)
    official = make_ward_official(db, "Phạm Văn Bình")
    found = desk.find_citizen(db, official.id, "0903 555 111")
    shown = asdict(found)
    assert set(shown) == {"user_id", "full_name", "birth_year", "ward", "level"}
    assert (found.full_name, found.birth_year, found.ward, found.level) == ("Nguyễn Văn An", "1960", WARD, 2)
    text = " ".join(str(value) for value in shown.values())
    assert ID_NUMBER[-3:] not in text and "17/05" not in text and "Lê Lợi" not in text
    assert list_activity(db, citizen.id, "en")[0].by_other  # the look-up is in the citizen's log


def _try(official_id: int, citizen_id: int, typed: str, now=None) -> str:
    """One desk action in its own transaction, as the page runs it; the error code, or "" on success."""
    try:
        with session_scope() as db:
            recovery.issue_recovery_code(db, official_id, citizen_id, typed, now=now)
    except DomainError as exc:
        return exc.code
    return ""


def _seed(engine, citizens: int = 1) -> tuple[int, list[int]]:
    with Session(engine, expire_on_commit=False) as db:
        ids = [_citizen(db, id_number=f"079060{i:06d}", phone=f"0903555{i:03d}").id for i in range(1, citizens + 1)]
        official = make_ward_official(db, "Phạm Văn Bình")
        db.commit()
        return official.id, ids


def test_three_wrong_numbers_stop_the_desk_for_that_citizen_and_alert_them(app_db) -> None:
    official, (citizen,) = _seed(app_db)
    assert [_try(official, citizen, typed) for typed in (WRONG, "０７９０６０ số", WRONG)] == [
        "identity.profile.id_card_mismatch", "identity.profile.id_card_mismatch", "identity.desk.locked"]
    assert _try(official, citizen, "079060000001") == "identity.desk.locked"  # even the right number now
    with session_scope() as db:
        assert _codes(db, citizen) == []
        keys = db.exec(select(ActivityEntry.summary_key).where(ActivityEntry.user_id == citizen)).all()
        assert keys.count("identity.activity.desk_wrong_card") == 3
        assert keys.count("identity.activity.desk_refused") == 2
        assert _alerts(db, citizen).count("identity.alert.desk_locked_title") == 1  # one alert, not one per try
        assert any("15" in body for body in _texts(db, "0903555001"))
        failures = db.exec(select(LoginAttempt).where(LoginAttempt.identifier == f"desk:citizen:{citizen}")).all()
        assert len(failures) == 3
    later = utcnow() + timedelta(minutes=16)
    assert _try(official, citizen, "079060000001", now=later) == ""  # the window has passed


def test_ten_wrong_numbers_stop_the_official_across_citizens(app_db) -> None:
    official, citizens = _seed(app_db, citizens=6)
    results = [_try(official, citizen, WRONG) for citizen in citizens[:5] for _ in range(2)]
    assert results[:9] == ["identity.profile.id_card_mismatch"] * 9 and results[9] == "identity.desk.locked"
    assert _try(official, citizens[5], "079060000006") == "identity.desk.locked"
    with session_scope() as db:
        assert _codes(db, citizens[5]) == []
        assert "identity.alert.desk_locked_title" in _alerts(db, citizens[5])  # told although nothing was wrong
        refused = db.exec(select(ActivityEntry).where(ActivityEntry.user_id == citizens[5],
                                                      ActivityEntry.summary_key == "identity.activity.desk_refused"))
        assert refused.one().actor_id == official
    with session_scope() as db:
        other = make_ward_official(db, "Lê Văn Khác")
        other_id = other.id
    assert _try(other_id, citizens[5], "079060000006") == ""  # another official is not stopped


def test_verification_counts_wrong_numbers_too(app_db) -> None:
    official, (citizen,) = _seed(app_db)
    with session_scope() as db:
        db.exec(select(IdentityProfile).where(IdentityProfile.user_id == citizen)).one().level = 1
    codes = []
    for typed in (WRONG, WRONG, WRONG, "079060000001"):
        try:
            with session_scope() as db:
                desk.verify_profile(db, official, citizen, typed)
        except DomainError as exc:
            codes.append(exc.code)
    assert codes == ["identity.profile.id_card_mismatch", "identity.profile.id_card_mismatch",
                     "identity.desk.locked", "identity.desk.locked"]
    with session_scope() as db:
        assert db.exec(select(IdentityProfile).where(IdentityProfile.user_id == citizen)).one().level == 1


def test_alert_reaches_every_channel_of_the_citizen(db: Session) -> None:
    citizen = _citizen(db)
    citizen.email = EMAIL
    device = NotifyPushSubscription(user_id=citizen.id, endpoint="https://push.example/a", p256dh="k", auth="a")
    db.add(device)  # a device that chose no topic at all still gets security alerts
    official = make_ward_official(db, "Phạm Văn Bình")
    db.commit()
    issued = recovery.issue_recovery_code(db, official.id, citizen.id, ID_NUMBER)
    db.commit()
    assert "identity.alert.recovery_issued_title" in _alerts(db, citizen.id)
    assert db.exec(select(NotifyOutbox).where(NotifyOutbox.subscription_id == device.id)).first() is not None
    sms, mail = _texts(db, PHONE), _texts(db, EMAIL)
    assert len(sms) == 1 and len(mail) == 1 and "15" in sms[0]
    assert issued.code not in sms[0] + mail[0]  # the alert never carries the code itself


def test_verification_alerts_the_citizen(db: Session) -> None:
    citizen = make_user(db, "Lê Văn Mới")
    citizen.phone = "0903555333"
    save_profile(db, citizen.id, ProfileInput(full_name="Lê Văn Mới", birth_date=date(1960, 5, 17), sex="M",
                                              id_number=ID_NUMBER, ward=WARD))
    official = make_ward_official(db)
    desk.verify_profile(db, official.id, citizen.id, ID_NUMBER)
    assert _alerts(db, citizen.id) == ["identity.alert.verified_title"]
    assert len(_texts(db, "0903555333")) == 1


def test_recovery_code_is_bound_to_its_account_and_its_use_alerts_and_ends_sessions(db: Session) -> None:
    from citizen_app.identity.service import list_sessions, open_session

    citizen = _citizen(db)
    other = _citizen(db, id_number="079060004321", phone="0903555444")
    official = make_ward_official(db, "Phạm Văn Bình")
    open_session(db, citizen.id)
    issued = recovery.issue_recovery_code(db, official.id, citizen.id, ID_NUMBER)
    with pytest.raises(recovery.RecoveryInvalid):
        recovery.redeem_recovery_code(db, "0903555444", issued.code, "Phuong2026moi", "Phuong2026moi")
    assert db.get(UserAccount, other.id).password_hash is None
    recovery.redeem_recovery_code(db, PHONE, issued.code, "Phuong2026moi", "Phuong2026moi")
    assert list_sessions(db, citizen.id) == []
    assert "identity.alert.recovery_used_title" in _alerts(db, citizen.id)


def test_self_service_is_refused_even_for_a_ward_official(db: Session) -> None:
    official = _citizen(db)
    official_row = db.get(UserAccount, official.id)
    db.add(UserRole(user_id=official.id, role="official"))
    official_row.agency_id = ward_agency(db).id
    db.flush()
    with pytest.raises(NotAllowed) as err:
        desk.verify_profile(db, official.id, official.id, ID_NUMBER)
    assert err.value.code == "identity.profile.no_self_verify"
