"""The handlers of the /wallet pages (identity, wallet and signing states) authorize on the server: crafted events
from a browser change nothing."""

from __future__ import annotations

import re

import reflex as rx
from reflex.istate.data import RouterData
from sqlmodel import Session, select

from citizen_app.core.db import session_scope
from citizen_app.core.registry import import_pillar_modules
from citizen_app.i18n.catalog import translate
from citizen_app.identity import service
from citizen_app.identity.crypto import new_p256_key, public_jwk
from citizen_app.identity.desk_state import DeskState
from citizen_app.identity.profile import get_profile
from citizen_app.identity.profile_state import ActivityState, ProfileState
from citizen_app.identity.state import AuthState
from citizen_app.signing.state import SigningCertState
from citizen_app.wallet import credentials as cr
from citizen_app.wallet.state import PresentState, StudentOfferState, VerifierState, WalletState
from tests.unit.identity.helpers import ID_NUMBER, make_user, make_verified_citizen, make_ward_official


def _states(cookie: str = ""):
    root = rx.State()
    root.router = RouterData.from_router_data(
        {"headers": {"cookie": cookie}, "pathname": "/", "query": {}, "client_ip": "127.0.0.1"})

    def sub(cls):
        return root.get_substate(cls.get_full_name().split(".")[1:])

    return sub


def _logged_in(user_id: int):
    with session_scope() as db:
        token = service.open_session(db, user_id)
    sub = _states(f"cds_sid={token}")
    AuthState.load_session.fn(sub(AuthState))
    return sub


def _seed(engine) -> dict[str, int]:
    with Session(engine, expire_on_commit=False) as db:
        mai = make_verified_citizen(db)
        mai.phone = "0903123456"
        other = make_user(db, "Trần Văn Khác")
        official = make_ward_official(db, "Võ Thị Lan")
        record = cr.issue_credential(db, mai.id, "age60", public_jwk(new_p256_key())).record
        db.commit()
        return {"mai": mai.id, "other": other.id, "official": official.id, "cred": record.id or 0}


async def test_citizen_cannot_use_the_verification_desk(app_db) -> None:
    ids = _seed(app_db)
    desk = _logged_in(ids["other"])(DeskState)
    await DeskState.search.fn(desk, {"phone": "0903123456"})
    assert desk.citizen == {} and desk.error["en"] == "You are not allowed to do this."
    desk._target = ids["mai"]  # even a forged target id is refused by the service
    await DeskState.verify.fn(desk, {"id_number": ID_NUMBER})
    assert desk.error["en"] == "You are not allowed to do this."


async def test_official_searches_then_verifies(app_db) -> None:
    ids = _seed(app_db)
    with session_scope() as db:
        get_profile(db, ids["mai"]).level = 1
    desk = _logged_in(ids["official"])(DeskState)
    await DeskState.search.fn(desk, {"phone": "0903123456"})
    assert desk.citizen["name"] == "Nguyễn Văn An" and desk.citizen["level"] == "1"
    await DeskState.verify.fn(desk, {"id_number": "079060009999"})
    assert desk.error["vi"] == "Số trên thẻ căn cước không khớp với hồ sơ."
    await DeskState.verify.fn(desk, {"id_number": ID_NUMBER})
    assert desk.citizen["level"] == "2" and desk.error == {}


async def test_desk_search_shows_no_id_digits(app_db) -> None:
    ids = _seed(app_db)
    desk = _logged_in(ids["official"])(DeskState)
    await DeskState.search.fn(desk, {"phone": "0903123456"})
    assert desk.citizen["name"] == "Nguyễn Văn An" and desk.error == {}
    shown = " ".join(desk.citizen.values())
    assert not re.search(r"\d{3}", shown.replace("1960", "")), shown  # no ID digits, only the year of birth
    assert "Lê Lợi" not in shown and "17/05" not in shown  # nor the street address or full birth date


async def test_desk_forms_only_for_ward_officials(app_db) -> None:
    ids = _seed(app_db)
    with session_scope() as db:
        volunteer = make_user(db, "Đỗ Quang Huy", ("volunteer",)).id
    for user_id, can_check in ((volunteer, False), (ids["other"], False), (ids["official"], True)):
        desk = _logged_in(user_id)(DeskState)
        await DeskState.reset_desk.fn(desk)
        assert desk.can_check is can_check
    assert desk.ward == "Bến Nghé"
    volunteer_desk = _logged_in(volunteer)(DeskState)
    volunteer_desk._target = ids["mai"]  # a crafted event: the service refuses
    await DeskState.issue_recovery.fn(volunteer_desk, {"id_number": ID_NUMBER})
    assert volunteer_desk.recovery_code == "" and volunteer_desk.error["en"] == "You are not allowed to do this."


async def test_student_offer_is_a_section_of_the_desk_page(app_db) -> None:
    """The wallet adds its student credential offer to identity's desk page (``DESK_SECTIONS``): its messages show
    at the top of the desk page, and loading the page again clears the last offer."""
    import_pillar_modules("pages")  # the wallet's pages add their section to the desk page
    ids = _seed(app_db)
    student = {"phone": "0903123456", "school": "Trường ĐH Bách khoa", "student_name": "Nguyễn Văn An"}
    sub = _logged_in(ids["other"])
    await StudentOfferState.make.fn(sub(StudentOfferState), student)
    assert sub(StudentOfferState).offer == "" and sub(DeskState).error["en"] == "You are not allowed to do this."
    sub = _logged_in(ids["official"])
    desk, offer = sub(DeskState), sub(StudentOfferState)
    await StudentOfferState.make.fn(offer, student)
    assert offer.offer.startswith("cdsof1:") and desk.info["en"] == translate("identity.desk.offer_ready", "en")
    await DeskState.reset_desk.fn(desk)
    assert offer.offer == "" and desk.info == {}


async def test_revoking_someone_elses_credential_is_refused(app_db) -> None:
    ids = _seed(app_db)
    for attacker in ("other", "official"):
        wallet = _logged_in(ids[attacker])(WalletState)
        await WalletState.revoke.fn(wallet, str(ids["cred"]))
        assert wallet.error["en"] == "Not found."
    with session_scope() as db:
        assert db.get(cr.IssuedCredential, ids["cred"]).revoked_at is None


async def test_anonymous_wallet_events_are_refused(app_db) -> None:
    ids = _seed(app_db)
    sub = _states("")
    wallet = sub(WalletState)
    await WalletState.revoke.fn(wallet, str(ids["cred"]))
    assert wallet.error["en"] == "Please log in to continue."
    assert await WalletState.request.fn(wallet, "age60") is None
    await WalletState.request.fn(wallet, "student")
    assert wallet.error["en"] == "Unknown credential type."
    present = sub(PresentState)
    assert PresentState.make.fn(present) is None and present.error


async def test_public_verifier_keeps_its_nonce_server_side(app_db) -> None:
    _seed(app_db)
    verifier = _states("")(VerifierState)
    await VerifierState.new_request.fn(verifier)
    assert verifier.request_qr.startswith("cdsvp1:") and verifier.audience == "cds:v:web"
    assert verifier._nonce and verifier._nonce in verifier.request_qr
    assert "_nonce" not in verifier.get_delta().get(verifier.get_full_name(), {})
    VerifierState.check_text.fn(verifier, "not a credential")
    assert verifier.checked and not verifier.valid and verifier.reason["en"]


async def test_profile_edit_of_verified_field_drops_to_level_1(app_db) -> None:
    ids = _seed(app_db)
    state = _logged_in(ids["mai"])(ProfileState)
    await ProfileState.load.fn(state)
    assert state.values["level"] == "2" and state.values["birth_date"] == "1960-05-17"
    form = {**state.values, "address": "99 Nguyễn Thiện Thuật, Bàn Cờ"}
    await ProfileState.save.fn(state, form)
    assert state.values["level"] == "1" and state.info["en"].startswith("Saved. The account is back to level 1")
    await ProfileState.save.fn(state, {**form, "id_number": "12345"})
    assert state.error["en"] == "The personal ID number must have exactly 12 digits."


async def test_signing_certificate_needs_level_2_then_enrols(app_db) -> None:
    ids = _seed(app_db)
    other = _logged_in(ids["other"])(SigningCertState)
    await SigningCertState.enrol.fn(other)
    assert other.error["en"] == "Level 2 identity verification is needed to sign." and other.cert == {}
    mai = _logged_in(ids["mai"])(SigningCertState)
    await SigningCertState.enrol.fn(mai)
    assert mai.error == {} and "Nguyễn Văn An" in mai.cert["subject"]


async def test_activity_page_lists_newest_first_and_checks_the_chain(app_db) -> None:
    ids = _seed(app_db)
    state = _logged_in(ids["mai"])(ActivityState)
    await ActivityState.load.fn(state)
    seqs = [int(e["seq"]) for e in state.entries]
    assert seqs == sorted(seqs, reverse=True) and len(seqs) >= 3
    await ActivityState.verify_chain.fn(state)
    assert state.chain["ok"] == "1" and state.chain["vi"].startswith("Nhật ký nguyên vẹn")


async def test_offer_to_another_wallet_is_the_signed_in_citizens_own(app_db) -> None:
    """The OpenID4VCI offer is made for the acting user only; anonymous and level-1 users get nothing."""
    from citizen_app.wallet.models import VciOffer

    ids = _seed(app_db)
    anonymous = _states()(WalletState)
    await WalletState.offer_to_wallet.fn(anonymous, {"vci_age18": "on"})
    assert anonymous.vci_offer == "" and anonymous.error
    level1 = _logged_in(ids["other"])(WalletState)
    await WalletState.offer_to_wallet.fn(level1, {"vci_identity": "on"})
    assert level1.vci_offer == "" and level1.error["en"].startswith("Level 2")
    wallet = _logged_in(ids["mai"])(WalletState)
    await WalletState.offer_to_wallet.fn(wallet, {"vci_age18": "on", "vci_identity": "on"})
    assert wallet.vci_offer.startswith("openid-credential-offer://?credential_offer=")
    assert re.fullmatch(r"\d{6}", wallet.vci_tx_code)
    with Session(app_db) as db:
        offers = db.exec(select(VciOffer)).all()
    assert [(o.user_id, o.kinds) for o in offers] == [(ids["mai"], "identity,age18")]


async def test_openid_console_and_answer_pages_authorize_and_show_words(app_db) -> None:
    """Only a registered party's roles get questions; the citizen reads the party's name, purpose and claims."""
    from citizen_app.wallet.oid4vp_state import OpenidAnswerState, OpenidConsoleState

    ids = _seed(app_db)
    citizen_console = _logged_in(ids["mai"])(OpenidConsoleState)
    await OpenidConsoleState.load.fn(citizen_console)
    assert citizen_console.parties == []
    await OpenidConsoleState.make.fn(citizen_console, {"question": "cds-rp-metro-youth|age18"})
    assert citizen_console.link == "" and citizen_console.error
    console = _logged_in(ids["official"])(OpenidConsoleState)
    await OpenidConsoleState.load.fn(console)
    assert {"value": "cds-rp-metro-youth|age18", "vi": "Đường sắt đô thị số 1 — vé ưu đãi: Trên 18 tuổi",
            "en": "Metro Line 1 — reduced fares: Over 18"} in console.parties
    await OpenidConsoleState.make.fn(console, {"question": "cds-rp-metro-youth|age18"})
    assert console.link.startswith("openid4vp://?client_id=cds-rp-metro-youth&request_uri=")
    await OpenidConsoleState.check.fn(console)
    assert console.outcome == "waiting"
    answer = _logged_in(ids["mai"])(OpenidAnswerState)
    await OpenidAnswerState.read.fn(answer, {"request": console.link})
    assert answer.known and answer.asker["en"] == "Metro Line 1 — reduced fares"
    assert answer.claims == [{"vi": "Trên 18 tuổi", "en": "Over 18"}] and answer.purpose["vi"]
    assert answer.asker_logo == "/wallet/logos/metro-line1.svg"
    # the camera's QR goes the same way as a pasted link; a browser without a scanner says so in words
    scanned = OpenidAnswerState.scanned.fn(answer, {"ok": True, "text": console.link})
    assert scanned.handler.fn is OpenidAnswerState.read.fn and dict(scanned.args)  # read() with the scanned text
    assert console.link in str(scanned.args)
    assert OpenidAnswerState.scanned.fn(answer, {"ok": False, "code": "identity.ui.no_scanner"}) is None
    assert answer.error
    anonymous = _states()(OpenidAnswerState)
    await OpenidAnswerState.read.fn(anonymous, {"request": console.link})
    assert anonymous.claims == [] and anonymous.error
