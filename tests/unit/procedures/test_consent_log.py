"""Informed consent and an activity log that keeps its promise (issue 19): the consent screen names the data the
volunteer sees; consent given, used, revoked and expired reach the citizen's log in words with names and dossier
numbers; a volunteer's repeated "start" reopens the draft; reaching the signing step tells the citizen."""

from __future__ import annotations

from datetime import timedelta

import pytest

from citizen_app.core.timeutil import utcnow
from citizen_app.identity.activity import list_activity
from citizen_app.procedures import consent, flow, service
from citizen_app.procedures.helper_state import consent_screen, data_words
from citizen_app.procedures.hooks import NOTIFY
from citizen_app.procedures.models import ProcDossier
from tests.unit.procedures.conftest import MAI_PAGES, MORNING, PDF


@pytest.fixture()
def notices():
    seen: list = []
    with NOTIFY.replaced(seen.append):
        yield seen


def _log(db, user_id: int, lang: str = "vi") -> list[str]:
    return [entry.text for entry in reversed(list_activity(db, user_id, lang))]


def test_consent_screen_says_which_data_the_volunteer_sees(world):
    vi, en = data_words(["tam_tru"])
    assert vi == "Họ và tên, Ngày sinh, Giới tính, Số định danh cá nhân (số căn cước), Số điện thoại, Thư điện tử"
    assert "Personal ID number" in en and "Date of birth" in en and "Phone number" in en
    screen = consent_screen(world.volunteer, ["tam_tru"], "submit", 24)
    assert screen["scope_vi"] == "điền tờ khai và nộp hồ sơ bạn đã ký (không được ký hay thanh toán)"
    assert screen["procedures_vi"] == "Đăng ký tạm trú" and screen["hours"] == "24"
    assert "submit" not in screen.values() and "2 h" not in str(screen)  # no raw values
    first = consent.consent_text_hash(["tam_tru"], "submit", 24)
    assert first != consent.consent_text_hash(["tam_tru"], "draft", 24)  # the hash covers what was shown


def test_consent_given_used_revoked_in_her_log(db, world):
    grant = consent.grant_consent(db, world.mai.id, world.volunteer.id, ["tam_tru_danh_sach"], "draft", hours=2)
    dossier = flow.start(db, world.volunteer.id, "tam_tru_danh_sach", for_citizen_id=world.mai.id)
    for page_id, answers in MAI_PAGES.items():
        service.save_page(db, world.volunteer.id, dossier.id, page_id, answers, now=MORNING)
    service.add_attachment(db, world.volunteer.id, dossier.id, "lawful_residence_proof", "a.pdf", PDF)
    consent.revoke_consent(db, world.mai.id, grant.id)
    log = _log(db, world.mai.id)
    until = log[0].split("đến ")[-1]
    assert log == [
        "Bạn cho phép tình nguyện viên Hoàng Tổ CNS điền tờ khai (không được nộp, ký hay thanh toán) cho thủ tục: "
        f"Đăng ký tạm trú theo danh sách, đến {until}",
        f"Tình nguyện viên Hoàng Tổ CNS mở hồ sơ {dossier.number} — Đăng ký tạm trú theo danh sách cho bạn "
        "(theo sự đồng ý của bạn).",
        f"Tình nguyện viên Hoàng Tổ CNS điền tờ khai hồ sơ {dossier.number} cho bạn.",  # five pages: one line
        f"Tình nguyện viên Hoàng Tổ CNS tải giấy tờ lên hồ sơ {dossier.number}.",
        "Bạn đã thu hồi quyền giúp của tình nguyện viên Hoàng Tổ CNS (Đăng ký tạm trú theo danh sách). Từ nay "
        "người này không mở được hồ sơ của bạn.",
    ]
    assert _log(db, world.mai.id, "en")[-1].startswith("You withdrew volunteer Hoàng Tổ CNS's permission")


def test_expired_consent_is_logged_once_by_the_job(db, world):
    grant = consent.grant_consent(db, world.mai.id, world.volunteer.id, ["tam_tru"], "submit", hours=1)
    later = utcnow() + timedelta(hours=2)
    assert consent.log_expired_consents(db, now=utcnow()) == []
    assert [c.id for c in consent.log_expired_consents(db, now=later)] == [grant.id]
    assert consent.log_expired_consents(db, now=later + timedelta(hours=1)) == []  # once
    assert _log(db, world.mai.id)[-1].startswith("Quyền giúp của tình nguyện viên Hoàng Tổ CNS (Đăng ký tạm trú) "
                                                  "đã hết hạn lúc")
    revoked = consent.grant_consent(db, world.mai.id, world.volunteer.id, ["tam_tru"], "submit", hours=1)
    consent.revoke_consent(db, world.mai.id, revoked.id)
    assert consent.log_expired_consents(db, now=later + timedelta(hours=2)) == []  # revoked: not "expired"


def test_start_again_reopens_the_open_draft(db, world):
    consent.grant_consent(db, world.mai.id, world.volunteer.id, ["tam_tru", "tam_tru_danh_sach"], "draft", hours=2)
    first = flow.start(db, world.volunteer.id, "tam_tru_danh_sach", for_citizen_id=world.mai.id)
    again = flow.start(db, world.volunteer.id, "tam_tru_danh_sach", for_citizen_id=world.mai.id)
    other = flow.start(db, world.volunteer.id, "tam_tru", for_citizen_id=world.mai.id)
    assert again.id == first.id and other.id != first.id
    assert len(db.exec(service.select(ProcDossier)).all()) == 2


def test_reaching_the_signing_step_tells_her_once(db, world, notices):
    consent.grant_consent(db, world.mai.id, world.volunteer.id, ["tam_tru_danh_sach"], "submit", hours=2)
    dossier = flow.start(db, world.volunteer.id, "tam_tru_danh_sach", for_citizen_id=world.mai.id)
    assert not flow.hand_over_for_signing(db, world.volunteer.id, dossier.id)  # not complete yet
    for page_id, answers in MAI_PAGES.items():
        service.save_page(db, world.volunteer.id, dossier.id, page_id, answers, now=MORNING)
    service.add_attachment(db, world.volunteer.id, dossier.id, "lawful_residence_proof", "a.pdf", PDF)
    assert flow.hand_over_for_signing(db, world.volunteer.id, dossier.id)
    assert flow.hand_over_for_signing(db, world.volunteer.id, dossier.id)  # reload: told before, not again
    assert not flow.hand_over_for_signing(db, world.mai.id, dossier.id)  # she is the owner
    assert [(n.user_id, n.key, n.url) for n in notices] == [
        (world.mai.id, "procedures.notice.sign_waiting", f"/procedures/draft/{dossier.id}/sign")]
    assert notices[0].params["helper"] == "Hoàng Tổ CNS" and notices[0].params["number"] == dossier.number
    assert f"chuẩn bị xong hồ sơ {dossier.number} và chuyển cho bạn ký" in _log(db, world.mai.id)[-1]
