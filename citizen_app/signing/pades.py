"""PAdES signatures with pyHanko and the development CA: incremental PAdES B-T signatures (ETSI.CAdES.detached,
SHA-256, a signature time stamp from the local development TSA), agency signatures on result documents, and the
validation of every signature in a PDF against our root.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime
from io import BytesIO

from asn1crypto import keys as asn1_keys
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.misc import PdfError
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign import signers
from pyhanko.sign.fields import SigSeedSubFilter
from pyhanko.sign.timestamps.dummy_client import DummyTimeStamper
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko_certvalidator import ValidationContext
from pyhanko_certvalidator.registry import SimpleCertificateStore

from citizen_app.core.errors import DomainError
from citizen_app.signing import ca

MAX_PDF_BYTES = 10 * 1024 * 1024


@dataclass(frozen=True)
class SignatureCheck:
    field: str
    signer: str
    intact: bool
    valid: bool
    trusted: bool
    covers_whole_file: bool
    modification: str  # pyHanko ModificationLevel name: NONE / LTA_UPDATES / FORM_FILLING / ANNOTATIONS / OTHER
    timestamped: bool
    signed_at: datetime | None


def _asn1_cert(cert: x509.Certificate) -> asn1_x509.Certificate:
    return asn1_x509.Certificate.load(cert.public_bytes(serialization.Encoding.DER))


def _asn1_key(key: ec.EllipticCurvePrivateKey | rsa.RSAPrivateKey) -> asn1_keys.PrivateKeyInfo:
    return asn1_keys.PrivateKeyInfo.load(key.private_bytes(serialization.Encoding.DER,
                                                           serialization.PrivateFormat.PKCS8,
                                                           serialization.NoEncryption()))


def check_pdf(pdf_bytes: bytes) -> None:
    if not pdf_bytes or len(pdf_bytes) > MAX_PDF_BYTES:
        raise DomainError("identity.sign.pdf_size", mb=MAX_PDF_BYTES // (1024 * 1024))
    if not pdf_bytes.startswith(b"%PDF-"):
        raise DomainError("identity.sign.not_pdf")
    try:
        reader = PdfFileReader(BytesIO(pdf_bytes), strict=False)
        if reader.encrypted:
            raise DomainError("identity.sign.encrypted")
        _ = reader.root
    except (PdfError, ValueError, KeyError) as exc:
        raise DomainError("identity.sign.not_pdf") from exc


def _signer(cert: x509.Certificate, key: ec.EllipticCurvePrivateKey | rsa.RSAPrivateKey) -> signers.SimpleSigner:
    chain = [ca.issuing_ca().cert, ca.root_ca().cert]
    return signers.SimpleSigner(signing_cert=_asn1_cert(cert), signing_key=_asn1_key(key),
                                cert_registry=SimpleCertificateStore.from_certs([_asn1_cert(c) for c in chain]))


def _timestamper() -> DummyTimeStamper:
    tsa = ca.tsa_pair()
    return DummyTimeStamper(tsa_cert=_asn1_cert(tsa.cert), tsa_key=_asn1_key(tsa.key),
                            certs_to_embed=[_asn1_cert(ca.issuing_ca().cert), _asn1_cert(ca.root_ca().cert)])


def sign_pdf_bytes(pdf_bytes: bytes, cert: x509.Certificate, key: ec.EllipticCurvePrivateKey | rsa.RSAPrivateKey,
                   field_name: str,
                   reason: str) -> bytes:
    """Incremental PAdES signature (ETSI.CAdES.detached, SHA-256) with a signature time stamp (B-T)."""
    meta = signers.PdfSignatureMetadata(field_name=field_name, subfilter=SigSeedSubFilter.PADES,
                                        md_algorithm="sha256", reason=reason, location="TP. Hồ Chí Minh")
    writer = IncrementalPdfFileWriter(BytesIO(pdf_bytes), strict=False)
    pdf_signer = signers.PdfSigner(meta, signer=_signer(cert, key), timestamper=_timestamper())
    return pdf_signer.sign_pdf(writer).getvalue()


def sign_as_agency(pdf_bytes: bytes, agency_code: str, reason: str = "Kết quả giải quyết thủ tục") -> bytes:
    """Sign a result document with the agency's certificate (server-side, no citizen involved)."""
    check_pdf(pdf_bytes)
    pair = ca.agency_pair(agency_code)
    field = f"AGENCY-{agency_code}-{secrets.token_hex(3)}"
    return sign_pdf_bytes(pdf_bytes, pair.cert, pair.key, field, reason)


# --- validation -----------------------------------------------------------------------------------


def validation_context() -> ValidationContext:
    """Trust our root only; no network fetching (the dev CA publishes no CRL/OCSP yet)."""
    return ValidationContext(trust_roots=[_asn1_cert(ca.root_ca().cert)], allow_fetching=False,
                             revocation_mode="soft-fail")


def validate_signed_pdf(pdf_bytes: bytes) -> list[SignatureCheck]:
    """Check every signature: intact, chains to our root, and whether later changes were made."""
    reader = PdfFileReader(BytesIO(pdf_bytes), strict=False)
    checks: list[SignatureCheck] = []
    for sig in reader.embedded_signatures:
        status = validate_pdf_signature(sig, validation_context(), ts_validation_context=validation_context())
        checks.append(SignatureCheck(
            field=sig.field_name, signer=status.signing_cert.subject.human_friendly, intact=status.intact,
            valid=status.valid, trusted=status.trusted,
            covers_whole_file=status.coverage is not None and status.coverage.name == "ENTIRE_FILE",
            modification=status.modification_level.name if status.modification_level else "UNKNOWN",
            timestamped=status.timestamp_validity is not None,
            signed_at=status.timestamp_validity.timestamp if status.timestamp_validity else None))
    return checks
