"""Development certificate authority, generated into ``instance/identity_ca/`` on first use.

Root CA (10 years) -> issuing CA (3 years) -> citizen signing certificates (1 year, key usage
digitalSignature + nonRepudiation), agency certificates and a local time-stamping certificate.
Every certificate below the root names the CRL of its issuer (``crl_url``: ``PUBLIC_URL/trust/crl/<issuer>.crl``,
served by the trust package from the revocations in ``signing.revocation``). A certificate issued before that
pointer existed, or for another ``PUBLIC_URL``, is issued again with the same key on next use (``ensure_ca``,
``agency_pair``, ``signing.service.enrol_signing_certificate``). See docs/TRUST.md.
This CA makes "specialised e-signatures" inside our system only; it is NOT a licensed public CA
(Law 20/2023/QH15 Art. 22, Decree 23/2025/NĐ-CP). Production swaps in a CSC remote-signing adapter.
"""

from __future__ import annotations

import contextlib
import os
import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import lru_cache
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from citizen_app.core.config import instance_dir, settings
from citizen_app.core.errors import DomainError
from citizen_app.core.keystore import create_folder_once, load_or_create
from citizen_app.core.timeutil import utcnow
from citizen_app.identity.crypto import new_p256_key

CA_DIR = "identity_ca"
ORG = "Công dân số (thử nghiệm)"
_AGENCY_RE = re.compile(r"^[a-z0-9][a-z0-9_-]{1,63}$")
ISSUERS = ("root", "issuing")  # the two certificate authorities, each publishing a CRL
CRL_PATH = "/trust/crl/{issuer}.crl"
CRL_LIFETIME = timedelta(days=1)


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


def crl_url(issuer: str) -> str:
    """Where the CRL of ``issuer`` ("root" or "issuing") is published, under this site's ``PUBLIC_URL``."""
    return settings().public_url + CRL_PATH.format(issuer=issuer)


def crl_pointer(cert: x509.Certificate) -> str | None:
    """The first URL of the certificate's CRL distribution points, if it has one."""
    try:
        points = cert.extensions.get_extension_for_class(x509.CRLDistributionPoints).value
    except x509.ExtensionNotFound:
        return None
    for point in points:
        for name in point.full_name or ():
            if isinstance(name, x509.UniformResourceIdentifier):
                return name.value
    return None


def points_to_current_crl(cert: x509.Certificate, issuer: str = "issuing") -> bool:
    return crl_pointer(cert) == crl_url(issuer)


def _build(subject: x509.Name, public_key: ec.EllipticCurvePublicKey | rsa.RSAPublicKey, issuer: KeyPair | None,
           issuer_key: ec.EllipticCurvePrivateKey, days: int, *, path_length: int | None = None,
           is_ca: bool = False, eku: list[x509.ObjectIdentifier] | None = None,
           now: datetime | None = None, crl_issuer: str | None = None) -> x509.Certificate:
    """A certificate; ``crl_issuer`` names the CA whose CRL covers it (none for the self-signed root)."""
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
    if crl_issuer:
        point = x509.DistributionPoint([x509.UniformResourceIdentifier(crl_url(crl_issuer))], None, None, None)
        builder = builder.add_extension(x509.CRLDistributionPoints([point]), critical=False)
    return builder.sign(issuer_key, hashes.SHA256())


def _write(folder: Path, name: str, pair: KeyPair) -> None:
    """Key first and exclusively, so a concurrent writer fails before touching the certificate."""
    load_or_create(folder / f"{name}.key", lambda: pair.key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()))
    _write_cert(folder, name, pair.cert)


def _write_cert(folder: Path, name: str, cert: x509.Certificate) -> None:
    """Replace the certificate atomically (a reader never sees half a file)."""
    tmp = folder / f".{name}-{secrets.token_hex(4)}.pem"
    tmp.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    os.replace(tmp, folder / f"{name}.pem")


def _read(folder: Path, name: str) -> KeyPair:
    cert = x509.load_pem_x509_certificate((folder / f"{name}.pem").read_bytes())
    key = serialization.load_pem_private_key((folder / f"{name}.key").read_bytes(), password=None)
    if not isinstance(key, ec.EllipticCurvePrivateKey | rsa.RSAPrivateKey):
        raise RuntimeError(f"unexpected key type in {folder / name}")
    return KeyPair(cert, key)


def _issuing_cert(public_key: ec.EllipticCurvePublicKey, root: KeyPair) -> x509.Certificate:
    return _build(_name("CDS Dev Issuing CA"), public_key, root, root.key, 1095, path_length=0, is_ca=True,
                  crl_issuer="root")


def _tsa_cert(public_key: rsa.RSAPublicKey, issuing: KeyPair) -> x509.Certificate:
    return _build(_name("CDS Dev Time Stamping"), public_key, issuing, issuing.key, 1095,
                  eku=[ExtendedKeyUsageOID.TIME_STAMPING], crl_issuer="issuing")


def _create_hierarchy(folder: Path) -> None:
    root_key = new_p256_key()
    root = KeyPair(_build(_name("CDS Dev Root CA"), root_key.public_key(), None, root_key, 3650,
                          path_length=1, is_ca=True), root_key)
    issuing_key = new_p256_key()
    issuing = KeyPair(_issuing_cert(issuing_key.public_key(), root), issuing_key)
    tsa_key = rsa.generate_private_key(public_exponent=65537, key_size=3072)
    tsa = KeyPair(_tsa_cert(tsa_key.public_key(), issuing), tsa_key)
    for name, pair in (("root", root), ("issuing", issuing), ("tsa", tsa)):
        _write(folder, name, pair)


@lru_cache(maxsize=8)
def _refresh_pointers(folder: str, public_url: str) -> None:
    """A hierarchy made before certificates named their CRL (or for another PUBLIC_URL): issue the issuing CA's
    and the time stamper's certificates again, same keys and names, so their CRL pointers are this site's. Older
    signatures still verify: the new certificates chain the same keys to the same root."""
    path = Path(folder)
    root = _read(path, "root")
    issuing = _read(path, "issuing")
    if not points_to_current_crl(issuing.cert, "root"):
        issuing = KeyPair(_issuing_cert(issuing.key.public_key(), root), issuing.key)  # type: ignore[arg-type]
        _write_cert(path, "issuing", issuing.cert)
    tsa = _read(path, "tsa")
    if not points_to_current_crl(tsa.cert, "issuing"):
        _write_cert(path, "tsa", _tsa_cert(tsa.key.public_key(), issuing))  # type: ignore[arg-type]
    _load.cache_clear()


def ensure_ca() -> Path:
    """Create the hierarchy once; concurrent first runs race on an atomic directory rename."""
    folder = create_folder_once(ca_dir(), _create_hierarchy)
    _refresh_pointers(str(folder), settings().public_url)
    return folder


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


def authority(issuer: str) -> KeyPair:
    """The certificate authority named "root" or "issuing"."""
    if issuer not in ISSUERS:
        raise DomainError("identity.sign.unknown_ca")
    return root_ca() if issuer == "root" else issuing_ca()


def fingerprint(cert: x509.Certificate) -> str:
    """SHA-256 of the DER certificate, as readers show it: "AB:CD:…"."""
    return cert.fingerprint(hashes.SHA256()).hex(":").upper()


@dataclass(frozen=True)
class Revoked:
    serial: int
    revoked_at: datetime
    reason: x509.ReasonFlags


def build_crl(issuer: str, revoked: list[Revoked], now: datetime | None = None) -> bytes:
    """The DER CRL of ``issuer`` listing ``revoked``, valid for ``CRL_LIFETIME``; its number grows with time."""
    now = now or utcnow()
    signer = authority(issuer)
    builder = (x509.CertificateRevocationListBuilder().issuer_name(signer.cert.subject)
               .last_update(now - timedelta(minutes=5)).next_update(now + CRL_LIFETIME)
               .add_extension(x509.CRLNumber(int(now.timestamp())), critical=False)
               .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(signer.cert.public_key()),  # type: ignore[arg-type]
                              critical=False))
    for entry in revoked:
        builder = builder.add_revoked_certificate(
            x509.RevokedCertificateBuilder().serial_number(entry.serial).revocation_date(entry.revoked_at)
            .add_extension(x509.CRLReason(entry.reason), critical=False).build())
    return builder.sign(signer.key, hashes.SHA256()).public_bytes(serialization.Encoding.DER)  # type: ignore[arg-type]


def issue_signing_cert(public_key: ec.EllipticCurvePublicKey, common_name: str, serial: str,
                       days: int = 365, org: str = ORG) -> x509.Certificate:
    """End-entity certificate for signing documents (digitalSignature + nonRepudiation)."""
    issuing = issuing_ca()
    return _build(_name(common_name, org, serial), public_key, issuing, issuing.key, days, crl_issuer="issuing")


def _agency_file(agency_code: str) -> str:
    if not _AGENCY_RE.match(agency_code or ""):
        raise DomainError("identity.sign.bad_agency")
    return f"agency-{agency_code}"


def agency_pair(agency_code: str, agency_name: str) -> KeyPair:
    """The agency's signing key and certificate (dev only: key on disk), named by the agency's own name. Created on
    first use; issued again (same key) when the name changed or the certificate names another CRL."""
    name = _agency_file(agency_code)
    agency_name = " ".join((agency_name or "").split())[:64] or agency_code
    folder = ensure_ca()
    if not (folder / f"{name}.pem").exists():
        key = new_p256_key()
        with contextlib.suppress(FileExistsError):
            _write(folder, name, KeyPair(_agency_cert(key, agency_code, agency_name), key))
    pair = _read(folder, name)
    common = pair.cert.subject.get_attributes_for_oid(NameOID.COMMON_NAME)
    if common and common[0].value == agency_name and points_to_current_crl(pair.cert):
        return pair
    pair = KeyPair(_agency_cert(pair.key, agency_code, agency_name), pair.key)  # type: ignore[arg-type]
    _write_cert(folder, name, pair.cert)
    return pair


def _agency_cert(key: ec.EllipticCurvePrivateKey, agency_code: str, agency_name: str) -> x509.Certificate:
    return issue_signing_cert(key.public_key(), agency_name, f"AGENCY-{agency_code}", days=1095)


def current_agency_cert(agency_code: str) -> x509.Certificate | None:
    path = ensure_ca() / f"{_agency_file(agency_code)}.pem"
    return x509.load_pem_x509_certificate(path.read_bytes()) if path.exists() else None


def retire_agency_pair(agency_code: str) -> None:
    """Set the agency's key aside (after its certificate is revoked): the next signature gets a new key."""
    folder = ensure_ca()
    name = _agency_file(agency_code)
    stamp = secrets.token_hex(4)
    for suffix in ("key", "pem"):
        with contextlib.suppress(FileNotFoundError):
            os.replace(folder / f"{name}.{suffix}", folder / f"retired-{name}-{stamp}.{suffix}")


def agency_certificates() -> list[x509.Certificate]:
    """The agencies' current signing certificates, for the trust page."""
    folder = ensure_ca()
    return [x509.load_pem_x509_certificate(path.read_bytes()) for path in sorted(folder.glob("agency-*.pem"))]
