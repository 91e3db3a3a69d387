"""The counter verifier and student offers behind the wallet pages."""

from __future__ import annotations

import pytest
from sqlmodel import Session

from citizen_app.core.db import session_scope
from citizen_app.core.errors import DomainError, NotAllowed, NotFound
from citizen_app.identity import views as identity_views
from citizen_app.identity.activity import list_activity
from citizen_app.identity.crypto import b64u, json_b64, jws_parse, new_p256_key, public_jwk, sign_es256
from citizen_app.wallet import credentials as cr
from citizen_app.wallet import service as views
from citizen_app.wallet.issuer import issuer_key
from citizen_app.wallet.qr_transport import encode_for_qr
from tests.unit.identity.helpers import make_user, make_verified_citizen


def _mai_with_age60(engine) -> tuple[int, object, str]:
    with Session(engine, expire_on_commit=False) as db:
        citizen = make_verified_citizen(db)
        holder = new_p256_key()
        credential = cr.issue_credential(db, citizen.id, "age60", public_jwk(holder)).credential
        db.commit()
        return citizen.id, holder, credential


def _request() -> cr.VerifierRequest:
    with session_scope() as db:
        return views.new_verifier_request(db, None)


def test_nonce_presentation_valid_then_replay_rejected(app_db) -> None:
    user_id, holder, credential = _mai_with_age60(app_db)
    req = _request()
    vp = encode_for_qr(cr.build_presentation(credential, [], holder, req.aud, req.nonce))
    result = views.verify_at_counter(vp, req.nonce)
    assert result.ok and result.headline["vi"] == "Trên 60 tuổi" and result.mode == "nonce"
    assert [line["label_vi"] for line in result.claims] == ["Trên 60 tuổi"]
    assert "birth" not in str(result.claims) and "1960" not in str(result.claims)
    replay = views.verify_at_counter(vp, req.nonce)
    assert not replay.ok and replay.reason["en"].startswith("This request was already used by the previous check")
    with session_scope() as db:
        texts = [row.text for row in list_activity(db, user_id, "en")]
    assert "Showed over-60 attestation to Digital Citizen's credential checking page (shared: Over 60)" in texts


def test_wrong_nonce_and_garbage_are_rejected_in_plain_language(app_db) -> None:
    _, holder, credential = _mai_with_age60(app_db)
    first, second = _request(), _request()
    vp = cr.build_presentation(credential, [], holder, first.aud, first.nonce)
    wrong = views.verify_at_counter(vp, second.nonce)
    assert not wrong.ok and wrong.reason["vi"] == "Mã yêu cầu không đúng, đã dùng hoặc đã hết hạn. Hãy tạo yêu cầu mới."
    assert views.verify_at_counter("VP1:%%%", first.nonce).reason["en"] == "The QR code is not a valid credential."
    assert not views.verify_at_counter("hello", None).ok


def test_one_time_mode_needs_no_nonce_but_only_once(app_db) -> None:
    _, holder, credential = _mai_with_age60(app_db)
    vp = cr.build_presentation(credential, [], holder, cr.ONE_TIME_AUD, "one-time-nonce-123")
    assert views.verify_at_counter(vp, None).mode == "one_time"
    assert views.verify_at_counter(vp, "whatever-nonce12").reason["en"].startswith("This code was already used")


def test_holder_revokes_only_own_credentials(db) -> None:
    citizen = make_verified_citizen(db)
    other = make_user(db, "Người Khác", ("official",))
    record = cr.issue_credential(db, citizen.id, "age18", public_jwk(new_p256_key())).record
    with pytest.raises(NotFound):
        views.revoke_own_credential(db, other.id, record.id)
    assert record.revoked_at is None
    views.revoke_own_credential(db, citizen.id, record.id)
    assert record.revoked_at is not None


def test_student_offer_made_by_official_redeemed_once_by_that_student(db) -> None:
    student = make_user(db, "Nguyễn Minh Khoa")
    student.phone = "0912000001"
    intruder = make_user(db, "Kẻ Gian")
    official = make_user(db, "Phạm Văn Bình", ("official",))
    db.commit()
    with pytest.raises(NotAllowed):
        views.make_student_offer(db, student.id, "0912000001", "ĐH Bách khoa", "Nguyễn Minh Khoa")
    offer = views.make_student_offer(db, official.id, "0912000001", "ĐH Bách khoa", "Nguyễn Minh Khoa")
    jwk = public_jwk(new_p256_key())
    with pytest.raises(NotAllowed):
        views.redeem_student_offer(db, intruder.id, offer, jwk)
    with pytest.raises(DomainError, match="identity.offer.invalid"):
        views.redeem_student_offer(db, student.id, offer[:-4] + "AAAA", jwk)
    issued = views.redeem_student_offer(db, student.id, offer, jwk)
    assert issued.record.kind == "student" and issued.record.issued_by == official.id
    with pytest.raises(DomainError, match="identity.offer.used"):
        views.redeem_student_offer(db, student.id, offer, jwk)


def test_student_offer_header_must_name_es256(db) -> None:
    """An offer signed by the issuer key but whose header names another algorithm ("none", HS256) is refused:
    the header is checked with the signature, not only the signature."""
    student = make_user(db, "Nguyễn Minh Khoa")
    student.phone = "0912000001"
    official = make_user(db, "Phạm Văn Bình", ("official",))
    db.commit()
    offer = views.make_student_offer(db, official.id, "0912000001", "ĐH Bách khoa", "Nguyễn Minh Khoa")
    header, payload, _, _ = jws_parse(offer[len(views.OFFER_PREFIX):])
    jwk = public_jwk(new_p256_key())
    for alg in ("none", "HS256"):
        signing_input = f"{json_b64({**header, 'alg': alg})}.{json_b64(payload)}"
        forged = f"{signing_input}.{b64u(sign_es256(issuer_key(), signing_input.encode()))}"
        with pytest.raises(DomainError, match="identity.offer.invalid"):
            views.redeem_student_offer(db, student.id, views.OFFER_PREFIX + forged, jwk)
    assert views.redeem_student_offer(db, student.id, offer, jwk).record.kind == "student"

def test_disclosure_is_limited_to_the_credential_type() -> None:
    assert views.default_disclosure("identity") == ["full_name"]
    assert views.default_disclosure("age60") == []
    assert views.clean_disclosure("identity", ["id_number", "age_over_60", "full_name"]) == ["full_name", "id_number"]
    assert identity_views.parse_birth_date("08/03/1966").isoformat() == "1966-03-08"
    with pytest.raises(DomainError):
        identity_views.parse_birth_date("31/02/1966")
