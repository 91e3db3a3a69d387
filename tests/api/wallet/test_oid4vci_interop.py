"""OpenID4VCI against a wallet written elsewhere: the OpenWallet Foundation's ``@openid4vc/openid4vci`` (pinned in
tests/oid4vc_client/package.json, installed by ``make test-deps``) runs on Node 22 against every route of the app
served over HTTPS by granian (a test CA made here; the library's https-only checks stay on).

It takes a credential offer the citizen made while signed in, redeems it with the transaction code, proves key
possession over our nonce and obtains an identity credential (a batch of two, unlinkable) and an age credential;
our strict verifier then accepts presentations made from them. Refusals: a wrong transaction code, a reused
pre-authorized code and a proof over a nonce we never gave.

The authorization code flow with PKCE: the library builds the authorization request from the offer (issuer_state,
S256 challenge); this test plays the citizen's signed-in browser (the consent page, "Allow"); the library checks
the redirect's ``iss``, exchanges the code with its verifier and obtains the credentials. A second
exchange of the code is refused and revokes the access token of the first.

Deferred issuance: a residence credential waits for an official; the library reads the 202 and its transaction,
asks the deferred credential endpoint (still waiting), an official approves, and the library collects it.
"""

from __future__ import annotations

import html
import json
import os
import re
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from cryptography.hazmat.primitives.asymmetric import ec
from sqlmodel import Session

from citizen_app.core.timeutil import utcnow
from citizen_app.i18n.catalog import translate
from citizen_app.identity.crypto import b64u_decode, epoch
from citizen_app.identity.service import open_session
from citizen_app.wallet import credentials as cr
from tests.api.test_oidc import _node
from tests.api.wallet.interop_server import serve_routes
from tests.conftest import missing_tool
from tests.unit.identity.helpers import make_verified_citizen, make_ward_official

ROOT = Path(__file__).resolve().parents[3]
CLIENT_DIR = ROOT / "tests" / "oid4vc_client"
INSTALL_HINT = "npm ci --prefix tests/oid4vc_client (Node >= 22 first on PATH)"
WALLET_CLIENT = "cds-interop-wallet"
WALLET_REDIRECT = "https://wallet.example/cb"  # never opened: the test reads the redirect the browser would follow


@dataclass(frozen=True)
class Issuer:
    url: str
    ca: str
    node: str
    cookie: str
    official: str


@pytest.fixture(scope="module")
def issuer(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Issuer]:
    node = _node()
    if node is None or not (CLIENT_DIR / "node_modules" / "@openid4vc" / "openid4vci").is_dir():
        missing_tool(f"Node >= 22 with the OpenID4VCI test wallet (`{INSTALL_HINT}`)")
    tmp = tmp_path_factory.mktemp("oid4vci")
    clients = tmp / "wallet_clients.json"
    clients.write_text(json.dumps({"wallet_clients": [{"client_id": WALLET_CLIENT, "redirect_uris": [WALLET_REDIRECT],
                                                       "name": {"vi": "Ví thử nghiệm OWF", "en": "OWF test wallet"}}]}))
    with serve_routes(tmp, {"WALLET_CLIENTS_FILE": str(clients)}) as served:
        with Session(served.engine, expire_on_commit=False) as db:
            citizen = make_verified_citizen(db)
            cookie = open_session(db, citizen.id)
            official = open_session(db, make_ward_official(db, "Lê Văn Cán Bộ").id)
            db.commit()
        yield Issuer(served.url, served.ca, node, cookie, official)


def _offer(issuer: Issuer, kinds: list[str]) -> dict[str, str]:
    res = httpx.post(f"{issuer.url}/api/identity/oid4vci/offers", json={"kinds": kinds}, verify=issuer.ca,
                     headers={"origin": issuer.url, "cookie": f"cds_sid={issuer.cookie}"})
    assert res.status_code == 200, res.text
    return res.json()


def _wallet(issuer: Issuer, scenario: dict[str, Any]) -> dict[str, Any]:
    env = {**os.environ, "NODE_EXTRA_CA_CERTS": issuer.ca}
    done = subprocess.run([issuer.node, "wallet.mjs", json.dumps(scenario)], cwd=CLIENT_DIR, env=env,
                          capture_output=True, text=True, timeout=120, check=False)
    assert done.stdout.strip(), done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


def _private_key(jwk: dict[str, str]) -> ec.EllipticCurvePrivateKey:
    return ec.derive_private_key(int.from_bytes(b64u_decode(jwk["d"]), "big"), ec.SECP256R1())


def _verify(issuer: Issuer, credential: str, keys: list[dict[str, str]], disclose: list[str]) -> dict[str, Any]:
    """Present ``credential`` with the key it is bound to and check it with our strict verifier, with the issuer's
    keys and status lists fetched over HTTPS as any verifier would."""
    _, payload, _, _ = cr.jws_parse(credential.split("~")[0])
    jwk = next(k for k in keys if k["x"] == payload["cnf"]["jwk"]["x"])
    presentation = cr.build_presentation(credential, disclose, _private_key(jwk), "https://verifier.example",
                                         "interop-nonce-1")
    jwks = httpx.get(f"{issuer.url}/.well-known/jwks.json", verify=issuer.ca).json()
    result = cr.strict_verify(presentation, "https://verifier.example", "interop-nonce-1", epoch(utcnow()),
                              {issuer.url: jwks}, lambda uri: httpx.get(uri, verify=issuer.ca).text,
                              cr.MemoryReplayCache())
    return result.claims


def test_an_independent_wallet_obtains_identity_and_age_credentials(issuer: Issuer) -> None:
    offer = _offer(issuer, ["identity", "age18"])
    result = _wallet(issuer, {"offer": offer["offer"], "tx_code": offer["tx_code"], "step": "issue",
                              "configs": {"cds_identity": 2, "cds_age18": 1}})
    assert result["ok"], result
    assert {"cds_identity", "cds_age18"} <= set(result["metadata"]["configurations"])
    identity, age = result["issued"]["cds_identity"], result["issued"]["cds_age18"]
    assert len(identity) == 2 and len(age) == 1 and identity[0] != identity[1]
    assert [_verify(issuer, c, result["keys"], ["full_name"]) for c in identity] == [{"full_name": "Nguyễn Văn An"}] * 2
    assert _verify(issuer, age[0], result["keys"], []) == {"age_over_18": True}


def test_a_wrong_transaction_code_is_refused(issuer: Issuer) -> None:
    offer = _offer(issuer, ["age18"])
    wrong = "123456" if offer["tx_code"] != "123456" else "654321"
    result = _wallet(issuer, {"offer": offer["offer"], "tx_code": wrong, "step": "issue", "configs": {"cds_age18": 1}})
    assert result == {"ok": False, "step": "token", "error": "invalid_grant", "description": result["description"]}
    assert "transaction code" in result["description"]


def test_a_pre_authorized_code_works_once(issuer: Issuer) -> None:
    offer = _offer(issuer, ["age18"])
    result = _wallet(issuer, {"offer": offer["offer"], "tx_code": offer["tx_code"], "step": "reuse_code",
                              "configs": {}})
    assert result["ok"] is False and result["step"] == "token_again" and result["error"] == "invalid_grant"


def test_a_proof_over_a_nonce_we_never_gave_is_refused(issuer: Issuer) -> None:
    offer = _offer(issuer, ["age18"])
    result = _wallet(issuer, {"offer": offer["offer"], "tx_code": offer["tx_code"], "step": "bad_nonce",
                              "configs": {"cds_age18": 1}})
    assert result["ok"] is False and result["step"] == "credential", result
    assert result["error"] == "invalid_nonce", result


def _consent(issuer: Issuer, authorization_url: str) -> str:
    """The citizen's signed-in browser: open the wallet's authorization URL, read the consent page, allow; the
    redirect the browser would follow back to the wallet."""
    cookie = {"cookie": f"cds_sid={issuer.cookie}"}
    anonymous = httpx.get(authorization_url, verify=issuer.ca, follow_redirects=False)
    assert anonymous.status_code == 303 and anonymous.headers["location"].startswith("/login?next=")
    page = httpx.get(authorization_url, verify=issuer.ca, headers=cookie, follow_redirects=False)
    assert page.status_code == 200, page.text
    assert "Ví thử nghiệm OWF" in page.text and translate("identity.kind.age18", "vi") in page.text, page.text
    fields = {name: html.unescape(value) for name, value in
              re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)">', page.text)}
    allowed = httpx.post(f"{issuer.url}/api/identity/oid4vci/authorize", data={**fields, "decision": "allow"},
                         verify=issuer.ca, headers={**cookie, "origin": issuer.url}, follow_redirects=False)
    assert allowed.status_code == 303, allowed.text
    return allowed.headers["location"]


def _authorized(issuer: Issuer, kinds: list[str]) -> dict[str, Any]:
    offer = _offer(issuer, kinds)
    base = {"offer": offer["offer"], "client_id": WALLET_CLIENT, "redirect_uri": WALLET_REDIRECT}
    started = _wallet(issuer, {**base, "step": "authorize"})
    assert started["ok"], started
    request = {k: v[0] for k, v in parse_qs(urlsplit(started["url"]).query).items()}
    assert request["code_challenge_method"] == "S256" and request["issuer_state"] and request["client_id"] == \
        WALLET_CLIENT
    return {**base, "response_url": _consent(issuer, started["url"]), "code_verifier": started["code_verifier"]}


def test_an_independent_wallet_uses_the_authorization_code_flow_with_pkce(issuer: Issuer) -> None:
    scenario = _authorized(issuer, ["identity", "age18"])
    assert scenario["response_url"].startswith(WALLET_REDIRECT + "?code=")
    result = _wallet(issuer, {**scenario, "step": "redeem", "configs": {"cds_identity": 2, "cds_age18": 1}})
    assert result["ok"], result
    identity, age = result["issued"]["cds_identity"], result["issued"]["cds_age18"]
    assert len(identity) == 2 and len(age) == 1
    assert [_verify(issuer, c, result["keys"], ["full_name"]) for c in identity] == [{"full_name": "Nguyễn Văn An"}] * 2
    assert _verify(issuer, age[0], result["keys"], []) == {"age_over_18": True}


def test_a_second_exchange_of_the_code_is_refused_and_revokes_the_first_token(issuer: Issuer) -> None:
    scenario = _authorized(issuer, ["age18"])
    result = _wallet(issuer, {**scenario, "step": "redeem_twice", "configs": {}})
    assert result["ok"] is False and result["step"] == "token_again" and result["error"] == "invalid_grant", result
    revoked = httpx.post(f"{issuer.url}/api/identity/oid4vci/credential", verify=issuer.ca,
                         headers={"authorization": f"Bearer {result['accessToken']}"},
                         json={"credential_configuration_id": "cds_age18", "proofs": {"jwt": ["x"]}})
    assert revoked.status_code == 401 and revoked.json()["error"] == "invalid_token"


def test_an_independent_wallet_collects_a_credential_an_official_approved(issuer: Issuer) -> None:
    offer = _offer(issuer, ["residence"])
    started = _wallet(issuer, {"offer": offer["offer"], "tx_code": offer["tx_code"], "step": "issue",
                               "configs": {"cds_residence": 1}})
    assert started["ok"] and started["issued"] == {}, started
    collect = {"offer": offer["offer"], "step": "collect", "access_token": started["access_token"],
               "transaction_id": started["deferred"]["cds_residence"]}
    assert _wallet(issuer, collect)["pending"]["transaction_id"] == collect["transaction_id"]
    official = {"cookie": f"cds_sid={issuer.official}", "origin": issuer.url}
    waiting = httpx.get(f"{issuer.url}/api/identity/oid4vci/approvals", verify=issuer.ca, headers=official).json()
    approved = httpx.post(f"{issuer.url}/api/identity/oid4vci/approvals/{waiting['waiting'][-1]['id']}",
                          json={"approve": True}, verify=issuer.ca, headers=official)
    assert approved.json() == {"status": "approved"}
    collected = _wallet(issuer, collect)
    assert collected["ok"] and len(collected["issued"]) == 1, collected
    assert _verify(issuer, collected["issued"][0], started["keys"], ["resident_hcmc"]) == {"resident_hcmc": True}
    again = _wallet(issuer, collect)
    assert again["ok"] is False and again["error"] == "invalid_transaction_id", again
