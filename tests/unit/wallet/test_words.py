"""The wallet in words people understand (issue 19): issuer, verifier and claim names instead of technical
values, the truth after a failed attempt against a verifier request, re-issued credentials replacing the old."""

from __future__ import annotations

from sqlmodel import Session

from citizen_app.core.db import session_scope
from citizen_app.identity.activity import list_activity
from citizen_app.identity.crypto import new_p256_key, public_jwk
from citizen_app.identity.models import Agency
from citizen_app.wallet import credentials as cr
from citizen_app.wallet import service as views
from citizen_app.wallet import words
from citizen_app.wallet.qr_transport import encode_for_qr
from tests.unit.identity.helpers import make_verified_citizen


def _citizen_with(engine, kind: str) -> tuple[int, object, str]:
    with Session(engine, expire_on_commit=False) as db:
        citizen = make_verified_citizen(db)
        holder = new_p256_key()
        credential = cr.issue_credential(db, citizen.id, kind, public_jwk(holder)).credential
        db.commit()
        return citizen.id, holder, credential


def test_a_failed_attempt_spends_the_request_and_the_genuine_code_is_told_why(app_db) -> None:
    _, holder, credential = _citizen_with(app_db, "age60")
    with session_scope() as db:
        req = views.new_verifier_request(db, None)
    someone_else = cr.build_presentation(credential, [], new_p256_key(), req.aud, req.nonce)  # not the holder
    failed = views.verify_at_counter(encode_for_qr(someone_else), req.nonce)
    assert not failed.ok and failed.consumed
    genuine = encode_for_qr(cr.build_presentation(credential, [], holder, req.aud, req.nonce))
    refused = views.verify_at_counter(genuine, req.nonce)
    assert not refused.ok
    assert "ảnh chụp" not in refused.reason["vi"] and "screenshot" not in refused.reason["en"]
    assert refused.reason["vi"].startswith("Yêu cầu kiểm tra này đã dùng cho lần kiểm tra trước")
    assert "Tạo yêu cầu mới" in refused.reason["vi"]


def test_verifier_sees_the_issuer_by_name_and_the_citizen_sees_who_asked(app_db) -> None:
    user_id, holder, credential = _citizen_with(app_db, "age18")
    with session_scope() as db:
        db.add(Agency(code="ca-ban-co", name_vi="Công an phường Bàn Cờ", name_en="Ban Co Ward Police", kind="police",
                      ward="Bàn Cờ"))
    with session_scope() as db:
        web = views.new_verifier_request(db, None)
    result = views.verify_at_counter(encode_for_qr(cr.build_presentation(credential, [], holder, web.aud, web.nonce)),
                                     web.nonce)
    assert result.ok and result.issuer.startswith("http")
    assert result.issuer_name["vi"] == "Công dân số — ứng dụng dịch vụ công của TP.HCM"
    assert words.verifier_name("cds:v:web")["vi"] == "Trang kiểm tra giấy tờ của Công dân số"
    assert words.verifier_name("cds:v:ca-ban-co") == {"vi": "Công an phường Bàn Cờ", "en": "Ban Co Ward Police"}
    assert words.verifier_name(cr.ONE_TIME_AUD)["en"] == "An in-person check (one-time QR code)"
    assert words.claim_list("age_over_18, full_name", "vi") == "Trên 18 tuổi, Họ và tên"
    with session_scope() as db:
        line = list_activity(db, user_id)[0].text
    assert line == ("Đã xuất trình xác nhận trên 18 tuổi cho Trang kiểm tra giấy tờ của Công dân số "
                    "(thông tin chia sẻ: Trên 18 tuổi)")
    assert "cds:" not in line and "age_over" not in line


def test_a_reissued_credential_replaces_the_old_entry(db) -> None:
    citizen = make_verified_citizen(db)
    first = cr.issue_credential(db, citizen.id, "age60", public_jwk(new_p256_key())).record
    second = cr.issue_credential(db, citizen.id, "age60", public_jwk(new_p256_key())).record
    other = cr.issue_credential(db, citizen.id, "age18", public_jwk(new_p256_key())).record
    rows = views.credential_rows(db, citizen.id)
    assert sorted(row.id for row in rows) == sorted([second.id, other.id]) and first.id not in {r.id for r in rows}
    views.revoke_own_credential(db, citizen.id, second.id)  # the newest revoked: the older valid one shows
    assert {row.id for row in views.credential_rows(db, citizen.id)} == {first.id, other.id}
