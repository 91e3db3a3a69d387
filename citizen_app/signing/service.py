"""Signing certificates and signing requests: the citizen approves, the server signs (PAdES in ``pades.py``).

Flow ("what you see is what you sign"): ``prepare_signing`` parks the PDF and shows a short
reference code derived from its SHA-256; the citizen approves with their password or a passkey
whose challenge is SHA-256(document hash || request id); ``approve_and_sign`` then signs with the
citizen's server-held key (local CA; a CSC remote signer would slot in here) as PAdES B-T, the
time stamp coming from the local development TSA. A document with a signature block (an empty signature field)
is signed into it, visibly. A wrong password says what to do, and five in 15 minutes pause signing (the failures
are recorded like login failures, ``RecordedRefusal``).
"""

from __future__ import annotations

import base64
import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from argon2.exceptions import InvalidHashError, VerificationError
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from sqlmodel import Session, col, select

from citizen_app.core.errors import DomainError, NotAllowed, NotFound, RecordedRefusal, TooManyAttempts
from citizen_app.core.timeutil import utcnow
from citizen_app.identity.activity import record_activity
from citizen_app.identity.crypto import b64u, load_private_pem, new_p256_key, private_key_pem, seal, unseal
from citizen_app.identity.models import LoginAttempt, UserAccount
from citizen_app.identity.profile import get_profile
from citizen_app.identity.service import ACCOUNT_LOCK_FAILURES, HASHER, LOCK_WINDOW, recent_failures
from citizen_app.signing import ca
from citizen_app.signing.models import SigningCertificate, SigningRequest
from citizen_app.signing.pades import check_pdf, sign_pdf_bytes, visible_block

REQUEST_TTL = timedelta(minutes=10)
RENEW_BEFORE = timedelta(days=30)


@dataclass(frozen=True)
class PasswordApproval:
    password: str


@dataclass(frozen=True)
class PasskeyApproval:
    response: str | dict  # the navigator.credentials.get() result, JSON


@dataclass(frozen=True)
class SigningRequestView:
    id: str
    reference_code: str  # shown on every screen that takes part ("what you see is what you sign")
    doc_hash: str
    expires_at: datetime
    passkey_challenge: str  # base64url SHA-256(doc hash || request id)


def reference_code(doc_hash_hex: str) -> str:
    """Eight base32 characters from the document hash, e.g. "K7QM-4ZPA"."""
    code = base64.b32encode(bytes.fromhex(doc_hash_hex)[:5]).decode()
    return f"{code[:4]}-{code[4:]}"


def approval_challenge(doc_hash_hex: str, request_id: str) -> bytes:
    return hashlib.sha256(bytes.fromhex(doc_hash_hex) + request_id.encode()).digest()


# --- certificates ---------------------------------------------------------------------------------


def active_certificate(db: Session, user_id: int) -> SigningCertificate | None:
    query = select(SigningCertificate).where(SigningCertificate.user_id == user_id,
                                             SigningCertificate.revoked_at == None,  # noqa: E711
                                             SigningCertificate.not_after > utcnow())
    return db.exec(query.order_by(col(SigningCertificate.not_after).desc(), col(SigningCertificate.id).desc())).first()


def enrol_signing_certificate(db: Session, user_id: int) -> SigningCertificate:
    """Issue (or return the current) signing certificate; needs a level-2 identity."""
    profile = get_profile(db, user_id)
    if profile is None or profile.level < 2:
        raise DomainError("identity.sign.needs_level2")
    current = active_certificate(db, user_id)
    if current is not None and current.not_after - utcnow() > RENEW_BEFORE and _names_current_crl(current):
        return current
    key = new_p256_key()
    serial_attr = f"CDS-{user_id}"  # not the ID number: the certificate travels with every document
    cert = ca.issue_signing_cert(key.public_key(), profile.full_name, serial_attr)
    serial = format(cert.serial_number, "x")
    row = SigningCertificate(user_id=user_id, serial=serial, subject=cert.subject.rfc4514_string()[:300],
                             cert_pem=cert.public_bytes(serialization.Encoding.PEM).decode(),
                             sealed_key=seal(private_key_pem(key), f"signkey:{serial}"),
                             not_before=cert.not_valid_before_utc, not_after=cert.not_valid_after_utc)
    db.add(row)
    db.flush()
    return row


def _names_current_crl(row: SigningCertificate) -> bool:
    """Issued before certificates named their CRL (or for another PUBLIC_URL): replaced on next use."""
    return ca.points_to_current_crl(x509.load_pem_x509_certificate(row.cert_pem.encode()))


# --- prepare, approve, sign -----------------------------------------------------------------------


def prepare_signing(db: Session, user_id: int, pdf_bytes: bytes, code: str | None = None) -> SigningRequestView:
    """Park the document for approval. ``code``: the reference code the document itself prints (it cannot be
    derived from the finished file's hash, which would change by printing it); by default from that hash."""
    check_pdf(pdf_bytes)
    enrol_signing_certificate(db, user_id)  # the current certificate, or a new one (expiring, or no CRL pointer)
    doc_hash = hashlib.sha256(pdf_bytes).hexdigest()
    now = utcnow()
    row = SigningRequest(id=secrets.token_urlsafe(16), user_id=user_id, doc_hash=doc_hash,
                         reference_code=code or reference_code(doc_hash), pdf=pdf_bytes, created_at=now,
                         expires_at=now + REQUEST_TTL)
    db.add(row)
    db.flush()
    return SigningRequestView(row.id, row.reference_code, doc_hash, row.expires_at,
                              b64u(approval_challenge(doc_hash, row.id)))


def _attempts_key(user_id: int) -> str:
    return f"sign-password:{user_id}"


def _check_password(db: Session, user_id: int, password: str) -> None:
    """The login password approves a signature; a wrong one is recorded and says what to do next."""
    key = _attempts_key(user_id)
    failures = recent_failures(db, key)
    minutes = int(LOCK_WINDOW.total_seconds() // 60)
    if failures >= ACCOUNT_LOCK_FAILURES:
        raise TooManyAttempts("identity.sign.locked", minutes=minutes)
    user = db.get(UserAccount, user_id)
    try:
        ok = bool(user and user.password_hash and HASHER.verify(user.password_hash, password))
    except (VerificationError, InvalidHashError):
        ok = False
    if not ok:
        db.add(LoginAttempt(identifier=key, success=False))
        left = ACCOUNT_LOCK_FAILURES - failures - 1
        if left <= 0:
            raise RecordedRefusal("identity.sign.locked", minutes=minutes)
        raise RecordedRefusal("identity.sign.wrong_password", left=left, minutes=minutes)


def _check_approval(db: Session, user_id: int, request: SigningRequest,
                    approval: PasswordApproval | PasskeyApproval) -> str:
    if isinstance(approval, PasswordApproval):
        _check_password(db, user_id, approval.password)
        return "password"
    if isinstance(approval, PasskeyApproval):
        from citizen_app.identity.passkeys import verify_fixed_challenge

        try:
            verify_fixed_challenge(db, user_id, approval.response, approval_challenge(request.doc_hash, request.id))
        except DomainError as exc:
            raise DomainError("identity.sign.approval_failed") from exc
        return "passkey"
    raise DomainError("identity.sign.approval_failed")


def approve_and_sign(db: Session, request_id: str, user_id: int,
                     approval: PasswordApproval | PasskeyApproval) -> bytes:
    request = db.get(SigningRequest, request_id or "")
    if request is None:
        raise NotFound()
    if request.user_id != user_id:
        raise NotAllowed()
    if request.status != "pending" or request.expires_at < utcnow():
        raise DomainError("identity.sign.request_closed")
    method = _check_approval(db, user_id, request, approval)
    cert_row = enrol_signing_certificate(db, user_id)
    cert = x509.load_pem_x509_certificate(cert_row.cert_pem.encode())
    key = load_private_pem(unseal(cert_row.sealed_key, f"signkey:{cert_row.serial}"))
    signer = cert.subject.get_attributes_for_oid(ca.NameOID.COMMON_NAME)[0].value
    visible = visible_block(request.pdf, (str(signer), f"Mã tài liệu: {request.reference_code}"))
    signed = sign_pdf_bytes(request.pdf, cert, key, f"CDS-{request.id[:10]}", f"Ký duyệt {request.reference_code}",
                            visible)
    request.signed_pdf, request.status, request.signed_at = signed, "signed", utcnow()
    record_activity(db, user_id, "signature", "identity.activity.signed",
                    {"code": request.reference_code, "method": method})
    db.flush()
    return signed


def cancel_signing(db: Session, request_id: str, user_id: int) -> None:
    request = db.get(SigningRequest, request_id or "")
    if request is None or request.user_id != user_id:
        raise NotFound()
    if request.status == "pending":
        request.status = "cancelled"
