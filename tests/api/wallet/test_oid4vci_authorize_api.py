"""The OpenID4VCI authorization code flow with PKCE over HTTP on the test database: the authorization endpoint (login
detour, consent page in words, redirects only to a registered redirect URI), the token endpoint's code grant, and
the credential endpoint with the token it gives. (The independent client's run: test_oid4vci_interop.py.)"""

from __future__ import annotations

import base64
import json
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
from sqlmodel import Session, select
from starlette.testclient import TestClient

from citizen_app.core.timeutil import utcnow
from citizen_app.i18n.catalog import translate
from citizen_app.identity.activity import list_activity
from citizen_app.identity.crypto import epoch, jws_encode, new_p256_key, public_jwk
from citizen_app.identity.service import open_session
from citizen_app.wallet import oid4vci, oid4vci_api
from citizen_app.wallet.issuer import issuer_id
from citizen_app.wallet.models import VciAuthCode
from tests.api.helpers import ORIGIN, route_client
from tests.unit.identity.helpers import make_verified_citizen, make_ward_official
from tests.unit.wallet.test_oid4vci_authorize import CHALLENGE, REDIRECT, VERIFIER, write_clients

AUTHORIZE, TOKEN, NONCE, CREDENTIAL, DEFERRED = (oid4vci.PATHS[k] for k in ("authorize", "token", "nonce",
                                                                             "credential", "deferred"))


@pytest.fixture()
def client(app_db, monkeypatch, tmp_path) -> TestClient:
    write_clients(tmp_path, monkeypatch, **{"wallet-1": [REDIRECT, "http://127.0.0.1/cb"]})
    return route_client(app_db, monkeypatch, oid4vci_api)


@pytest.fixture()
def citizen(app_db) -> tuple[int, str]:
    with Session(app_db, expire_on_commit=False) as db:
        user = make_verified_citizen(db)
        cookie = open_session(db, user.id)
        db.commit()
    return user.id, cookie


def _query(**extra: str) -> dict[str, str]:
    return {"response_type": "code", "client_id": "wallet-1", "redirect_uri": REDIRECT, "state": "st-42",
            "code_challenge": CHALLENGE, "code_challenge_method": "S256", "scope": "cds_age18"} | extra


def _get(client: TestClient, cookie: str | None = None, **extra: str):
    headers = {"cookie": f"cds_sid={cookie}"} if cookie else {}
    return client.get(f"{AUTHORIZE}?{urlencode(_query(**extra))}", headers=headers, follow_redirects=False)


def _consent(client: TestClient, cookie: str, decision: str = "allow", **extra: str):
    return client.post(AUTHORIZE, data={**_query(**extra), "decision": decision},
                       headers={"cookie": f"cds_sid={cookie}"}, follow_redirects=False)


def _answer(response) -> dict[str, str]:
    assert response.status_code == 303, response.text
    location = urlsplit(response.headers["location"])
    assert f"{location.scheme}://{location.netloc}{location.path}" == REDIRECT
    return {k: v[0] for k, v in parse_qs(location.query).items()}


def _token(client: TestClient, code: str, **extra: str):
    return client.post(TOKEN, data={"grant_type": "authorization_code", "code": code, "redirect_uri": REDIRECT,
                                    "code_verifier": VERIFIER, "client_id": "wallet-1"} | extra)


def _credential(client: TestClient, access_token: str, **ident: str):
    key = new_p256_key()
    nonce = client.post(NONCE).json()["c_nonce"]
    proof = jws_encode({"alg": "ES256", "typ": oid4vci.PROOF_TYP, "jwk": public_jwk(key)},
                       {"aud": issuer_id(), "iat": epoch(utcnow()), "nonce": nonce}, key)
    return client.post(CREDENTIAL, headers={"authorization": f"Bearer {access_token}"},
                       json={**ident, "proofs": {"jwt": [proof]}})


def test_the_authorization_server_advertises_the_code_flow_with_s256(client) -> None:
    meta = client.get("/.well-known/oauth-authorization-server").json()
    assert meta["authorization_endpoint"] == issuer_id() + AUTHORIZE
    assert meta["code_challenge_methods_supported"] == ["S256"]
    assert {"authorization_code", oid4vci.PRE_AUTHORIZED_GRANT} <= set(meta["grant_types_supported"])
    assert meta["authorization_response_iss_parameter_supported"] is True


@pytest.mark.parametrize("bad", [{"client_id": "stranger"}, {"redirect_uri": "https://evil.example/cb"},
                                 {"redirect_uri": "http://wallet.example/cb"}])
def test_an_untrusted_wallet_or_redirect_uri_gets_our_page_never_a_redirect(client, citizen, bad) -> None:
    for cookie in (None, citizen[1]):
        res = _get(client, cookie, **bad)
        assert res.status_code == 400 and "location" not in res.headers
        assert res.headers["content-type"].startswith("text/html")
        key = "authz_unknown_client" if "client_id" in bad else "authz_bad_redirect"
        assert translate(f"identity.oid4vci.{key}", "vi") in res.text


def test_plain_pkce_goes_back_to_the_wallet_as_an_error_with_state_and_iss(client) -> None:
    answer = _answer(_get(client, code_challenge_method="plain"))
    assert answer["error"] == "invalid_request" and answer["state"] == "st-42" and answer["iss"] == issuer_id()
    assert "code" not in answer


def test_without_a_session_the_citizen_signs_in_and_comes_back_to_the_consent_page(client, citizen) -> None:
    res = _get(client)
    assert res.status_code == 303
    login = urlsplit(res.headers["location"])
    assert login.path == "/login" and parse_qs(login.query)["next"] == [f"{AUTHORIZE}?resume=1"]
    kept = res.cookies.get("cds_vci_authz")
    assert kept and "S256" in base64.urlsafe_b64decode(kept).decode()
    back = client.get(f"{AUTHORIZE}?resume=1", follow_redirects=False,
                      headers={"cookie": f"cds_sid={citizen[1]}; cds_vci_authz={kept}; cds_lang=en"})
    assert back.status_code == 200, back.text
    assert translate("identity.oid4vci.authz_asks", "en", wallet="Wallet wallet-1").replace("“", "")[:20] \
        in back.text.replace("“", "")
    assert "Over 18" in back.text  # the credential and its claims in words, never the configuration id
    assert "cds_age18" not in back.text.split("<form")[0]
    assert "form-action 'self' https://wallet.example" in back.headers["content-security-policy"]
    # no-referrer would make browsers post the consent form with "Origin: null", refused as cross-site
    assert back.headers["referrer-policy"] == "same-origin"
    assert "Max-Age=0" in back.headers["set-cookie"]  # the kept request is cleared
    broken = client.get(f"{AUTHORIZE}?resume=1", follow_redirects=False,
                        headers={"cookie": f"cds_sid={citizen[1]}; cds_vci_authz=%%%"})
    assert broken.status_code == 400 and "location" not in broken.headers


def test_consent_gives_a_single_use_code_that_obtains_the_credential(client, citizen, app_db) -> None:
    assert "Trên 18 tuổi" in _get(client, citizen[1]).text
    answer = _answer(_consent(client, citizen[1]))
    assert answer["state"] == "st-42" and answer["iss"] == issuer_id()
    granted = _token(client, answer["code"])
    assert granted.status_code == 200, granted.text
    access = granted.json()["access_token"]
    assert "authorization_details" not in granted.json()
    issued = _credential(client, access, credential_configuration_id="cds_age18")
    assert issued.status_code == 200, issued.text
    assert _credential(client, access, credential_configuration_id="cds_identity").json()["error"] \
        == "unknown_credential_configuration"  # only what the citizen consented to
    replay = _token(client, answer["code"])
    assert replay.status_code == 400 and replay.json()["error"] == "invalid_grant"
    assert replay.json()["message"]["vi"] == translate("identity.oid4vci.code_reused", "vi")
    assert _credential(client, access, credential_configuration_id="cds_age18").status_code == 401  # revoked
    with Session(app_db) as db:
        assert answer["code"] not in db.exec(select(VciAuthCode)).one().code_hash
        assert [e.kind for e in list_activity(db, citizen[0])].count("credential_issued") == 1


@pytest.mark.parametrize(("field", "value"), [("code_verifier", "x" * 43), ("redirect_uri", REDIRECT + "/x"),
                                              ("client_id", "wallet-2")])
def test_the_token_endpoint_refuses_a_wrong_verifier_redirect_uri_or_client(client, citizen, field, value) -> None:
    code = _answer(_consent(client, citizen[1]))["code"]
    refused = _token(client, code, **{field: value})
    assert refused.status_code == 400 and refused.json()["error"] == "invalid_grant"
    assert _token(client, code).json()["error"] == "invalid_grant"  # the attempt spent it


def test_refusing_sends_access_denied_and_the_form_needs_our_origin(client, citizen) -> None:
    assert _answer(_consent(client, citizen[1], decision="deny"))["error"] == "access_denied"
    forged = client.post(AUTHORIZE, data={**_query(), "decision": "allow"}, follow_redirects=False,
                         headers={"cookie": f"cds_sid={citizen[1]}", "origin": "https://evil.example"})
    assert forged.status_code == 403 and "location" not in forged.headers
    anonymous = client.post(AUTHORIZE, data={**_query(), "decision": "allow"}, follow_redirects=False)
    assert anonymous.status_code == 401 and "location" not in anonymous.headers


def test_authorization_details_give_credential_identifiers(client, citizen) -> None:
    details = json.dumps([{"type": "openid_credential", "credential_configuration_id": "cds_identity"}])
    code = _answer(_consent(client, citizen[1], scope="", authorization_details=details))["code"]
    granted = _token(client, code).json()
    assert granted["authorization_details"] == [{"type": "openid_credential",
                                                 "credential_configuration_id": "cds_identity",
                                                 "credential_identifiers": ["cds_identity"]}]
    issued = _credential(client, granted["access_token"], credential_identifier="cds_identity")
    assert issued.status_code == 200, issued.text


def test_a_loopback_redirect_uri_may_use_any_port(client, citizen) -> None:
    uri = "http://127.0.0.1:51234/cb"
    res = client.post(AUTHORIZE, data={**_query(redirect_uri=uri), "decision": "allow"},
                      headers={"cookie": f"cds_sid={citizen[1]}"}, follow_redirects=False)
    assert res.status_code == 303 and res.headers["location"].startswith(uri + "?code=")
    assert ORIGIN  # the test client's origin is the app's own (route_client)


# --- deferred issuance: an official approves first -------------------------------------------------------------


@pytest.fixture()
def official(app_db) -> str:
    with Session(app_db, expire_on_commit=False) as db:
        cookie = open_session(db, make_ward_official(db, "Lê Văn Cán Bộ").id)
        db.commit()
    return cookie


def _deferred(client: TestClient, access: str, transaction_id: str):
    return client.post(DEFERRED, headers={"authorization": f"Bearer {access}"}, json={"transaction_id": transaction_id})


def _waiting_residence(client: TestClient, cookie: str) -> tuple[str, str]:
    code = _answer(_consent(client, cookie, scope="cds_residence"))["code"]
    access = _token(client, code).json()["access_token"]
    started = _credential(client, access, credential_configuration_id="cds_residence")
    assert started.status_code == 202, started.text
    body = started.json()
    assert set(body) == {"transaction_id", "interval"} and body["interval"] == oid4vci.DEFERRED_INTERVAL
    return access, body["transaction_id"]


def _approvals(client: TestClient, cookie: str):
    return client.get("/api/identity/oid4vci/approvals", headers={"cookie": f"cds_sid={cookie}"})


def _decide(client: TestClient, cookie: str, deferred_id: int, approve: bool, note: str = ""):
    return client.post(f"/api/identity/oid4vci/approvals/{deferred_id}", json={"approve": approve, "note": note},
                       headers={"cookie": f"cds_sid={cookie}"})


def test_a_residence_credential_waits_for_an_official_then_is_issued_once(client, citizen, official) -> None:
    assert client.get("/.well-known/openid-credential-issuer").json()["deferred_credential_endpoint"] \
        == issuer_id() + DEFERRED
    access, transaction_id = _waiting_residence(client, citizen[1])
    pending = _deferred(client, access, transaction_id)
    assert pending.status_code == 202 and pending.json()["transaction_id"] == transaction_id
    assert _approvals(client, citizen[1]).status_code == 403  # a citizen cannot approve
    assert _decide(client, citizen[1], 1, True).status_code == 403
    waiting = _approvals(client, official).json()["waiting"]
    assert [(w["citizen"], w["birth_year"], w["kind"]["vi"], w["wallet"], w["copies"]) for w in waiting] == \
        [("Nguyễn Văn An", "1960", translate("identity.kind.residence", "vi"),
          {"vi": "Ví wallet-1", "en": "Wallet wallet-1"}, 1)]
    assert _deferred(client, "another-token", transaction_id).status_code == 401
    assert _decide(client, official, waiting[0]["id"], True).json() == {"status": "approved"}
    issued = _deferred(client, access, transaction_id)
    assert issued.status_code == 200, issued.text
    assert len(issued.json()["credentials"]) == 1
    again = _deferred(client, access, transaction_id)
    assert again.status_code == 400 and again.json()["error"] == "invalid_transaction_id"
    assert _approvals(client, official).json()["waiting"] == []


def test_a_refused_request_ends_with_credential_request_denied(client, citizen, official) -> None:
    access, transaction_id = _waiting_residence(client, citizen[1])
    waiting = _approvals(client, official).json()["waiting"]
    assert _decide(client, official, waiting[0]["id"], False, "  ").json()["message"]["en"] == \
        translate("identity.oid4vci.refusal_note_required", "en")  # a refusal needs the reason the citizen reads
    assert _deferred(client, access, transaction_id).status_code == 202
    assert _decide(client, official, waiting[0]["id"], False, "Hồ sơ cư trú chưa khớp").json() == \
        {"status": "refused"}
    refused = _deferred(client, access, transaction_id)
    assert refused.status_code == 400 and refused.json()["error"] == "credential_request_denied"
    assert _decide(client, official, waiting[0]["id"], True).status_code == 404  # decided once
