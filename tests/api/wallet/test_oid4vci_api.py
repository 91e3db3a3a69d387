"""OpenID4VCI over HTTP on the wallet's routes and the app's own database: metadata, the pre-authorized code with its
transaction code, nonces, key proofs and batch issuance. (The independent client's run: test_oid4vci_interop.py.)"""

from __future__ import annotations

import json
from urllib.parse import parse_qs, urlsplit

import pytest
from sqlmodel import Session, select
from starlette.applications import Starlette
from starlette.testclient import TestClient

from citizen_app.core.config import settings
from citizen_app.core.timeutil import utcnow
from citizen_app.identity.crypto import epoch, jws_encode, new_p256_key, public_jwk
from citizen_app.identity.service import open_session
from citizen_app.wallet import api as wallet_api
from citizen_app.wallet import credentials as cr
from citizen_app.wallet import oid4vci
from citizen_app.wallet.issuer import issuer_id
from citizen_app.wallet.models import IssuedCredential, VciOffer
from citizen_app.wallet.oid4vp import ROOT
from tests.unit.identity.helpers import make_verified_citizen

ORIGIN = settings().public_url
TOKEN, NONCE, CREDENTIAL = (oid4vci.PATHS[k] for k in ("token", "nonce", "credential"))


@pytest.fixture()
def client(app_db) -> TestClient:
    return TestClient(Starlette(routes=wallet_api.ROUTES), base_url=ORIGIN, headers={"origin": ORIGIN})


@pytest.fixture()
def citizen(app_db):
    with Session(app_db, expire_on_commit=False) as db:
        user = make_verified_citizen(db)
        cookie = open_session(db, user.id)
        db.commit()
    return user.id, cookie


def _offer(client: TestClient, cookie: str, kinds=("identity", "age18")) -> tuple[dict, str, str]:
    client.cookies.set("cds_sid", cookie)
    res = client.post("/api/identity/oid4vci/offers", json={"kinds": list(kinds)})
    client.cookies.clear()
    assert res.status_code == 200, res.text
    data = res.json()
    link = urlsplit(data["offer"])
    assert link.scheme == "openid-credential-offer"
    offer = json.loads(parse_qs(link.query)["credential_offer"][0])
    code = offer["grants"][oid4vci.PRE_AUTHORIZED_GRANT]["pre-authorized_code"]
    return offer, code, data["tx_code"]


def _token(client: TestClient, code: str, tx_code: str):
    return client.post(TOKEN, data={"grant_type": oid4vci.PRE_AUTHORIZED_GRANT, "pre-authorized_code": code,
                                    "tx_code": tx_code})


def _proof(key, nonce: str, aud: str | None = None, iat: int | None = None, typ: str = oid4vci.PROOF_TYP) -> str:
    header = {"alg": "ES256", "typ": typ, "jwk": public_jwk(key)}
    payload = {"aud": aud or issuer_id(), "iat": iat if iat is not None else epoch(utcnow()), "nonce": nonce}
    return jws_encode(header, payload, key)


def _nonce(client: TestClient) -> str:
    return client.post(NONCE).json()["c_nonce"]


def test_metadata_names_every_offered_type_in_both_languages(client) -> None:
    meta = client.get("/.well-known/openid-credential-issuer").json()
    assert meta["credential_issuer"] == issuer_id() and meta["nonce_endpoint"].endswith(NONCE)
    configs = meta["credential_configurations_supported"]
    assert set(configs) == {"cds_identity", "cds_residence", "cds_age18", "cds_age60"}
    age = configs["cds_age18"]
    assert age["format"] == "dc+sd-jwt" and age["vct"] == cr.TYPES["age18"].vct
    assert {d["locale"] for d in age["credential_metadata"]["display"]} == {"vi", "en"}
    assert [c["path"] for c in age["credential_metadata"]["claims"]] == [["age_over_18"]]
    server = client.get("/.well-known/oauth-authorization-server").json()
    assert server["issuer"] == issuer_id() and server["token_endpoint"].endswith(TOKEN)
    logos = {d["locale"]: d["logo"] for d in meta["display"]}  # OpenID4VCI 1.0 §12.2.4: the issuer's logo
    assert logos["vi"]["uri"] == issuer_id() + "/icons/icon-192.png" and logos["en"]["alt_text"]
    assert (ROOT / "assets" / "icons" / "icon-192.png").is_file()


def test_offer_needs_a_signed_in_citizen_and_stores_only_hashes(client, citizen, app_db) -> None:
    assert client.post("/api/identity/oid4vci/offers", json={"kinds": ["identity"]}).status_code == 401
    _, code, tx_code = _offer(client, citizen[1])
    with Session(app_db) as db:
        row = db.exec(select(VciOffer)).one()
    assert code not in row.code_hash and tx_code not in row.tx_code_hash and row.user_id == citizen[0]


def test_pre_authorized_code_to_a_batch_of_unlinkable_credentials(client, citizen, app_db) -> None:
    _, code, tx_code = _offer(client, citizen[1])
    granted = _token(client, code, tx_code)
    assert granted.status_code == 200, granted.text
    bearer = {"authorization": f"Bearer {granted.json()['access_token']}"}
    keys = [new_p256_key() for _ in range(3)]
    nonce = _nonce(client)
    res = client.post(CREDENTIAL, headers=bearer, json={"credential_configuration_id": "cds_identity",
                                                        "proofs": {"jwt": [_proof(k, nonce) for k in keys]}})
    assert res.status_code == 200, res.text
    issued = [c["credential"] for c in res.json()["credentials"]]
    assert len(issued) == 3 and len({c.split("~")[0] for c in issued}) == 3
    with Session(app_db) as db:
        for credential, key in zip(issued, keys, strict=True):
            vp = cr.build_presentation(credential, ["full_name"], key, cr.ONE_TIME_AUD, "n-" + key.public_key()
                                       .public_numbers().x.to_bytes(32, "big").hex()[:20])
            assert cr.verify_online(db, vp).claims == {"full_name": "Nguyễn Văn An"}
        db.commit()
        assert len(db.exec(select(IssuedCredential).where(IssuedCredential.user_id == citizen[0])).all()) == 3
    # the same configuration once per token; the offer's other type still works
    again = client.post(CREDENTIAL, headers=bearer, json={"credential_configuration_id": "cds_identity",
                                                          "proofs": {"jwt": [_proof(keys[0], _nonce(client))]}})
    assert again.status_code == 400 and again.json()["error"] == "invalid_credential_request"
    age = client.post(CREDENTIAL, headers=bearer, json={"credential_configuration_id": "cds_age18",
                                                        "proofs": {"jwt": [_proof(keys[0], _nonce(client))]}})
    assert age.status_code == 200
    not_offered = client.post(CREDENTIAL, headers=bearer, json={"credential_configuration_id": "cds_residence",
                                                                "proofs": {"jwt": [_proof(keys[0], _nonce(client))]}})
    assert not_offered.json()["error"] == "unknown_credential_configuration"


def test_code_works_once_and_three_wrong_transaction_codes_burn_it(client, citizen) -> None:
    _, code, tx_code = _offer(client, citizen[1])
    wrong = "000000" if tx_code != "000000" else "111111"
    refused = _token(client, code, wrong)
    assert refused.status_code == 400 and refused.json()["error"] == "invalid_grant"
    assert refused.json()["message"]["vi"]
    assert _token(client, code, tx_code).status_code == 200
    assert _token(client, code, tx_code).json()["error"] == "invalid_grant"  # reused
    _, code2, tx2 = _offer(client, citizen[1])
    for _ in range(oid4vci.MAX_TX_ATTEMPTS):
        assert _token(client, code2, "999999" if tx2 != "999999" else "888888").status_code == 400
    assert _token(client, code2, tx2).json()["error"] == "invalid_grant"  # burnt by the failed attempts
    assert client.post(TOKEN, data={"grant_type": "client_credentials", "code": "x"}).json()["error"] \
        == "unsupported_grant_type"


def test_expired_offer_is_refused(client, citizen, app_db) -> None:
    _, code, tx_code = _offer(client, citizen[1])
    with Session(app_db) as db:
        row = db.exec(select(VciOffer)).one()
        row.expires_at = utcnow()
        db.add(row)
        db.commit()
    assert _token(client, code, tx_code).json()["error"] == "invalid_grant"


@pytest.mark.parametrize("bad", ["nonce", "aud", "iat", "typ", "signature", "reused_nonce"])
def test_bad_key_proofs_are_refused(client, citizen, bad: str) -> None:
    _, code, tx_code = _offer(client, citizen[1])
    bearer = {"authorization": f"Bearer {_token(client, code, tx_code).json()['access_token']}"}
    key, nonce = new_p256_key(), _nonce(client)
    proof = {"nonce": lambda: _proof(key, nonce[:-2] + ("AA" if nonce[-2:] != "AA" else "BB")),
             "aud": lambda: _proof(key, nonce, aud="https://elsewhere.example"),
             "iat": lambda: _proof(key, nonce, iat=epoch(utcnow()) - 3600),
             "typ": lambda: _proof(key, nonce, typ="JWT"),
             "signature": lambda: _proof(key, nonce)[:-4] + "AAAA",
             "reused_nonce": lambda: _proof(key, nonce)}[bad]()
    if bad == "reused_nonce":
        first = client.post(CREDENTIAL, headers=bearer, json={"credential_configuration_id": "cds_age18",
                                                              "proofs": {"jwt": [proof]}})
        assert first.status_code == 200
        res = client.post(CREDENTIAL, headers=bearer, json={"credential_configuration_id": "cds_identity",
                                                            "proofs": {"jwt": [_proof(key, nonce)]}})
    else:
        res = client.post(CREDENTIAL, headers=bearer, json={"credential_configuration_id": "cds_age18",
                                                            "proofs": {"jwt": [proof]}})
    assert res.status_code == 400, res.text
    assert res.json()["error"] == ("invalid_nonce" if "nonce" in bad else "invalid_proof")


def test_credential_endpoint_needs_a_live_access_token(client) -> None:
    res = client.post(CREDENTIAL, headers={"authorization": "Bearer nope"},
                      json={"credential_configuration_id": "cds_age18", "proofs": {"jwt": []}})
    assert res.status_code == 401 and res.json()["error"] == "invalid_token"
    assert "invalid_token" in res.headers["www-authenticate"]
