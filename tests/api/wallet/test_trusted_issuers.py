"""The wallet takes credential offers of other issuers the city trusts (docs/WALLET.md, "Holder", "Trust lists").

The other issuer is a second instance of the app's issuer, with its own key and its own issuer URL, served over
HTTPS by granian on 127.0.0.1 (``interop_server.py``) with a test CA that the wallet's outbound calls trust here.
The wallet (the app's routes in-process) reads the offer, shows who offers what, redeems it with the transaction
code, proves the holder key over the issuer's nonce as the browser does, checks the credential against the trust
list and keeps it. Untrusted issuers, a wrong transaction code and a credential whose signature does not verify are
refused and nothing is kept; the city's verifier accepts a presentation of a held credential only while its issuer
is on the list.
"""

from __future__ import annotations

import json
import ssl
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlmodel import Session, select
from starlette.applications import Starlette
from starlette.testclient import TestClient

from citizen_app.core.config import settings
from citizen_app.core.timeutil import utcnow
from citizen_app.identity.activity import list_activity
from citizen_app.identity.crypto import epoch, jws_encode, new_p256_key, public_jwk
from citizen_app.identity.service import open_session
from citizen_app.wallet import api as wallet_api
from citizen_app.wallet import credentials as cr
from citizen_app.wallet import outbound
from citizen_app.wallet import trusted_issuers as ti
from citizen_app.wallet.models import HeldCredential
from citizen_app.wallet.oid4vci import PROOF_TYP
from tests.api.wallet.interop_server import serve_routes
from tests.unit.identity.helpers import make_verified_citizen

ORIGIN = settings().public_url
UNIVERSITY = {"vi": "Trường Đại học Thử nghiệm", "en": "Test University"}


@dataclass(frozen=True)
class OtherIssuer:
    url: str
    ca: str
    cookie: str


@pytest.fixture(scope="module")
def other(tmp_path_factory: pytest.TempPathFactory) -> Iterator[OtherIssuer]:
    tmp = tmp_path_factory.mktemp("other-issuer")
    with serve_routes(tmp) as served:
        with Session(served.engine, expire_on_commit=False) as db:
            cookie = open_session(db, make_verified_citizen(db).id)
            db.commit()
        yield OtherIssuer(served.url, served.ca, cookie)


def _trust(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, *entries: dict[str, Any]) -> None:
    listed = tmp_path / f"trusted_{len(list(tmp_path.glob('trusted_*')))}.json"
    city = {"issuer": "self", "name": {"vi": "Thành phố", "en": "The city"}}
    listed.write_text(json.dumps({"trusted_issuers": [city, *entries]}))
    monkeypatch.setenv(ti.FILE_ENV, str(listed))
    ti._KEYS.clear()


def _entry(other: OtherIssuer, **extra: Any) -> dict[str, Any]:
    return {"issuer": other.url, "name": UNIVERSITY, "configurations": [
        {"id": "cds_age18", "vct": "urn:cds:a18", "name": {"vi": "Trên 18 tuổi (trường)", "en": "Over 18 (school)"}},
    ], **extra}


@pytest.fixture()
def world(app_db, other: OtherIssuer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, Any]:
    monkeypatch.setattr(outbound, "OUTBOUND", outbound.Outbound(verify=ssl.create_default_context(cafile=other.ca),
                                                                allow_loopback=True))
    _trust(tmp_path, monkeypatch, _entry(other))
    with Session(app_db, expire_on_commit=False) as db:
        holder = make_verified_citizen(db)
        cookie = open_session(db, holder.id)
        db.commit()
    client = TestClient(Starlette(routes=wallet_api.ROUTES), base_url=ORIGIN)
    client.cookies.set("cds_sid", cookie)
    return {"db": app_db, "holder": holder.id, "client": client, "key": new_p256_key()}


def _offer(other: OtherIssuer, kinds: list[str]) -> dict[str, str]:
    res = httpx.post(f"{other.url}/api/identity/oid4vci/offers", json={"kinds": kinds}, verify=other.ca,
                     headers={"origin": other.url, "cookie": f"cds_sid={other.cookie}"})
    assert res.status_code == 200, res.text
    return res.json()


def _post(world: dict[str, Any], path: str, body: dict[str, Any]) -> httpx.Response:
    return world["client"].post(path, json=body, headers={"origin": ORIGIN})


def _proof(key, aud: str, nonce: str) -> str:
    """The key proof the browser signs with the holder key (assets/wallet/wallet.js)."""
    return jws_encode({"alg": "ES256", "typ": PROOF_TYP, "jwk": public_jwk(key)},
                      {"aud": aud, "iat": epoch(utcnow()), "nonce": nonce}, key)


def _read_and_accept(world: dict[str, Any], offer: dict[str, str], tx_code: str) -> tuple[dict, httpx.Response]:
    read = _post(world, "/api/identity/offers/read", {"offer": offer["offer"]})
    assert read.status_code == 200, read.text
    view = read.json()
    proofs = {cid: _proof(world["key"], view["issuer"], nonce) for cid, nonce in view["nonces"].items()}
    return view, _post(world, "/api/identity/offers/accept",
                       {"offer": offer["offer"], "tx_code": tx_code, "proofs": proofs})


def _held(world: dict[str, Any]) -> list[HeldCredential]:
    with Session(world["db"]) as db:
        return list(db.exec(select(HeldCredential).where(HeldCredential.user_id == world["holder"])).all())


def _log(world: dict[str, Any]) -> list[str]:
    with Session(world["db"]) as db:
        return [entry.text for entry in list_activity(db, world["holder"], "en")]


def _present(world: dict[str, Any], credential: str) -> httpx.Response:
    """The city's online verifier (mode B) checks a presentation of the held credential."""
    request = _post(world, "/api/identity/verify/request", {"aud": "cds:v:web"}).json()
    vp = cr.build_presentation(credential, ["age_over_18"], world["key"], request["aud"], request["nonce"])
    return _post(world, "/api/identity/verify", {"presentation": vp, "nonce": request["nonce"]})


def test_a_trusted_issuers_offer_is_shown_in_words_and_its_credential_kept(world, other, tmp_path,
                                                                          monkeypatch) -> None:
    offer = _offer(other, ["age18"])
    view, res = _read_and_accept(world, offer, offer["tx_code"])
    assert view["issuer_name"] == UNIVERSITY and view["issuer"] == other.url
    assert view["credentials"] == [{"id": "cds_age18", "vi": "Trên 18 tuổi (trường)", "en": "Over 18 (school)"}]
    assert view["tx_code"]["length"] == 6 and view["tx_code"]["numeric"] is True
    assert res.status_code == 200, res.text
    [got] = res.json()["credentials"]
    assert got["name"]["en"] == "Over 18 (school)" and got["issuer"] == other.url and got["key_mode"] == "browser"
    _, payload, _, _ = cr.jws_parse(got["credential"].split("~")[0])
    assert payload["iss"] == other.url and payload["cnf"]["jwk"] == public_jwk(world["key"])
    [held] = _held(world)
    assert (held.issuer, held.vct, f"ext-{held.id}") == (other.url, "urn:cds:a18", got["id"])
    assert "Credential received: Over 18 (school), issued by Test University" in _log(world)
    # the city's verifier accepts it while the issuer is on the list, and logs the sharing in the holder's log
    shown = _present(world, got["credential"])
    assert shown.status_code == 200 and shown.json()["claims"] == {"age_over_18": True}, shown.text
    assert any(line.startswith("Showed Over 18 (school) (Test University) to ") for line in _log(world))
    # trusted for the types listed only, and not at all once off the list
    _trust(tmp_path, monkeypatch, {**_entry(other), "configurations": [
        {"id": "cds_identity", "vct": "urn:cds:id", "name": {"vi": "Căn cước", "en": "Identity"}}]})
    assert _present(world, got["credential"]).json()["error"] == "identity.verify.untrusted_type"
    _trust(tmp_path, monkeypatch)
    assert _present(world, got["credential"]).json()["error"] == "identity.verify.untrusted_issuer"


def test_an_issuer_not_on_the_list_is_refused_in_words(world, other, tmp_path, monkeypatch) -> None:
    _trust(tmp_path, monkeypatch)
    offer = _offer(other, ["age18"])
    for path in ("/api/identity/offers/read", "/api/identity/offers/accept"):
        res = _post(world, path, {"offer": offer["offer"], "tx_code": offer["tx_code"]})
        assert res.status_code == 400 and res.json()["error"] == "identity.foreign.untrusted_issuer"
        assert "not on the list of issuers the city trusts" in res.json()["message"]["en"]
    # a trusted issuer offering a type the city does not accept from it
    _trust(tmp_path, monkeypatch, _entry(other))
    res = _post(world, "/api/identity/offers/read", {"offer": _offer(other, ["identity"])["offer"]})
    assert res.json()["error"] == "identity.foreign.not_accepted"
    assert _held(world) == []


def test_a_wrong_transaction_code_is_refused_and_the_right_one_still_works(world, other) -> None:
    offer = _offer(other, ["age18"])
    wrong = f"{(int(offer['tx_code']) + 1) % 1_000_000:06d}"
    _, res = _read_and_accept(world, offer, wrong)
    assert res.status_code == 400 and res.json()["error"] == "identity.foreign.grant_refused", res.text
    _, res = _read_and_accept(world, offer, "")
    assert res.json()["error"] == "identity.foreign.tx_code_needed"
    assert _held(world) == [] and not any("Credential received" in line for line in _log(world))
    _, res = _read_and_accept(world, offer, offer["tx_code"])
    assert res.status_code == 200, res.text
    assert len(_held(world)) == 1


def test_a_credential_whose_signature_does_not_verify_is_refused_and_nothing_kept(world, other, tmp_path,
                                                                                 monkeypatch) -> None:
    real = httpx.get(f"{other.url}/.well-known/jwks.json", verify=other.ca).json()["keys"][0]
    forged = {**real, **{k: v for k, v in public_jwk(new_p256_key()).items() if k in ("x", "y")}}
    _trust(tmp_path, monkeypatch, _entry(other, jwks={"keys": [forged]}))
    offer = _offer(other, ["age18"])
    _, res = _read_and_accept(world, offer, offer["tx_code"])
    assert res.status_code == 400 and res.json()["error"] == "identity.verify.bad_signature", res.text
    assert _held(world) == [] and not any("Credential received" in line for line in _log(world))


def test_the_server_held_key_signs_the_proof_for_a_browser_without_webcrypto(world, other) -> None:
    offer = _offer(other, ["age18"])
    res = _post(world, "/api/identity/offers/accept",
                {"offer": offer["offer"], "tx_code": offer["tx_code"], "key_mode": "server"})
    assert res.status_code == 200, res.text
    assert res.json()["credentials"][0]["key_mode"] == "server"
    assert [h.key_mode for h in _held(world)] == ["server"]
