"""Help near you: directory search, help requests, team volunteers, and the step into helper-mode consent."""

from __future__ import annotations

import pytest
from sqlmodel import select

from citizen_app.city import directory, service
from citizen_app.core.errors import DomainError, NotAllowed, NotFound
from citizen_app.identity.models import ActivityEntry
from citizen_app.procedures import consent
from citizen_app.procedures.models import ProcHelperConsent
from tests.unit.city.helpers import make_user


@pytest.fixture()
def people(db):
    ids = {
        "mai": make_user(db, "0903123456", "Lê Thị Mai", "citizen", ward="Bàn Cờ"),
        "huy": make_user(db, "0977000001", "Đỗ Quang Huy", "citizen", "volunteer"),
        "other": make_user(db, "0977000002", "Tình nguyện viên khác", "citizen", "volunteer"),
        "admin": make_user(db, "admin@congdanso.example", "Quản trị", "citizen", "admin"),
    }
    service.add_team_member(db, ids["admin"], "cns-ban-co", ids["huy"])
    service.add_team_member(db, ids["admin"], "cns-ben-thanh", ids["other"])
    db.commit()
    return ids


def test_directory_is_searchable_by_ward_without_diacritics() -> None:
    assert directory.directory().sample is True
    codes = [p.code for p in directory.search_points(ward="phuong ban co")]
    assert codes == ["cns-ban-co", "ubnd-ban-co"]
    assert [p.code for p in directory.search_points(ward="Bàn Cờ", kind="digital_team")] == ["cns-ban-co"]
    assert "cns-xuan-hoa" in [p.code for p in directory.search_points("mua sam an toan")]
    point = directory.directory().point("cns-ban-co")
    assert point is not None and point.map_url.startswith("https://www.openstreetmap.org/?mlat=10.77450")


def test_request_taken_by_team_volunteer_then_consent(db, people) -> None:
    row = service.create_help_request(db, people["mai"], "cns-ban-co", "procedures", "Nhờ làm tạm trú", "tam_tru")
    db.commit()
    assert [v.id for v in service.team_requests(db, people["huy"])] == [row.id]
    assert service.team_requests(db, people["other"]) == []  # another team's volunteer sees nothing
    with pytest.raises(NotFound):
        service.take_help_request(db, people["other"], row.id)
    with pytest.raises(DomainError):
        service.grant_consent_for_request(db, people["mai"], row.id, ["tam_tru"])  # not taken yet
    service.take_help_request(db, people["huy"], row.id)
    db.commit()
    with pytest.raises(DomainError) as info:
        service.take_help_request(db, people["huy"], row.id)
    assert info.value.code == "city.help.already_taken"
    entry = db.exec(select(ActivityEntry).where(ActivityEntry.user_id == people["mai"])).one()
    assert entry.actor_id == people["huy"] and entry.kind == "helper_action"
    # the citizen grants helper-mode consent to exactly that volunteer
    consent_id = service.grant_consent_for_request(db, people["mai"], row.id, ["tam_tru"], "draft", 24)
    db.commit()
    granted = db.get(ProcHelperConsent, consent_id)
    assert granted.helper_id == people["huy"] and granted.subject_id == people["mai"]
    assert service.my_help_requests(db, people["mai"])[0].consent_id == consent_id


def test_volunteer_code_path_redeems_into_consent(db, people) -> None:
    row = service.create_help_request(db, people["mai"], "cns-ban-co", "procedures", "", "tam_tru")
    service.take_help_request(db, people["huy"], row.id)
    code = service.consent_code_for_request(db, people["huy"], row.id, ["tam_tru"])
    db.commit()
    granted = consent.redeem_consent_code(db, people["mai"], code)
    assert granted.helper_id == people["huy"]
    with pytest.raises(DomainError):
        service.consent_code_for_request(db, people["admin"], row.id, ["tam_tru"])


def test_rules_on_requests(db, people) -> None:
    with pytest.raises(NotAllowed):
        service.create_help_request(db, None, "cns-ban-co", "wallet")
    with pytest.raises(DomainError):
        service.create_help_request(db, people["mai"], "ubnd-ban-co", "wallet")  # an office, not a team
    with pytest.raises(DomainError):
        service.create_help_request(db, people["mai"], "cns-ban-co", "astrology")
    with pytest.raises(DomainError):
        service.create_help_request(db, people["mai"], "cns-ban-co", "procedures", procedure_code="nope")
    for _ in range(service.MAX_OPEN_REQUESTS):
        service.create_help_request(db, people["mai"], "cns-ban-co", "wallet")
    with pytest.raises(DomainError) as info:
        service.create_help_request(db, people["mai"], "cns-ban-co", "wallet")
    assert info.value.code == "city.help.too_many_open"
    with pytest.raises(NotAllowed):
        service.team_requests(db, people["mai"])  # citizens are not volunteers
    first = service.my_help_requests(db, people["mai"])[0]
    with pytest.raises(NotFound):
        service.cancel_help_request(db, people["huy"], first.id)
    assert service.cancel_help_request(db, people["mai"], first.id).status == "cancelled"
    with pytest.raises(NotAllowed):
        service.add_team_member(db, people["huy"], "cns-ban-co", people["huy"])
    with pytest.raises(DomainError):
        service.add_team_member(db, people["admin"], "cns-ban-co", people["mai"])


def test_add_member_by_login_checks_the_admin_before_looking_up_the_account(db, people) -> None:
    with pytest.raises(NotAllowed):
        service.add_team_member_by_login(db, people["mai"], "cns-ban-co", "0999999999")  # unknown phone
    with pytest.raises(NotAllowed):
        service.add_team_member_by_login(db, people["mai"], "cns-ban-co", "0977000002")  # known phone: same answer
    with pytest.raises(DomainError, match="city.help.user_unknown"):
        service.add_team_member_by_login(db, people["admin"], "cns-ban-co", "0999999999")
    row = service.add_team_member_by_login(db, people["admin"], "cns-ban-co", "0977000002")
    assert row.user_id == people["other"] and row.team_code == "cns-ban-co"
