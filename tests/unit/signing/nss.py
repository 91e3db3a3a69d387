"""poppler's pdfsig against an NSS store holding our root, the issuing CA and (optionally) its CRL: how a stranger
checks a document, revocation included (pdfsig fetches no CRL itself; ``crlutil -I`` imports it)."""

from __future__ import annotations

import subprocess
from pathlib import Path

from tests.conftest import require_tools


def nss_store(folder: Path, root_pem: bytes, issuing_pem: bytes, crl_der: bytes | None = None) -> Path:
    certutil, crlutil = require_tools("certutil", "crlutil")
    nss = folder / "nss"
    nss.mkdir(parents=True)
    (folder / "root.pem").write_bytes(root_pem)
    (folder / "issuing.pem").write_bytes(issuing_pem)
    subprocess.run([certutil, "-N", "-d", f"sql:{nss}", "--empty-password"], check=True, capture_output=True)
    subprocess.run([certutil, "-A", "-d", f"sql:{nss}", "-n", "cds-root", "-t", "CT,C,C", "-i",
                    str(folder / "root.pem")], check=True, capture_output=True)
    subprocess.run([certutil, "-A", "-d", f"sql:{nss}", "-n", "cds-issuing", "-t", ",,", "-i",
                    str(folder / "issuing.pem")], check=True, capture_output=True)
    if crl_der is not None:
        (folder / "issuing.crl").write_bytes(crl_der)
        subprocess.run([crlutil, "-I", "-d", f"sql:{nss}", "-i", str(folder / "issuing.crl")], check=True,
                       capture_output=True)
    return nss


def pdfsig(pdf: bytes, nss: Path, name: str = "signed.pdf") -> str:
    (pdfsig_path,) = require_tools("pdfsig")
    path = nss.parent / name
    path.write_bytes(pdf)
    result = subprocess.run([pdfsig_path, "-nssdir", f"sql:{nss}", str(path)], capture_output=True, text=True)
    return result.stdout + result.stderr
