"""Hash-chained activity log and the identity profile levels."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import text

from citizen_app.core.errors import DomainError, NotAllowed
from citizen_app.identity import activity
from citizen_app.identity.desk import verify_profile
from citizen_app.identity.models import UserAccount
from citizen_app.identity.profile import ProfileInput, apply_oidc_claims, save_profile, validate_id_number
from tests.unit.identity.helpers import ID_NUMBER, WARD, make_user, make_verified_citizen, make_ward_official


def _log(db, user_id: int, n: int = 3) -> None:
    for i in range(n):
        activity.record_activity(db, user_id, "consent_given", "identity.activity.consent_given",
                                 {"party": f"RP {i}", "claims": "age_over_18"})
    db.commit()


def test_chain_links_and_renders(db):
    user = make_user(db)
    _log(db, user.id)
    activity.record_activity(db, user.id, "helper_action", "identity.activity.helper_action",
                             {"action": "nộp hồ sơ"}, actor_id=make_user(db, "Tình nguyện viên").id)
    report = activity.verify_chain(db, user.id)
    assert report.ok and report.count == 4
    views = activity.list_activity(db, user.id, "vi")
    assert views[0].by_other and "nộp hồ sơ" in views[0].text
    assert "RP 2" in activity.list_activity(db, user.id, "en")[1].text
    exported = activity.export_activity(db, user.id)
    assert exported[1]["prev_hash"] == exported[0]["hash"]


@pytest.mark.parametrize("tamper", [
    "UPDATE identity_activity SET params_json = '{\"party\":\"Khác\"}' WHERE seq = 2",
    "DELETE FROM identity_activity WHERE seq = 2",
    "UPDATE identity_activity SET kind = 'login' WHERE seq = 1",
])
def test_tamper_detected(db, tamper):
    user = make_user(db)
    _log(db, user.id)
    db.exec(text(tamper))
    db.commit()
    report = activity.verify_chain(db, user.id)
    assert not report.ok and report.first_bad_seq in (1, 2, 3)


def test_cli_exit_code(db, engine, monkeypatch, capsys):
    from contextlib import contextmanager

    from sqlmodel import Session

    @contextmanager
    def scope():
        with Session(engine) as session:
            yield session

    monkeypatch.setattr("citizen_app.core.db.session_scope", scope)
    user = make_user(db)
    _log(db, user.id)
    assert activity.main(["verify"]) == 0
    db.exec(text("UPDATE identity_activity SET summary_key = 'x' WHERE seq = 3"))
    db.commit()
    assert activity.main(["verify"]) == 1
    assert "TAMPERED" in capsys.readouterr().out


def test_unknown_kind_refused(db):
    with pytest.raises(DomainError):
        activity.record_activity(db, make_user(db).id, "hack", "x", {})


def test_id_number_validation():
    assert validate_id_number("079 060 001 234", date(1960, 5, 17), "M") == ID_NUMBER
    for bad, code in [("07906000123", "id_format"), ("999060001234", "id_province"),
                      ("079160001234", "id_sex_mismatch"), ("079061001234", "id_birth_mismatch")]:
        with pytest.raises(DomainError) as err:
            validate_id_number(bad, date(1960, 5, 17), "M")
        assert err.value.code == f"identity.profile.{code}"
    assert validate_id_number("079305001234", date(2005, 1, 1), "F")


def test_verified_field_change_drops_level(db):
    citizen = make_verified_citizen(db)
    assert db.get(UserAccount, citizen.id).identity_level == 2
    base = dict(full_name="Nguyễn Văn An", birth_date=date(1960, 5, 17), sex="M", id_number=ID_NUMBER,
                address="12 Lê Lợi, Bến Nghé", ward="Bến Nghé")
    profile = save_profile(db, citizen.id, ProfileInput(**base, phone="0912345678"))
    assert profile.level == 2  # contact details are not verified fields
    profile = save_profile(db, citizen.id, ProfileInput(**{**base, "address": "5 Hai Bà Trưng"}))
    assert profile.level == 1 and db.get(UserAccount, citizen.id).identity_level == 1
    assert activity.verify_chain(db, citizen.id).ok


def test_verification_rules(db):
    citizen = make_user(db)
    save_profile(db, citizen.id, ProfileInput(full_name="Lê Văn C", birth_date=date(1960, 5, 17), sex="M",
                                              id_number=ID_NUMBER, ward=WARD))
    with pytest.raises(NotAllowed):
        verify_profile(db, citizen.id, citizen.id, ID_NUMBER)
    official = make_ward_official(db)
    with pytest.raises(DomainError) as err:
        verify_profile(db, official.id, citizen.id, "079060009999")
    assert err.value.code == "identity.profile.id_card_mismatch"
    assert verify_profile(db, official.id, citizen.id, ID_NUMBER).level == 2
    other = make_user(db, "Người khác")
    with pytest.raises(DomainError) as err:
        save_profile(db, other.id, ProfileInput(full_name="Người khác", id_number=ID_NUMBER))
    assert err.value.code == "identity.profile.id_taken"


def test_oidc_level2(db):
    user = make_user(db)
    profile = apply_oidc_claims(db, user.id, {"name": "Phạm Thị D", "birthdate": "1958-02-03", "gender": "female",
                                              "acr": "urn:vneid:level2"})
    assert profile.level == 2 and profile.verified_method == "oidc" and profile.sex == "F"
