"""Development certificate authority, generated into ``instance/identity_ca/`` on first use.

Root CA (10 years) -> issuing CA (3 years) -> citizen signing certificates (1 year, key usage
digitalSignature + nonRepudiation), agency certificates and a local time-stamping certificate.
This CA makes "specialised e-signatures" inside our system only; it is NOT a licensed public CA
(Law 20/2023/QH15 Art. 22, Decree 23/2025/NĐ-CP). Production swaps in a CSC remote-signing adapter.
"""

from __future__ import annotations

import contextlib
import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import lru_cache
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from citizen_app.core.config import instance_dir
from citizen_app.core.errors import DomainError
from citizen_app.core.keystore import create_folder_once, load_or_create
from citizen_app.core.timeutil import utcnow
from citizen_app.identity.crypto import new_p256_key

CA_DIR = "identity_ca"
ORG = "Công dân số (thử nghiệm)"
_AGENCY_RE = re.compile(r"^[a-z0-9][a-z0-9_-]{1,63}$")


@dataclass(frozen=True)
class KeyPair:
    cert: x509.Certificate
    key: ec.EllipticCurvePrivateKey | rsa.RSAPrivateKey  # RSA only for the TSA (pyHanko's local TSA needs it)


def ca_dir() -> Path:
    return instance_dir() / CA_DIR


def _name(common_name: str, org: str = ORG, serial: str | None = None) -> x509.Name:
    attrs = [x509.NameAttribute(NameOID.COUNTRY_NAME, "VN"), x509.NameAttribute(NameOID.ORGANIZATION_NAME, org),
             x509.NameAttribute(NameOID.COMMON_NAME, common_name)]
    if serial:
        attrs.append(x509.NameAttribute(NameOID.SERIAL_NUMBER, serial))
    return x509.Name(attrs)


def _key_usage(*, sign: bool = False, ca: bool = False) -> x509.KeyUsage:
    return x509.KeyUsage(digital_signature=sign, content_commitment=sign, key_encipherment=False,
                         data_encipherment=False, key_agreement=False, key_cert_sign=ca, crl_sign=ca,
                         encipher_only=False, decipher_only=False)


def _build(subject: x509.Name, public_key: ec.EllipticCurvePublicKey | rsa.RSAPublicKey, issuer: KeyPair | None,
           issuer_key: ec.EllipticCurvePrivateKey, days: int, *, path_length: int | None = None,
           is_ca: bool = False, eku: list[x509.ObjectIdentifier] | None = None,
           now: datetime | None = None) -> x509.Certificate:
    now = now or utcnow()
    builder = (x509.CertificateBuilder().subject_name(subject)
               .issuer_name(issuer.cert.subject if issuer else subject)
               .public_key(public_key).serial_number(x509.random_serial_number())
               .not_valid_before(now - timedelta(minutes=5)).not_valid_after(now + timedelta(days=days))
               .add_extension(x509.BasicConstraints(ca=is_ca, path_length=path_length), critical=True)
               .add_extension(_key_usage(sign=not is_ca, ca=is_ca), critical=True)
               .add_extension(x509.SubjectKeyIdentifier.from_public_key(public_key), critical=False))
    auth_key = issuer.cert.public_key() if issuer else public_key
    builder = builder.add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(auth_key), critical=False)
    if eku:
        builder = builder.add_extension(x509.ExtendedKeyUsage(eku), critical=True)
    return builder.sign(issuer_key, hashes.SHA256())


def _write(folder: Path, name: str, pair: KeyPair) -> None:
    """Key first and exclusively, so a concurrent writer fails before touching the certificate."""
    load_or_create(folder / f"{name}.key", lambda: pair.key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()))
    (folder / f"{name}.pem").write_bytes(pair.cert.public_bytes(serialization.Encoding.PEM))


def _read(folder: Path, name: str) -> KeyPair:
    cert = x509.load_pem_x509_certificate((folder / f"{name}.pem").read_bytes())
    key = serialization.load_pem_private_key((folder / f"{name}.key").read_bytes(), password=None)
    if not isinstance(key, ec.EllipticCurvePrivateKey | rsa.RSAPrivateKey):
        raise RuntimeError(f"unexpected key type in {folder / name}")
    return KeyPair(cert, key)


def _create_hierarchy(folder: Path) -> None:
    root_key = new_p256_key()
    root = KeyPair(_build(_name("CDS Dev Root CA"), root_key.public_key(), None, root_key, 3650,
                          path_length=1, is_ca=True), root_key)
    issuing_key = new_p256_key()
    issuing = KeyPair(_build(_name("CDS Dev Issuing CA"), issuing_key.public_key(), root, root_key, 1095,
                             path_length=0, is_ca=True), issuing_key)
    tsa_key = rsa.generate_private_key(public_exponent=65537, key_size=3072)
    tsa = KeyPair(_build(_name("CDS Dev Time Stamping"), tsa_key.public_key(), issuing, issuing_key, 1095,
                         eku=[ExtendedKeyUsageOID.TIME_STAMPING]), tsa_key)
    for name, pair in (("root", root), ("issuing", issuing), ("tsa", tsa)):
        _write(folder, name, pair)


def ensure_ca() -> Path:
    """Create the hierarchy once; concurrent first runs race on an atomic directory rename."""
    return create_folder_once(ca_dir(), _create_hierarchy)


@lru_cache(maxsize=4)
def _load(name: str, folder: str) -> KeyPair:
    return _read(Path(folder), name)


def root_ca() -> KeyPair:
    return _load("root", str(ensure_ca()))


def issuing_ca() -> KeyPair:
    return _load("issuing", str(ensure_ca()))


def tsa_pair() -> KeyPair:
    return _load("tsa", str(ensure_ca()))


def root_pem() -> bytes:
    return root_ca().cert.public_bytes(serialization.Encoding.PEM)


def issue_signing_cert(public_key: ec.EllipticCurvePublicKey, common_name: str, serial: str,
                       days: int = 365, org: str = ORG) -> x509.Certificate:
    """End-entity certificate for signing documents (digitalSignature + nonRepudiation)."""
    issuing = issuing_ca()
    return _build(_name(common_name, org, serial), public_key, issuing, issuing.key, days)


def agency_pair(agency_code: str) -> KeyPair:
    """The agency's signing key and certificate, created on first use (dev only: key on disk)."""
    if not _AGENCY_RE.match(agency_code or ""):
        raise DomainError("identity.sign.bad_agency")
    folder = ensure_ca()
    name = f"agency-{agency_code}"
    if not (folder / f"{name}.pem").exists():
        key = new_p256_key()
        cert = issue_signing_cert(key.public_key(), f"Cơ quan {agency_code}", f"AGENCY-{agency_code}",
                                  days=1095, org=f"{ORG} - {agency_code}")
        with contextlib.suppress(FileExistsError):
            _write(folder, name, KeyPair(cert, key))
    return _read(folder, name)
