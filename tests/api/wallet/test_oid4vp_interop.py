"""OpenID4VP 1.0 against implementations written elsewhere: the OpenWallet Foundation's ``@openid4vc/openid4vp``
(pinned in tests/oid4vc_client/package.json) on Node 22, against the app's routes served over HTTPS by granian.

- As a **verifier** outside the city's registry (``vp_verifier.mjs``): it asks for ``age_over_18`` only (DCQL, by
  value, ``redirect_uri:`` client id), ``direct_post`` or ``direct_post.jwt`` to its own key. The app's wallet reads
  it as an unknown verifier, the citizen's answer goes through ``POST /api/identity/oid4vp/answer``, the library
  parses (and decrypts) what it receives, and our strict verifier checks the SD-JWT it got.
- As a **wallet** (``vp_wallet.mjs``): it resolves the app verifier's request (request_uri, signature with the
  verifier JWKS, pre-registered client id) and sends a vp_token made with the app's holder helpers, plain or
  encrypted to the request's key; the app's verifier accepts it, and refuses a wrong nonce, a wrong audience, an
  expired request and a revoked credential with words.
"""

from __future__ import annotations

import json
import os
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import httpx
import pytest
from sqlmodel import Session, select

from citizen_app.core.timeutil import utcnow
from citizen_app.identity.crypto import new_p256_key, public_jwk
from citizen_app.identity.models import ActivityEntry
from citizen_app.identity.service import open_session
from citizen_app.wallet import credentials as cr
from citizen_app.wallet import oid4vp_holder, words
from citizen_app.wallet.models import VpRequest
from citizen_app.wallet.service import revoke_own_credential
from tests.api.test_oidc import _node
from tests.api.wallet.interop_server import Served, serve_routes
from tests.api.wallet.test_oid4vci_interop import CLIENT_DIR, INSTALL_HINT
from tests.conftest import missing_tool
from tests.unit.identity.helpers import make_verified_citizen, make_ward_official

RP = "cds-rp-metro-youth"


@dataclass
class World:
    served: Served
    node: str
    citizen: int
    citizen_cookie: str
    official_cookie: str
    key: Any
    credential: str  # the citizen's age credential, bound to ``key``


def _post(world: World, path: str, body: dict, cookie: str) -> httpx.Response:
    return httpx.post(world.served.url + path, json=body, verify=world.served.ca,
                      headers={"origin": world.served.url, "cookie": f"cds_sid={cookie}"})


def _issue_age(world: World) -> dict[str, Any]:
    res = _post(world, "/api/identity/credentials", {"kind": "age18", "holder_jwk": public_jwk(world.key)},
                world.citizen_cookie)
    assert res.status_code == 200, res.text
    return res.json()


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    node = _node()
    if node is None or not (CLIENT_DIR / "node_modules" / "@openid4vc" / "openid4vp").is_dir():
        missing_tool(f"Node >= 22 with the OpenID4VP test programs (`{INSTALL_HINT}`)")
    with serve_routes(tmp_path_factory.mktemp("oid4vp")) as served:
        with Session(served.engine, expire_on_commit=False) as db:
            citizen, official = make_verified_citizen(db), make_ward_official(db, "Võ Thị Lan")
            cookies = open_session(db, citizen.id), open_session(db, official.id)
            db.commit()
        made = World(served, node, citizen.id, *cookies, new_p256_key(), "")
        made.credential = _issue_age(made)["credential"]
        yield made


class Node:
    """One test program speaking JSON lines: its stdout to us, our answers on its stdin."""

    def __init__(self, world: World, script: str, scenario: dict[str, Any]) -> None:
        env = {**os.environ, "NODE_EXTRA_CA_CERTS": world.served.ca}
        self.proc = subprocess.Popen([world.node, script, json.dumps(scenario)], cwd=CLIENT_DIR, env=env, text=True,
                                     stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE)

    def hear(self) -> dict[str, Any]:
        assert self.proc.stdout is not None
        line = self.proc.stdout.readline()
        assert line, self.proc.stderr.read() if self.proc.stderr else "no output"
        return json.loads(line)

    def say(self, message: dict[str, Any]) -> dict[str, Any]:
        assert self.proc.stdin is not None
        self.proc.stdin.write(json.dumps(message) + "\n")
        self.proc.stdin.flush()
        return self.hear()

    def close(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
        self.proc.wait(10)


@pytest.fixture()
def programs() -> Iterator[list[Node]]:
    started: list[Node] = []
    yield started
    for program in started:
        program.close()


def _start(programs: list[Node], world: World, script: str, scenario: dict[str, Any]) -> Node:
    program = Node(world, script, scenario)
    programs.append(program)
    return program


def _strict(world: World, presentation: str, aud: str, nonce: str) -> dict[str, Any]:
    """Our strict verifier, with the issuer's keys and status list fetched over HTTPS as any verifier would."""
    jwks = httpx.get(world.served.url + "/.well-known/jwks.json", verify=world.served.ca).json()
    return cr.strict_verify(presentation, aud, nonce, utcnow(), {world.served.url: jwks},
                            lambda uri: httpx.get(uri, verify=world.served.ca).text, cr.MemoryReplayCache()).claims


# --- the app's wallet answers a verifier outside the registry -------------------------------------------------


@pytest.mark.parametrize("mode", ["direct_post", "direct_post.jwt"])
def test_the_app_wallet_answers_an_independent_unknown_verifier(world: World, programs, mode: str) -> None:
    verifier = _start(programs, world, "vp_verifier.mjs", {"cert": str(world.served.tls.cert_pem),
                                                           "key": str(world.served.tls.key_pem), "mode": mode,
                                                           "vct": cr.TYPES["age18"].vct})
    asked = verifier.hear()
    with Session(world.served.engine) as db:
        view = oid4vp_holder.read_request(db, asked["link"])
    host = view.response_uri.split("/")[2]
    assert not view.known and view.client_id == asked["client_id"] and view.claims == ["age_over_18"]
    assert view.name == {"vi": f"Bên yêu cầu chưa đăng ký với thành phố ({host})",
                         "en": f"A verifier not registered with the city ({host})"}
    assert words.claim_label("age_over_18")["en"] == "Over 18"
    assert (view.encryption is not None) == (mode == "direct_post.jwt")

    presentation = cr.build_presentation(world.credential, ["age_over_18"], world.key, view.client_id, view.nonce)
    res = _post(world, "/api/identity/oid4vp/answer", {"request": asked["link"], "presentation": presentation},
                world.citizen_cookie)
    received = verifier.hear()
    assert res.status_code == 200, (res.text, received)
    assert received["ok"] and list(received["presentations"]) == ["over18"], received
    assert received["encrypted"] == (mode == "direct_post.jwt") and received["nonce"] == asked["nonce"]
    sent = received["presentations"]["over18"]
    assert sent == [presentation]
    assert _strict(world, sent[0], asked["client_id"], asked["nonce"]) == {"age_over_18": True}
    with Session(world.served.engine) as db:
        logged = db.exec(select(ActivityEntry).where(ActivityEntry.user_id == world.citizen,
                                                     ActivityEntry.kind == "credential_presented")).all()
    assert any(json.loads(e.params_json).get("verifier") == host for e in logged)


def test_the_app_wallet_refuses_to_send_an_answer_for_another_nonce(world: World, programs) -> None:
    verifier = _start(programs, world, "vp_verifier.mjs", {"cert": str(world.served.tls.cert_pem),
                                                           "key": str(world.served.tls.key_pem),
                                                           "mode": "direct_post", "vct": cr.TYPES["age18"].vct})
    asked = verifier.hear()
    presentation = cr.build_presentation(world.credential, ["age_over_18"], world.key, asked["client_id"],
                                         "another-nonce-123")
    res = _post(world, "/api/identity/oid4vp/answer", {"request": asked["link"], "presentation": presentation},
                world.citizen_cookie)
    assert res.status_code == 400 and res.json()["error"] == "identity.verify.wrong_nonce", res.text


# --- an independent wallet answers the app's verifier ---------------------------------------------------------


def _request(world: World, *, encrypted: bool = False, client_id: str = RP) -> httpx.Response:
    return _post(world, "/api/identity/oid4vp/requests", {"client_id": client_id, "query": "age18",
                                                           "encrypted": encrypted}, world.official_cookie)


def _outcome(world: World, request_id: str) -> dict[str, Any]:
    res = httpx.get(f"{world.served.url}/api/identity/oid4vp/requests/{request_id}", verify=world.served.ca,
                    headers={"cookie": f"cds_sid={world.official_cookie}"})
    assert res.status_code == 200, res.text
    return res.json()


def _resolve(world: World, programs, encrypted: bool = False) -> tuple[Node, dict[str, Any], str]:
    made = _request(world, encrypted=encrypted)
    assert made.status_code == 200, made.text
    jwks_uri = world.served.url + "/api/identity/oid4vp/verifier-jwks"
    wallet = _start(programs, world, "vp_wallet.mjs", {"link": made.json()["link"], "jwks_uri": jwks_uri})
    resolved = wallet.hear()
    assert resolved["ok"], resolved
    return wallet, resolved, made.json()["id"]


def _vp_token(request: dict[str, Any], presentation: str) -> dict[str, list[str]]:
    return {request["dcql_query"]["credentials"][0]["id"]: [presentation]}


@pytest.mark.parametrize("encrypted", [False, True])
def test_an_independent_wallet_resolves_our_request_and_we_accept_its_answer(world: World, programs,
                                                                             encrypted: bool) -> None:
    wallet, resolved, request_id = _resolve(world, programs, encrypted)
    request = resolved["request"]
    assert resolved["signed"] and resolved["client"] == {"prefix": "pre-registered", "identifier": RP}
    assert request["dcql_query"]["credentials"][0]["claims"] == [{"path": ["age_over_18"]}]
    assert request["response_mode"] == ("direct_post.jwt" if encrypted else "direct_post")
    if encrypted:
        key = request["client_metadata"]["jwks"]["keys"][0]
        assert key["kty"] == "EC" and key["crv"] == "P-256" and "d" not in key and key["alg"] == "ECDH-ES"
        assert request["client_metadata"]["encrypted_response_enc_values_supported"] == ["A128GCM", "A256GCM"]
    presentation = cr.build_presentation(world.credential, ["age_over_18"], world.key, RP, request["nonce"])
    sent = wallet.say({"vp_token": _vp_token(request, presentation)})
    assert sent["ok"] and sent["status"] == 200 and sent["encrypted"] == encrypted, sent
    assert _outcome(world, request_id) == {"state": "verified", "claims": {"age_over_18": True}, "error": ""}


def _expire(world: World, request_id: str) -> None:
    with Session(world.served.engine) as db:
        row = db.get(VpRequest, request_id)
        assert row is not None
        row.expires_at = utcnow() - timedelta(seconds=1)
        db.add(row)
        db.commit()


def _revoked_credential(world: World) -> str:
    issued = _issue_age(world)
    with Session(world.served.engine) as db:
        revoke_own_credential(db, world.citizen, issued["id"])
        db.commit()
    return issued["credential"]


@pytest.mark.parametrize(("case", "status", "words_en"), [
    ("wrong_nonce", 400, "wrong, used or expired request code"),
    ("wrong_audience", 400, "another verifier"),
    ("expired", 404, "expired"),
    ("revoked", 400, "revoked"),
])
def test_our_verifier_refuses_a_bad_answer_from_an_independent_wallet(world: World, programs, case: str, status: int,
                                                                      words_en: str) -> None:
    wallet, resolved, request_id = _resolve(world, programs)
    request = resolved["request"]
    credential = _revoked_credential(world) if case == "revoked" else world.credential
    aud = "https://bank.example" if case == "wrong_audience" else RP
    nonce = "not-the-request-nonce" if case == "wrong_nonce" else request["nonce"]
    if case == "expired":
        _expire(world, request_id)
    presentation = cr.build_presentation(credential, ["age_over_18"], world.key, aud, nonce)
    sent = wallet.say({"vp_token": _vp_token(request, presentation)})
    assert sent["status"] == status, sent
    assert words_en in sent["body"]["message"]["en"].lower() and sent["body"]["message"]["vi"], sent
    if case != "expired":
        assert _outcome(world, request_id)["state"] == "refused"


def test_a_party_outside_the_registry_cannot_make_requests(world: World) -> None:
    res = _request(world, client_id="bank-not-registered")
    assert res.status_code == 400 and res.json()["error"] == "identity.oid4vp.not_registered"
