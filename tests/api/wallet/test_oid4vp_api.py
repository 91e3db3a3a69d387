"""OpenID4VP over HTTP: a registered relying party's request (DCQL: only age_over_18), the signed request object by
reference, the direct_post response checked by strict_verify, the console's outcome and the holder's view."""

from __future__ import annotations

import json
import threading
from dataclasses import replace
from urllib.parse import parse_qs, urlsplit

import pytest
from joserfc.jwk import ECKey
from sqlmodel import Session, select
from starlette.applications import Starlette
from starlette.testclient import TestClient

from citizen_app.core.config import settings
from citizen_app.core.errors import DomainError
from citizen_app.core.timeutil import utcnow
from citizen_app.identity.activity import render_entry
from citizen_app.identity.crypto import (
    b64u,
    json_b64,
    jwk_to_public_key,
    jws_parse,
    new_p256_key,
    public_jwk,
    sign_es256,
    verify_es256,
)
from citizen_app.identity.models import ActivityEntry
from citizen_app.identity.service import open_session
from citizen_app.wallet import api as wallet_api
from citizen_app.wallet import credentials as cr
from citizen_app.wallet import oid4vp, oid4vp_api, oid4vp_holder
from citizen_app.wallet.models import VpRequest
from tests.unit.identity.helpers import make_user, make_verified_citizen, make_ward_official

ORIGIN = settings().public_url
RP = "cds-rp-metro-youth"


@pytest.fixture()
def client(app_db) -> TestClient:
    return TestClient(Starlette(routes=wallet_api.ROUTES), base_url=ORIGIN)


@pytest.fixture()
def world(app_db):
    key = new_p256_key()
    with Session(app_db, expire_on_commit=False) as db:
        citizen = make_verified_citizen(db)
        official = make_ward_official(db, "Võ Thị Lan")
        age = cr.issue_credential(db, citizen.id, "age18", public_jwk(key))
        identity = cr.issue_credential(db, citizen.id, "identity", public_jwk(key))
        db.commit()
    return {"db": app_db, "citizen": citizen.id, "official": official.id, "key": key, "age": age,
            "identity": identity}


def _request(world, client_id: str = RP, query: str = "age18") -> oid4vp.NewRequest:
    with Session(world["db"], expire_on_commit=False) as db:
        made = oid4vp.create_request(db, world["official"], client_id, query)
        db.commit()
    return made


def _request_payload(client: TestClient, made: oid4vp.NewRequest) -> dict:
    params = {k: v[0] for k, v in parse_qs(urlsplit(made.link).query).items()}
    assert made.link.startswith("openid4vp://?") and params["client_id"] == RP
    res = client.get(urlsplit(params["request_uri"]).path)
    assert res.status_code == 200 and res.headers["content-type"].startswith("application/oauth-authz-req+jwt")
    header, payload, signing_input, signature = jws_parse(res.text)
    jwk = client.get("/api/identity/oid4vp/verifier-jwks").json()["keys"][0]
    assert header["typ"] == "oauth-authz-req+jwt" and verify_es256(jwk_to_public_key(jwk), signing_input, signature)
    return payload


def _answer(client: TestClient, payload: dict, credential: str, key, *, disclose=("age_over_18",),
            aud: str | None = None, nonce: str | None = None, state: str | None = None):
    vp = cr.build_presentation(credential, disclose, key, aud or payload["client_id"], nonce or payload["nonce"])
    query_id = payload["dcql_query"]["credentials"][0]["id"]
    return client.post(urlsplit(payload["response_uri"]).path,
                       data={"vp_token": json.dumps({query_id: [vp]}), "state": state or payload["state"]})


def _outcome(world, made) -> oid4vp.Outcome:
    with Session(world["db"]) as db:
        return oid4vp.request_outcome(db, world["official"], made.id)


def test_request_asks_only_age_over_18_and_the_answer_is_verified(client, world) -> None:
    made = _request(world)
    payload = _request_payload(client, made)
    assert payload["response_mode"] == "direct_post" and payload["client_id"] == RP
    assert payload["dcql_query"] == {"credentials": [{"id": "age18", "format": "dc+sd-jwt",
                                                      "meta": {"vct_values": ["urn:cds:a18"]},
                                                      "claims": [{"path": ["age_over_18"]}]}]}
    assert _outcome(world, made).state == "waiting"
    res = _answer(client, payload, world["age"].credential, world["key"])
    assert res.status_code == 200, res.text
    assert _outcome(world, made) == oid4vp.Outcome("verified", {"age_over_18": True})
    with Session(world["db"]) as db:
        entry = db.exec(select(ActivityEntry).where(ActivityEntry.kind == "credential_presented")).one()
        assert "Metro Line 1" in render_entry(entry, "en") and "Over 18" in render_entry(entry, "en")
    again = _answer(client, payload, world["age"].credential, world["key"])
    assert again.status_code == 404 and again.json()["error"] == "invalid_request"  # answered once


@pytest.mark.parametrize("bad, code", [("nonce", "identity.verify.wrong_nonce"),
                                       ("audience", "identity.verify.wrong_audience"),
                                       ("credential", "identity.verify.wrong_type"),
                                       ("revoked", "identity.verify.revoked")])
def test_wrong_answers_are_refused_and_spend_the_request(client, world, bad: str, code: str) -> None:
    made = _request(world)
    payload = _request_payload(client, made)
    credential = world["identity"].credential if bad == "credential" else world["age"].credential
    if bad == "revoked":
        with Session(world["db"]) as db:
            cr.revoke_credential(db, world["citizen"], world["age"].record.id)
            db.commit()
    res = _answer(client, payload, credential, world["key"], disclose=("age_over_18", "full_name"),
                  nonce="another-nonce-123" if bad == "nonce" else None,
                  aud="cds-rp-ward-desk" if bad == "audience" else None)
    assert res.status_code == 400 and res.json()["message"]["vi"], res.text
    assert _outcome(world, made) == oid4vp.Outcome("refused", {}, code)
    assert _answer(client, payload, world["age"].credential, world["key"]).status_code == 404


def test_a_wrong_state_or_an_expired_request_is_refused(client, world) -> None:
    made = _request(world)
    payload = _request_payload(client, made)
    assert _answer(client, payload, world["age"].credential, world["key"], state="x" * 22).status_code == 400
    with Session(world["db"]) as db:  # a wrong state does not spend the request...
        row = db.get(VpRequest, made.id)
        assert row.answered_at is None
        row.expires_at = utcnow()  # ...but time does
        db.add(row)
        db.commit()
    assert _answer(client, payload, world["age"].credential, world["key"]).status_code == 404
    assert _outcome(world, made).state == "expired"


def test_only_registered_roles_may_ask_and_only_the_asker_sees_the_answer(world) -> None:
    with Session(world["db"]) as db:
        with pytest.raises(DomainError, match="not_registered"):
            oid4vp.create_request(db, world["citizen"], RP, "age18")
        with pytest.raises(DomainError, match="not_registered"):
            oid4vp.create_request(db, world["official"], "cds-rp-nobody", "age18")
        with pytest.raises(DomainError, match="unknown_query"):
            oid4vp.create_request(db, world["official"], RP, "identity_name")
    made = _request(world)
    with Session(world["db"]) as db, pytest.raises(DomainError):
        oid4vp.request_outcome(db, world["citizen"], made.id)


def test_the_holder_sees_who_asks_why_and_which_claims(world) -> None:
    made = _request(world)
    with Session(world["db"]) as db:
        view = oid4vp.read_request_link(db, made.link)
        assert view.known and view.name["vi"].startswith("Đường sắt") and view.purpose["en"]
        assert (view.kind, view.claims, view.query_id) == ("age18", ["age_over_18"], "age18")
        assert view.logo == "/wallet/logos/metro-line1.svg"  # the registry's logo, a file the app serves
        assert (oid4vp.LOGO_DIR / "metro-line1.svg").is_file()
        with pytest.raises(DomainError, match="foreign_request"):
            oid4vp.read_request_link(db, "openid4vp://?client_id=x&request_uri=https%3A%2F%2Fevil.example%2Fr")


# --- direct_post.jwt and the holder's delivery route -------------------------------------------------------------


def _cookie(world, who: str = "citizen") -> dict[str, str]:
    with Session(world["db"]) as db:
        token = open_session(db, world[who])
        db.commit()
    return {"cds_sid": token}


def _encrypted(world) -> oid4vp.NewRequest:
    with Session(world["db"], expire_on_commit=False) as db:
        made = oid4vp.create_request(db, world["official"], RP, "age18", encrypted=True)
        db.commit()
    return made


def test_an_encrypted_request_takes_only_a_jwe_to_its_own_key(client, world) -> None:
    made = _encrypted(world)
    payload = _request_payload(client, made)
    meta = payload["client_metadata"]
    assert payload["response_mode"] == "direct_post.jwt"
    assert meta["encrypted_response_enc_values_supported"] == ["A128GCM", "A256GCM"]
    key = meta["jwks"]["keys"][0]
    assert key["use"] == "enc" and key["alg"] == "ECDH-ES" and key["crv"] == "P-256" and "d" not in key
    # a plain answer and a JWE to another key are refused without spending the request
    plain = _answer(client, payload, world["age"].credential, world["key"])
    assert plain.status_code == 400 and "only an encrypted answer" in plain.json()["message"]["en"]
    with Session(world["db"]) as db:
        view = oid4vp_holder.read_request(db, made.link)
    vp = cr.build_presentation(world["age"].credential, ["age_over_18"], world["key"], RP, payload["nonce"])
    other = oid4vp_holder.response_form(replace(view, encryption={"jwk": ECKey.generate_key("P-256").as_dict(
        private=False), "enc": "A256GCM"}), vp)
    refused = client.post(urlsplit(payload["response_uri"]).path, data=other)
    assert refused.status_code == 400 and "could not be decrypted" in refused.json()["message"]["en"]
    form = oid4vp_holder.response_form(view, vp)
    assert set(form) == {"response"} and form["response"].count(".") == 4
    assert client.post(urlsplit(payload["response_uri"]).path, data=form).status_code == 200
    assert _outcome(world, made) == oid4vp.Outcome("verified", {"age_over_18": True})


def test_the_wallet_delivers_an_encrypted_answer_through_the_server(client, world) -> None:
    made = _encrypted(world)
    with Session(world["db"]) as db:
        view = oid4vp_holder.read_request(db, made.link)
    vp = cr.build_presentation(world["age"].credential, ["age_over_18"], world["key"], RP, view.nonce)
    body = {"request": made.link, "presentation": vp}
    assert client.post("/api/identity/oid4vp/answer", json=body, headers={"origin": ORIGIN}).status_code == 401
    stranger = _cookie({**world, "stranger": _stranger(world)}, "stranger")
    res = client.post("/api/identity/oid4vp/answer", json=body, headers={"origin": ORIGIN}, cookies=stranger)
    assert res.status_code == 403 and res.json()["error"] == "identity.oid4vp.not_yours"
    res = client.post("/api/identity/oid4vp/answer", json=body, headers={"origin": ORIGIN}, cookies=_cookie(world))
    assert res.status_code == 200, res.text
    assert _outcome(world, made) == oid4vp.Outcome("verified", {"age_over_18": True})


def test_the_answer_to_another_server_waits_in_the_outbound_threads(client, world, monkeypatch) -> None:
    """Delivering an answer may wait up to the other server's timeout: it runs in the outbound pool, never in the
    threads the app's own work shares (a few hanging verifiers cannot stall logins and payments)."""
    threads: list[str] = []
    monkeypatch.setattr(oid4vp_api, "_answer", lambda *args: threads.append(threading.current_thread().name))
    res = client.post("/api/identity/oid4vp/answer", json={"request": "openid4vp://?x", "presentation": "p~"},
                      headers={"origin": ORIGIN}, cookies=_cookie(world))
    assert res.status_code == 200 and len(threads) == 1 and threads[0].startswith("cds-outbound")


def _stranger(world) -> int:
    with Session(world["db"]) as db:
        other = make_user(db, "Lê Văn Khách")
        db.commit()
        return other.id


def test_the_wallet_sends_no_more_than_asked(client, world) -> None:
    with Session(world["db"], expire_on_commit=False) as db:
        made = oid4vp.create_request(db, world["official"], "cds-rp-ward-desk", "identity_name", encrypted=True)
        db.commit()
        view = oid4vp_holder.read_request(db, made.link)
    vp = cr.build_presentation(world["identity"].credential, ["full_name", "birth_date"], world["key"],
                               view.client_id, view.nonce)
    res = client.post("/api/identity/oid4vp/answer", json={"request": made.link, "presentation": vp},
                      headers={"origin": ORIGIN}, cookies=_cookie(world))
    assert res.status_code == 400 and res.json()["error"] == "identity.oid4vp.too_much"
    assert _outcome(world, made).state == "waiting"


@pytest.mark.parametrize("alg", ["none", "HS256"])
def test_a_request_object_whose_header_names_another_alg_is_refused(world, monkeypatch, alg: str) -> None:
    """Signed with the verifier key, but the header says another algorithm: refused with the signature check."""
    made = _request(world)
    with Session(world["db"]) as db:
        genuine = oid4vp.request_object(db, made.id)
        header, payload, _, _ = jws_parse(genuine)
        signing_input = f"{json_b64({**header, 'alg': alg})}.{json_b64(payload)}"
        forged = f"{signing_input}.{b64u(sign_es256(oid4vp.verifier_key(), signing_input.encode()))}"
        monkeypatch.setattr(oid4vp, "request_object", lambda _db, _id: forged)
        with pytest.raises(DomainError, match="bad_request"):
            oid4vp.read_request_link(db, made.link)
        monkeypatch.setattr(oid4vp, "request_object", lambda _db, _id: genuine)
        assert oid4vp.read_request_link(db, made.link).known


def test_a_registry_naming_a_logo_the_app_does_not_have_is_refused(tmp_path, monkeypatch) -> None:
    registry = json.loads(oid4vp.REGISTRY_FILE.read_text(encoding="utf-8"))
    registry["relying_parties"][0]["logo"] = "missing-logo.svg"
    (tmp_path / "rp.json").write_text(json.dumps(registry), encoding="utf-8")
    monkeypatch.setattr(oid4vp, "REGISTRY_FILE", tmp_path / "rp.json")
    oid4vp.relying_parties.cache_clear()
    try:
        with pytest.raises(ValueError, match="logo"):
            oid4vp.relying_parties()
    finally:
        monkeypatch.undo()
        oid4vp.relying_parties.cache_clear()
