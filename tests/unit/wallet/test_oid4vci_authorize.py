"""The rules of the OpenID4VCI authorization code flow with PKCE (wallet/oid4vci_authorize.py): registered wallets and
redirect URIs, S256 only, single-use short-lived codes bound to the wallet, the redirect URI, the verifier and the
citizen; a replayed code revokes the tokens it obtained."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path
from urllib.parse import unquote

import pytest
from sqlmodel import Session, select

from citizen_app.core.errors import DomainError, NotAllowed, NotFound
from citizen_app.core.timeutil import utcnow
from citizen_app.identity.activity import list_activity
from citizen_app.identity.crypto import epoch, jws_encode, new_p256_key, public_jwk
from citizen_app.identity.models import UserRole
from citizen_app.notify.models import NotifyNotification
from citizen_app.wallet import oid4vci
from citizen_app.wallet import oid4vci_authorize as authz
from citizen_app.wallet import oid4vci_deferred as deferred
from citizen_app.wallet.issuer import issuer_id
from citizen_app.wallet.models import VciAuthCode, VciDeferred, VciToken
from tests.unit.identity.helpers import make_user, make_verified_citizen, make_ward_official

VERIFIER = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"  # RFC 7636 appendix B
CHALLENGE = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"
REDIRECT = "https://wallet.example/cb"


def write_clients(folder: Path, monkeypatch: pytest.MonkeyPatch, **redirects: list[str]) -> None:
    registry = {"wallet_clients": [{"client_id": cid, "name": {"vi": f"Ví {cid}", "en": f"Wallet {cid}"},
                                    "redirect_uris": uris} for cid, uris in redirects.items()]}
    path = folder / "wallet_clients.json"
    path.write_text(json.dumps(registry), encoding="utf-8")
    monkeypatch.setenv(authz.CLIENTS_FILE_ENV, str(path))


@pytest.fixture()
def clients(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write_clients(tmp_path, monkeypatch, **{"wallet-1": [REDIRECT, "com.example.wallet:/cb", "http://127.0.0.1/cb"]})


def params(**extra: str) -> dict[str, str]:
    return {"response_type": "code", "client_id": "wallet-1", "redirect_uri": REDIRECT, "state": "s-1",
            "code_challenge": CHALLENGE, "code_challenge_method": "S256", "scope": "cds_age18"} | extra


def test_pkce_s256_matches_the_rfc_7636_vector() -> None:
    assert authz.pkce_s256(VERIFIER) == CHALLENGE
    assert authz.pkce_matches(VERIFIER, CHALLENGE)
    assert not authz.pkce_matches(VERIFIER[:-1] + "l", CHALLENGE)
    assert not authz.pkce_matches(CHALLENGE, CHALLENGE)  # sending the challenge back ("plain") does not pass
    assert not authz.pkce_matches("short", authz.pkce_s256("short"))  # RFC 7636 §4.1: 43 to 128 characters


@pytest.mark.parametrize(("uri", "allowed"), [
    ("https://wallet.example/cb", True), ("com.example.wallet:/cb", True), ("http://127.0.0.1:5000/cb", True),
    ("http://[::1]/cb", True), ("http://localhost/cb", False), ("http://wallet.example/cb", False),
    ("javascript:alert(1)", False), ("data:text/html,x", False), ("https://wallet.example/cb#f", False),
    ("https://user@wallet.example/cb", False), ("http://127.0.0.1:99999/cb", False),
])
def test_the_redirect_uri_forms_a_public_wallet_may_use(uri: str, allowed: bool) -> None:
    assert authz.redirect_uri_allowed(uri) is allowed


def test_redirect_uris_match_exactly_except_the_loopback_port() -> None:
    registered = [REDIRECT, "http://127.0.0.1/cb"]
    assert authz.redirect_uri_matches(registered, REDIRECT)
    assert authz.redirect_uri_matches(registered, "http://127.0.0.1:49152/cb")
    for other in (REDIRECT + "/", REDIRECT + "?x=1", "https://wallet.example/cb2", "https://evil.example/cb",
                  "http://127.0.0.1:49152/other", "HTTPS://wallet.example/cb"):
        assert not authz.redirect_uri_matches(registered, other), other


def test_a_registry_with_a_redirect_uri_no_wallet_may_use_is_refused(tmp_path, monkeypatch) -> None:
    write_clients(tmp_path, monkeypatch, bad=["http://wallet.example/cb"])
    with pytest.raises(ValueError, match="redirect URI"):
        authz.wallet_clients()


@pytest.mark.usefixtures("clients")
def test_unknown_wallet_or_redirect_uri_stays_on_our_page() -> None:
    for bad in ({"client_id": "nobody"}, {"redirect_uri": "https://evil.example/cb"}, {"redirect_uri": ""}):
        with pytest.raises(authz.PageRefusal):
            authz.check_request(params(**bad))


@pytest.mark.usefixtures("clients")
@pytest.mark.parametrize(("change", "oauth", "code"), [
    ({"code_challenge_method": "plain"}, "invalid_request", "identity.oid4vci.authz_pkce_method"),
    ({"code_challenge_method": ""}, "invalid_request", "identity.oid4vci.authz_pkce_method"),
    ({"code_challenge": "too-short"}, "invalid_request", "identity.oid4vci.authz_pkce_missing"),
    ({"response_type": "token"}, "unsupported_response_type", "identity.oid4vci.authz_response_type"),
    ({"scope": "openid"}, "invalid_scope", "identity.oid4vci.authz_nothing_asked"),
    ({"resource": "https://other.example"}, "invalid_target", "identity.oid4vci.authz_resource"),
    ({"authorization_details": '[{"type":"openid_credential","credential_configuration_id":"cds_x"}]'},
     "invalid_authorization_details", "identity.oid4vci.authz_bad_details"),
])
def test_protocol_faults_go_back_to_the_wallet(change: dict[str, str], oauth: str, code: str) -> None:
    with pytest.raises(authz.RedirectRefusal) as refused:
        authz.check_request(params(**change))
    assert (refused.value.oauth, refused.value.code) == (oauth, code)


@pytest.mark.usefixtures("clients")
def test_scope_and_authorization_details_name_the_credentials() -> None:
    assert authz.check_request(params(scope="openid cds_identity cds_age18")).kinds == ("identity", "age18")
    details = json.dumps([{"type": "openid_credential", "credential_configuration_id": "cds_residence"}])
    request = authz.check_request(params(scope="", authorization_details=details))
    assert request.kinds == ("residence",) and request.details


def _granted(db: Session, **extra: str) -> tuple[int, str]:
    citizen = make_verified_citizen(db)
    return citizen.id, authz.grant_code(db, authz.check_request(params(**extra)), citizen.id)


@pytest.mark.usefixtures("clients")
def test_a_code_is_stored_hashed_and_bound_to_wallet_redirect_challenge_citizen_and_types(db: Session) -> None:
    user_id, code = _granted(db)
    row = db.exec(select(VciAuthCode)).one()
    assert code not in row.code_hash and row.code_hash == oid4vci.sha(code)
    assert (row.user_id, row.client_id, row.redirect_uri, row.code_challenge, row.kinds) == \
        (user_id, "wallet-1", REDIRECT, CHALLENGE, "age18")
    assert row.expires_at - row.created_at == authz.CODE_TTL <= timedelta(minutes=10)
    grant = authz.redeem_authorization_code(db, code, REDIRECT, VERIFIER, "wallet-1")
    token = db.get(VciToken, oid4vci.sha(grant.token.token))
    assert (token.user_id, token.kinds, token.auth_code_id) == (user_id, "age18", row.id)


@pytest.mark.usefixtures("clients")
def test_a_code_works_once_and_a_replay_revokes_its_token(db: Session) -> None:
    _, code = _granted(db)
    grant = authz.redeem_authorization_code(db, code, REDIRECT, VERIFIER, "wallet-1")
    with pytest.raises(authz.CodeRefused) as refused:
        authz.redeem_authorization_code(db, code, REDIRECT, VERIFIER, "wallet-1")
    assert refused.value.code == "identity.oid4vci.code_reused"
    with pytest.raises(oid4vci.OAuthRefusal) as dead:
        oid4vci.credential_request(db, grant.token.token, {"credential_configuration_id": "cds_age18"})
    assert dead.value.oauth == "invalid_token"


@pytest.mark.usefixtures("clients")
@pytest.mark.parametrize(("redirect", "verifier", "client", "code"), [
    ("https://wallet.example/other", VERIFIER, "wallet-1", "identity.oid4vci.code_wrong_client"),
    (REDIRECT, VERIFIER, "wallet-2", "identity.oid4vci.code_wrong_client"),
    (REDIRECT, "x" * 43, "wallet-1", "identity.oid4vci.pkce_failed"),
    (REDIRECT, CHALLENGE, "wallet-1", "identity.oid4vci.pkce_failed"),
])
def test_a_code_is_refused_to_another_redirect_uri_wallet_or_verifier_and_is_spent(
        db: Session, redirect: str, verifier: str, client: str, code: str) -> None:
    _, granted = _granted(db)
    with pytest.raises(authz.CodeRefused) as refused:
        authz.redeem_authorization_code(db, granted, redirect, verifier, client)
    assert refused.value.code == code
    with pytest.raises(authz.CodeRefused):  # spent by the refused attempt
        authz.redeem_authorization_code(db, granted, REDIRECT, VERIFIER, "wallet-1")


@pytest.mark.usefixtures("clients")
def test_an_expired_code_is_refused(db: Session) -> None:
    _, code = _granted(db)
    later = utcnow() + authz.CODE_TTL + timedelta(seconds=1)
    with pytest.raises(authz.CodeRefused) as refused:
        authz.redeem_authorization_code(db, code, REDIRECT, VERIFIER, "wallet-1", now=later)
    assert refused.value.code == "identity.oid4vci.code_invalid"
    with pytest.raises(oid4vci.OAuthRefusal):
        authz.redeem_authorization_code(db, "not-a-code", REDIRECT, VERIFIER, "wallet-1")


@pytest.mark.usefixtures("clients")
def test_an_offers_issuer_state_is_the_offering_citizens_own_and_spends_the_offer(db: Session) -> None:
    citizen, other = make_verified_citizen(db), make_verified_citizen(db, id_number="079060009999")
    offer = oid4vci.create_offer(db, citizen.id, ["identity", "residence"])
    state = json.loads(unquote(offer.link.split("=", 1)[1]))["grants"]["authorization_code"]["issuer_state"]
    request = authz.check_request(params(scope="", issuer_state=state))
    with pytest.raises(authz.RedirectRefusal) as refused:
        authz.kinds_for(db, request, other.id)
    assert refused.value.code == "identity.oid4vci.authz_other_account"
    assert authz.kinds_for(db, request, citizen.id) == ("identity", "residence")
    authz.grant_code(db, request, citizen.id)
    with pytest.raises(authz.RedirectRefusal):  # the offer is spent: neither grant works again
        authz.kinds_for(db, request, citizen.id)


@pytest.mark.usefixtures("clients")
def test_an_unverified_citizen_is_refused(db: Session) -> None:
    user = make_user(db)
    with pytest.raises(DomainError) as refused:
        authz.grant_code(db, authz.check_request(params()), user.id)
    assert refused.value.code == "identity.credential.needs_level2"


# --- deferred issuance -------------------------------------------------------------------------------------------


def _waiting(db: Session, user_id: int) -> tuple[str, str, str]:
    """A code, its access token for a residence credential and the transaction its request is deferred to."""
    code = authz.grant_code(db, authz.check_request(params(scope="cds_residence")), user_id)
    access = authz.redeem_authorization_code(db, code, REDIRECT, VERIFIER, "wallet-1").token.token
    key = new_p256_key()
    proof = jws_encode({"alg": "ES256", "typ": oid4vci.PROOF_TYP, "jwk": public_jwk(key)},
                       {"aud": issuer_id(), "iat": epoch(utcnow()), "nonce": oid4vci.new_c_nonce()}, key)
    waiting = oid4vci.credential_request(db, access, {"credential_configuration_id": "cds_residence",
                                                      "proofs": {"jwt": [proof]}})
    assert isinstance(waiting, oid4vci.Deferred)
    return code, access, waiting.transaction_id


@pytest.mark.usefixtures("clients")
def test_an_official_cannot_approve_their_own_request_and_a_citizen_cannot_approve(db: Session) -> None:
    official = make_verified_citizen(db)
    db.add(UserRole(user_id=official.id, role="official"))
    _waiting(db, official.id)
    row = db.exec(select(VciDeferred)).one()
    with pytest.raises(NotAllowed):
        deferred.decide(db, official.id, row.id, True)
    with pytest.raises(NotAllowed):
        deferred.decide(db, make_user(db).id, row.id, True)
    assert deferred.decide(db, make_ward_official(db, "Phạm Văn Cường").id, row.id, True) == "approved"


@pytest.mark.usefixtures("clients")
def test_a_replayed_code_also_revokes_its_waiting_requests(db: Session) -> None:
    citizen, official = make_verified_citizen(db), make_ward_official(db, "Phạm Văn Cường")
    code, access, transaction_id = _waiting(db, citizen.id)
    assert deferred.deferred_request(db, access, {"transaction_id": transaction_id}) == \
        oid4vci.Deferred(transaction_id, oid4vci.DEFERRED_INTERVAL)
    with pytest.raises(authz.CodeRefused):
        authz.redeem_authorization_code(db, code, REDIRECT, VERIFIER, "wallet-1")
    row = db.exec(select(VciDeferred)).one()
    assert row.status == "revoked"
    with pytest.raises(NotFound):
        deferred.decide(db, official.id, row.id, True)
    with pytest.raises(oid4vci.OAuthRefusal) as refused:
        deferred.deferred_request(db, access, {"transaction_id": transaction_id})
    assert refused.value.oauth == "invalid_transaction_id"


@pytest.mark.usefixtures("clients")
def test_only_an_official_of_the_citizens_ward_sees_and_decides_a_waiting_request(db: Session) -> None:
    citizen = make_verified_citizen(db)
    _waiting(db, citizen.id)
    row = db.exec(select(VciDeferred)).one()
    elsewhere = make_ward_official(db, "Lý Thị Xa", ward="phường Tân Định")
    assert deferred.waiting_for_approval(db, elsewhere.id) == []  # another ward's request is not listed
    with pytest.raises(NotFound):
        deferred.decide(db, elsewhere.id, row.id, True)
    own_ward = make_ward_official(db, "Phạm Văn Cường")
    assert [w.id for w in deferred.waiting_for_approval(db, own_ward.id)] == [row.id]
    assert deferred.decide(db, own_ward.id, row.id, True) == "approved"


@pytest.mark.usefixtures("clients")
def test_a_decision_is_logged_for_the_citizen_who_is_alerted_and_a_refusal_needs_a_reason(db: Session) -> None:
    citizen, official = make_verified_citizen(db), make_ward_official(db, "Phạm Văn Cường")
    _waiting(db, citizen.id)
    _waiting(db, citizen.id)
    first, second = db.exec(select(VciDeferred).order_by(VciDeferred.id)).all()
    listed = deferred.waiting_for_approval(db, official.id)
    assert [(w.citizen, w.birth_year, w.kind, w.wallet, w.copies) for w in listed] == \
        [("Nguyễn Văn An", "1960", "residence", {"vi": "Ví wallet-1", "en": "Wallet wallet-1"}, 1)] * 2
    with pytest.raises(DomainError) as no_reason:
        deferred.decide(db, official.id, second.id, False, " \n ")
    assert no_reason.value.code == "identity.oid4vci.refusal_note_required" and second.status == "pending"
    assert deferred.decide(db, official.id, first.id, True) == "approved"
    assert deferred.decide(db, official.id, second.id, False, "Địa chỉ chưa khớp sổ tạm trú") == "refused"
    assert (first.note, second.note) == (None, "Địa chỉ chưa khớp sổ tạm trú")
    log = [entry.text for entry in list_activity(db, citizen.id, "en")[:2]]
    assert log == ["An official of Bến Nghé Ward refused the request for your proof of residence to go into another "
                   "wallet. Reason: Địa chỉ chưa khớp sổ tạm trú",
                   "An official of Bến Nghé Ward approved the request for your proof of residence to go into another "
                   "wallet"]
    alerts = db.exec(select(NotifyNotification).where(NotifyNotification.user_id == citizen.id)
                     .order_by(NotifyNotification.id)).all()
    assert [a.title_key for a in alerts][-2:] == [deferred.APPROVED_TITLE, deferred.REFUSED_TITLE]
    assert json.loads(alerts[-1].params_json) == {"note": "Địa chỉ chưa khớp sổ tạm trú"}
