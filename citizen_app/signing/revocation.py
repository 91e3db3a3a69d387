"""Revoking certificates of the development CA and publishing the CRLs that list them.

A revoked certificate gets a row in ``identity_cert_revocation``; ``crl_der(db, issuer)`` signs the issuer's CRL
from those rows (the trust package serves it at the URL every certificate names, ``ca.crl_url``). pdfsig (after
``crlutil -I``), pyHanko and Adobe Reader then report signatures made with that certificate as revoked, and so do
our own checks (``pades.validate_signed_pdf`` with ``current_crls(db)``).
"""

from __future__ import annotations

from cryptography import x509
from sqlmodel import Session, col, select

from citizen_app.core.errors import DomainError, NotFound
from citizen_app.core.timeutil import utcnow
from citizen_app.identity.activity import record_activity
from citizen_app.identity.service import require_role
from citizen_app.signing import ca
from citizen_app.signing.models import CertRevocation, SigningCertificate

REASONS: dict[str, x509.ReasonFlags] = {flag.value: flag for flag in (
    x509.ReasonFlags.key_compromise, x509.ReasonFlags.affiliation_changed, x509.ReasonFlags.superseded,
    x509.ReasonFlags.cessation_of_operation, x509.ReasonFlags.unspecified)}


def serial_hex(cert: x509.Certificate) -> str:
    return format(cert.serial_number, "x")


def revocation_of(db: Session, serial: str) -> CertRevocation | None:
    return db.exec(select(CertRevocation).where(CertRevocation.serial == serial.lower())).first()


def revoke(db: Session, cert: x509.Certificate, reason: str, actor_id: int | None,
           issuer: str = "issuing") -> CertRevocation:
    """List ``cert`` on its issuer's CRL (once: a second revocation keeps the first date and reason)."""
    if reason not in REASONS:
        raise DomainError("identity.sign.bad_reason")
    serial = serial_hex(cert)
    row = revocation_of(db, serial)
    if row is None:
        row = CertRevocation(serial=serial, issuer=issuer, subject=cert.subject.rfc4514_string()[:300],
                             reason=reason, revoked_at=utcnow(), revoked_by=actor_id)
        db.add(row)
        db.flush()
    return row


def revoke_own_certificate(db: Session, user_id: int, reason: str = "keyCompromise") -> int:
    """The citizen withdraws their signing certificates (lost phone, someone else used the account): they stop
    working at once and appear on the CRL. Returns how many were revoked; a new one is issued on next signature."""
    rows = db.exec(select(SigningCertificate).where(SigningCertificate.user_id == user_id,
                                                    col(SigningCertificate.revoked_at).is_(None))).all()
    for row in rows:
        row.revoked_at = utcnow()
        revoke(db, x509.load_pem_x509_certificate(row.cert_pem.encode()), reason, user_id)
    if rows:
        record_activity(db, user_id, "signature", "identity.activity.cert_revoked", {"count": len(rows)})
    return len(rows)


def revoke_agency_certificate(db: Session, actor_id: int | None, agency_code: str,
                              reason: str = "keyCompromise") -> CertRevocation:
    """An administrator revokes an agency's signing certificate; its key is set aside, so the agency's next
    signature is made with a new key and certificate."""
    require_role(db, actor_id, "admin")
    cert = ca.current_agency_cert(agency_code)
    if cert is None:
        raise NotFound()
    row = revoke(db, cert, reason, actor_id)
    ca.retire_agency_pair(agency_code)
    return row


def revoked_entries(db: Session, issuer: str) -> list[ca.Revoked]:
    rows = db.exec(select(CertRevocation).where(CertRevocation.issuer == issuer)
                   .order_by(col(CertRevocation.id))).all()
    return [ca.Revoked(int(row.serial, 16), row.revoked_at, REASONS.get(row.reason, x509.ReasonFlags.unspecified))
            for row in rows]


def crl_der(db: Session, issuer: str) -> bytes:
    """The current CRL of ``issuer`` ("root" or "issuing"), DER, signed by that CA."""
    return ca.build_crl(issuer, revoked_entries(db, issuer))


def current_crls(db: Session) -> list[bytes]:
    """Both CRLs, for validating our own signatures without fetching our own URLs."""
    return [crl_der(db, issuer) for issuer in ca.ISSUERS]
