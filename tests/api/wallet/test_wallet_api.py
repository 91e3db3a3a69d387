"""HTTP-level tests of the wallet routes on a Starlette app built from wallet/api.py ROUTES."""

from __future__ import annotations

import pytest

from citizen_app.identity.activity import verify_chain
from citizen_app.identity.crypto import new_p256_key, public_jwk
from citizen_app.identity.service import open_session
from citizen_app.wallet import api as wallet_api
from citizen_app.wallet import credentials as cr
from citizen_app.wallet.issuer import issuer_id
from citizen_app.wallet.qr_transport import decode_from_qr, encode_for_qr
from citizen_app.wallet.status_list import check_status
from tests.api.helpers import route_client
from tests.unit.identity.helpers import make_user, make_verified_citizen


@pytest.fixture()
def client(engine, monkeypatch):
    return route_client(engine, monkeypatch, wallet_api)


@pytest.fixture()
def citizen_cookie(db):
    citizen = make_verified_citizen(db)
    token = open_session(db, citizen.id)
    db.commit()
    return citizen, token


def test_metadata_jwks_and_status_list(client, db, citizen_cookie):
    citizen, _ = citizen_cookie
    meta = client.get("/.well-known/jwt-vc-issuer").json()
    assert meta["issuer"] == issuer_id() and meta["jwks"]["keys"][0]["kid"]
    assert client.get("/.well-known/jwks.json").json() == meta["jwks"]
    holder = new_p256_key()
    record = cr.issue_credential(db, citizen.id, "age60", public_jwk(holder)).record
    cr.revoke_credential(db, citizen.id, record.id)
    db.commit()
    res = client.get(f"/api/identity/status/{record.status_list_id}")
    assert res.headers["content-type"].startswith("application/statuslist+jwt")
    uri = f"{issuer_id()}/api/identity/status/{record.status_list_id}"
    assert check_status(res.text, uri, record.status_idx, meta["jwks"], cr.epoch(cr.utcnow())) == 1
    assert client.get("/api/identity/status/999").status_code == 404


def test_issue_present_verify_nonce_mode(client, db, citizen_cookie):
    citizen, token = citizen_cookie
    holder = new_p256_key()
    res = client.post("/api/identity/credentials", json={"kind": "age60", "holder_jwk": public_jwk(holder)},
                      cookies={"cds_sid": token})
    assert res.status_code == 200, res.text
    credential = res.json()["credential"]
    req = client.post("/api/identity/verify/request", json={"aud": "cds:v:ward-bc"}).json()
    nonce, aud = cr.parse_verifier_request(req["qr"])
    vp = cr.build_presentation(credential, [], holder, aud, nonce)
    ok = client.post("/api/identity/verify", json={"presentation": encode_for_qr(vp), "nonce": nonce})
    assert ok.json() == {**ok.json(), "ok": True, "claims": {"age_over_60": True}, "kind": "age60"}
    again = client.post("/api/identity/verify", json={"presentation": vp, "nonce": nonce},
                        headers={"accept-language": "en"})
    assert again.status_code == 422 and again.json()["error"] == "identity.verify.wrong_nonce"
    assert "request" in again.json()["message"]["en"]
    assert verify_chain(db, citizen.id).ok


def test_failed_attempt_burns_nonce(client, db, citizen_cookie):
    citizen, _ = citizen_cookie
    holder = new_p256_key()
    credential = cr.issue_credential(db, citizen.id, "age60", public_jwk(holder)).credential
    db.commit()
    req = client.post("/api/identity/verify/request", json={}).json()
    bad = cr.build_presentation(credential, [], new_p256_key(), req["aud"], req["nonce"])
    assert client.post("/api/identity/verify", json={"presentation": bad, "nonce": req["nonce"]}).json()["error"] \
        == "identity.verify.bad_kb_signature"
    good = cr.build_presentation(credential, [], holder, req["aud"], req["nonce"])
    assert client.post("/api/identity/verify", json={"presentation": good, "nonce": req["nonce"]}).json()["error"] \
        == "identity.verify.wrong_nonce"


def test_one_time_mode_and_server_key_fallback(client, citizen_cookie):
    _, token = citizen_cookie
    res = client.post("/api/identity/credentials", json={"kind": "age18", "key_mode": "server"},
                      cookies={"cds_sid": token}).json()
    assert res["key_mode"] == "server"
    shown = client.post("/api/identity/present-server", json={"credential": res["credential"]},
                        cookies={"cds_sid": token}).json()
    assert decode_from_qr(shown["qr"]) == shown["presentation"]
    first = client.post("/api/identity/verify", json={"presentation": shown["qr"]}).json()
    assert first["ok"] and first["mode"] == "one_time"
    replay = client.post("/api/identity/verify", json={"presentation": shown["qr"]}).json()
    assert replay["error"] == "identity.verify.replay"


def test_cookie_routes_need_login_and_same_origin(client, citizen_cookie):
    _, token = citizen_cookie
    assert client.post("/api/identity/credentials", json={"kind": "age60"}).status_code == 401
    cross = client.post("/api/identity/credentials", json={"kind": "age60"}, cookies={"cds_sid": token},
                        headers={"origin": "https://evil.example"})
    assert cross.status_code == 403
    bad = client.post("/api/identity/credentials", json={"kind": "age60", "holder_jwk": {"kty": "oct"}},
                      cookies={"cds_sid": token})
    assert bad.status_code == 400 and bad.json()["error"] == "identity.credential.bad_holder_key"


def test_status_list_index_for_offline_verifiers(client, db, citizen_cookie):
    citizen, _ = citizen_cookie
    cr.issue_credential(db, citizen.id, "age60", public_jwk(new_p256_key()))
    db.commit()
    response = client.get("/api/identity/status-lists")
    assert response.status_code == 200
    body = response.json()
    assert body["lists"] == [f"{issuer_id()}/api/identity/status/1"] and body["ttl"] == 300
    path = body["lists"][0][len(issuer_id()):]
    assert client.get(path).headers["content-type"].startswith("application/statuslist+jwt")


def test_revoke_route_is_for_the_holder_only(client, db, citizen_cookie):
    citizen, token = citizen_cookie
    official = make_user(db, "Lê Văn Cường", ("official",))
    official_token = open_session(db, official.id)
    db.commit()
    record = cr.issue_credential(db, citizen.id, "age18", public_jwk(new_p256_key())).record
    db.commit()
    url = f"/api/identity/credentials/{record.id}/revoke"
    assert client.post(url, cookies={"cds_sid": official_token}).status_code == 404
    assert client.post(url, cookies={"cds_sid": token}).json()["ok"] is True
    db.refresh(record)
    assert record.revoked_at is not None


def test_server_key_presentation_rejects_garbage(client, citizen_cookie):
    _, token = citizen_cookie
    res = client.post("/api/identity/present-server", json={"credential": "not.a.jwt~"}, cookies={"cds_sid": token})
    assert res.status_code == 400 and res.json()["error"] == "identity.verify.malformed"
