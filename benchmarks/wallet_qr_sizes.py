"""Size of an over-60 credential presentation and the QR version it needs, in both QR modes.

Run: .venv/bin/python benchmarks/wallet_qr_sizes.py   (uses a throw-away instance folder; takes a second, so
``--smoke``, the suite's switch for every benchmark, runs the same measurement)
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ["INSTANCE_DIR"] = WORK = tempfile.mkdtemp(prefix="cds-bench-")
os.environ.setdefault("WALLET_ISSUER", "https://cds.hochiminhcity.gov.vn")

import qrcode  # noqa: E402
from qrcode.constants import ERROR_CORRECT_L, ERROR_CORRECT_M  # noqa: E402
from sqlmodel import Session, SQLModel  # noqa: E402

from citizen_app.core.db import make_engine  # noqa: E402
from citizen_app.core.registry import import_all_models  # noqa: E402
from citizen_app.identity.crypto import b64u, new_p256_key, public_jwk  # noqa: E402
from citizen_app.wallet import credentials as cr  # noqa: E402
from citizen_app.wallet.qr_transport import encode_for_qr  # noqa: E402


def qr_version(text: str, level: int) -> int:
    code = qrcode.QRCode(error_correction=level)
    code.add_data(text)
    code.make(fit=True)
    return code.version


def measure() -> list[tuple[str, int, int, int]]:
    from tests.unit.identity.helpers import make_verified_citizen

    import_all_models()
    engine = make_engine("sqlite://")
    SQLModel.metadata.create_all(engine)
    holder = new_p256_key()
    with Session(engine, expire_on_commit=False) as db:
        citizen = make_verified_citizen(db, birth=date(1960, 5, 17))
        credential = cr.issue_credential(db, citizen.id, "age60", public_jwk(holder)).credential
        request = cr.create_verifier_request(db, "cds:v:bc")
        rows = [("verifier request QR (mode B)", request.qr_text)]
        rows.append(("presentation, nonce mode (B)",
                     cr.build_presentation(credential, [], holder, request.aud, request.nonce)))
        rows.append(("presentation, one-time 60 s (C)",
                     cr.build_presentation(credential, [], holder, cr.ONE_TIME_AUD, b64u(os.urandom(12)))))
    rows += [(f"{name} as VP1 Base45", encode_for_qr(text)) for name, text in rows[1:]]
    return [(name, len(text), qr_version(text, ERROR_CORRECT_L), qr_version(text, ERROR_CORRECT_M))
            for name, text in rows]


def status_list_size(revoked_share: float = 0.003) -> tuple[int, int]:
    """Compressed size of a 131,072-entry list with a share of random indices revoked."""
    import secrets

    from citizen_app.wallet.status_list import LIST_SIZE, encode_bits

    revoked = {secrets.randbelow(LIST_SIZE) for _ in range(int(LIST_SIZE * revoked_share))}
    return len(revoked), len(encode_bits(sorted(revoked), LIST_SIZE))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--smoke", action="store_true", help="the same measurement (it already takes a second)")
    parser.parse_args()
    print(f"iss = {os.environ['WALLET_ISSUER']}")
    for name, size, v_l, v_m in measure():
        print(f"{name:48s} {size:5d} chars   QR version {v_l:2d}-L / {v_m:2d}-M")
    count, size = status_list_size()
    print(f"status list: 131072 entries, {count} revoked -> lst {size} chars (base64url of zlib)")


if __name__ == "__main__":
    try:
        main()
    finally:
        shutil.rmtree(WORK, ignore_errors=True)
