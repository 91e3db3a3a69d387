"""OpenID4VCI against a wallet written elsewhere: the OpenWallet Foundation's ``@openid4vc/openid4vci`` (pinned in
tests/oid4vc_client/package.json, installed by ``make test-deps``) runs on Node 22 against every route of the app
served over HTTPS by granian (a test CA made here; the library's https-only checks stay on).

It takes a credential offer the citizen made while signed in, redeems it with the transaction code, proves key
possession over our nonce and obtains an identity credential (a batch of two, unlinkable) and an age credential;
our strict verifier then accepts presentations made from them. Refusals: a wrong transaction code, a reused
pre-authorized code and a proof over a nonce we never gave.
"""

from __future__ import annotations

import json
import os
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from cryptography.hazmat.primitives.asymmetric import ec
from sqlmodel import Session

from citizen_app.core.timeutil import utcnow
from citizen_app.identity.crypto import b64u_decode, epoch
from citizen_app.identity.service import open_session
from citizen_app.wallet import credentials as cr
from tests.api.test_oidc import _node
from tests.api.wallet.interop_server import serve_routes
from tests.conftest import missing_tool
from tests.unit.identity.helpers import make_verified_citizen

ROOT = Path(__file__).resolve().parents[3]
CLIENT_DIR = ROOT / "tests" / "oid4vc_client"
INSTALL_HINT = "npm ci --prefix tests/oid4vc_client (Node >= 22 first on PATH)"


@dataclass(frozen=True)
class Issuer:
    url: str
    ca: str
    node: str
    cookie: str


@pytest.fixture(scope="module")
def issuer(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Issuer]:
    node = _node()
    if node is None or not (CLIENT_DIR / "node_modules" / "@openid4vc" / "openid4vci").is_dir():
        missing_tool(f"Node >= 22 with the OpenID4VCI test wallet (`{INSTALL_HINT}`)")
    with serve_routes(tmp_path_factory.mktemp("oid4vci")) as served:
        with Session(served.engine, expire_on_commit=False) as db:
            citizen = make_verified_citizen(db)
            cookie = open_session(db, citizen.id)
            db.commit()
        yield Issuer(served.url, served.ca, node, cookie)


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
