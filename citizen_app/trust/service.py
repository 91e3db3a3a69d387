"""Documents anyone can check (docs/TRUST.md).

- The register: every result and receipt we issue gets a row with a short verification code; the code and a QR of
  ``verify_url(code)`` are printed on the document. ``check_code`` answers what the public page shows: genuine (we
  issued it), its public facts, whether it or its signer's certificate was revoked, and the personal facts the
  holder chose to show (``set_shown``).
- Verify a PDF: ``verify_pdf`` validates every signature with pyHanko against our root and our CRLs, in memory, and
  finds the document in the register when the file is exactly the one we issued.
- The certificate authorities (``authorities``), offered on ``/trust`` for import into PDF readers.

Plain Python (no Reflex): callers pass the session and the acting user; nothing here commits.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from cryptography import x509
from cryptography.hazmat.primitives import serialization
from sqlmodel import Session, col, select

from citizen_app.core.config import settings
from citizen_app.core.errors import DomainError, NotAllowed, NotFound
from citizen_app.core.hooks import Hook
from citizen_app.core.timeutil import format_date, format_datetime, utcnow
from citizen_app.i18n.catalog import translate
from citizen_app.identity.models import UserAccount
from citizen_app.identity.service import roles_of
from citizen_app.signing import ca, pades, revocation
from citizen_app.trust.models import TrustDocument

CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read aloud and typed from paper
CODE_LENGTH = 12  # 60 bits: not guessable, so the page needs no attempt limit
VERIFY_PATH = "/trust/d/"
MAX_PDF_BYTES = 8 * 1024 * 1024  # the /_upload cap (core.asgi.UPLOAD_LIMIT_BYTES)
AUTHORITY_FILES = ("root", "issuing", "tsa")

# Kinds whose public facts are computed when asked (a receipt's due date moves), by the package that issues them.
LIVE_FACTS: dict[str, Callable[[Session, TrustDocument], list[dict[str, str]]]] = {}
# (db, document, actor_id) in the revoking transaction, e.g. the procedures pillar revokes the result credentials too.
DOCUMENT_REVOKED = Hook("trust.document_revoked")


# --- codes --------------------------------------------------------------------------------------------------------


def new_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def normalize_code(text: str) -> str:
    """What a person typed or a QR carried: separators and case ignored."""
    return re.sub(r"[^A-Z0-9]", "", (text or "").upper())[:CODE_LENGTH * 2]


def display_code(code: str) -> str:
    """"ABCD-EFGH-JKLM", as printed."""
    return "-".join(code[i:i + 4] for i in range(0, len(code), 4))


def verify_url(code: str) -> str:
    return settings().public_url + VERIFY_PATH + display_code(code)


def fact(key: str, label_key: str, value: str) -> dict[str, str]:
    """A labelled fact of a document, in both languages (labels from the message catalogue)."""
    return {"key": key, "vi": translate(label_key, "vi"), "en": translate(label_key, "en"), "value": value}


# --- the register -------------------------------------------------------------------------------------------------


def register(db: Session, *, kind: str, number: str, ref: str, owner_id: int, agency_id: int | None,
             title: dict[str, str], facts: Iterable[dict[str, str]] = (), personal: Iterable[dict[str, str]] = (),
             issued_at: datetime | None = None, valid_until: datetime | None = None) -> TrustDocument:
    """Record a document about to be issued; its ``code`` goes on the document."""
    row = TrustDocument(code=new_code(), kind=kind, number=number[:64], ref=ref[:64], owner_id=owner_id,
                        agency_id=agency_id, title_vi=title["vi"][:200], title_en=title["en"][:200],
                        issued_at=issued_at or utcnow(), facts=list(facts), personal=list(personal),
                        valid_until=valid_until)
    db.add(row)
    db.flush()
    return row


def mark_signed(record: TrustDocument, pdf: bytes, signer: str) -> None:
    """The issued file: its SHA-256 (so an uploaded copy is recognised) and the signing certificate's serial (so a
    revoked certificate shows on the public page)."""
    record.sha256 = hashlib.sha256(pdf).hexdigest()
    record.signer = signer[:200]
    record.cert_serial = pades.last_signer_serial(pdf)


def find(db: Session, code: str) -> TrustDocument | None:
    value = normalize_code(code)
    if len(value) != CODE_LENGTH:
        return None
    return db.exec(select(TrustDocument).where(TrustDocument.code == value)).first()


def documents_of(db: Session, owner_id: int, ref: str) -> list[TrustDocument]:
    query = select(TrustDocument).where(TrustDocument.owner_id == owner_id, TrustDocument.ref == ref)
    return list(db.exec(query.order_by(col(TrustDocument.id))).all())


def set_shown(db: Session, user_id: int | None, record_id: int, keys: Iterable[str]) -> TrustDocument:
    """The holder chooses which personal facts the public page of this document shows (none by default)."""
    record = db.get(TrustDocument, record_id)
    if record is None or user_id is None or record.owner_id != user_id:
        raise NotFound()
    known = [item["key"] for item in record.personal]
    record.shown = [key for key in known if key in set(keys)]
    db.add(record)
    return record


def revoke_document(db: Session, actor_id: int | None, record_id: int, reason: str) -> TrustDocument:
    """An official of the issuing agency (or an administrator) withdraws a document: its page says so from now on."""
    record = db.get(TrustDocument, record_id)
    if record is None:
        raise NotFound()
    roles = roles_of(db, actor_id) if actor_id is not None else frozenset()
    actor = db.get(UserAccount, actor_id) if actor_id is not None else None
    own_agency = "official" in roles and actor is not None and actor.agency_id == record.agency_id
    if not own_agency and "admin" not in roles:
        raise NotAllowed()
    reason = " ".join((reason or "").split())[:500]
    if not reason:
        raise DomainError("trust.revoke.reason_required")
    if record.revoked_at is None:
        record.revoked_at, record.revoke_reason = utcnow(), reason
        DOCUMENT_REVOKED(db, record, actor_id)
    return record


# --- what the public page of a code shows -------------------------------------------------------------------------


@dataclass(frozen=True)
class DocumentCheck:
    code: str
    kind: str
    title_vi: str
    title_en: str
    state: str  # "valid", "revoked" (the document), "cert_revoked" (its signer's certificate)
    facts: list[dict[str, str]]
    personal: list[dict[str, str]]  # only what the holder chose to show
    sha256: str = ""
    revoked_on: str = ""
    revoke_reason: str = ""
    headline: dict[str, str] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return {"code": display_code(self.code), "kind": self.kind, "title": {"vi": self.title_vi, "en": self.title_en},
                "state": self.state, "headline": self.headline, "facts": self.facts, "personal": self.personal,
                "sha256": self.sha256, "revoked_on": self.revoked_on, "revoke_reason": self.revoke_reason}


def _state(db: Session, record: TrustDocument) -> tuple[str, str, str]:
    if record.revoked_at is not None:
        return "revoked", format_date(record.revoked_at), record.revoke_reason
    revoked = revocation.revocation_of(db, record.cert_serial) if record.cert_serial else None
    if revoked is not None:
        return "cert_revoked", format_date(revoked.revoked_at), translate(f"trust.reason.{revoked.reason}", "vi")
    return "valid", "", ""


def _headline(state: str, kind: str) -> dict[str, str]:
    key = f"trust.check.{state}_{kind}" if state == "valid" else f"trust.check.{state}"
    return {lang: translate(key, lang) for lang in ("vi", "en")}


def describe(db: Session, record: TrustDocument) -> DocumentCheck:
    state, revoked_on, reason = _state(db, record)
    live = LIVE_FACTS.get(record.kind)
    facts = live(db, record) if live else list(record.facts)
    shown = set(record.shown)
    return DocumentCheck(record.code, record.kind, record.title_vi, record.title_en, state, facts,
                         [item for item in record.personal if item["key"] in shown], record.sha256 or "", revoked_on,
                         reason, _headline(state, record.kind))


def check_code(db: Session, code: str) -> DocumentCheck:
    """The public answer for a verification code (NotFound: we never issued it)."""
    record = find(db, code)
    if record is None:
        raise NotFound("trust.check.unknown")
    return describe(db, record)


# --- verify a PDF -------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SignatureReport:
    signer: str
    signed_at: str
    intact: bool
    trusted: bool
    revoked: bool
    whole_document: bool
    ok: bool

    def as_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


@dataclass(frozen=True)
class PdfReport:
    verdict: str  # "valid", "unsigned", "invalid", "untrusted", "revoked", "modified", "doc_revoked"
    headline: dict[str, str]
    sha256: str
    signatures: list[SignatureReport]
    registered: DocumentCheck | None = None

    def as_dict(self) -> dict[str, Any]:
        return {"verdict": self.verdict, "headline": self.headline, "sha256": self.sha256,
                "signatures": [s.as_dict() for s in self.signatures],
                "registered": self.registered.as_dict() if self.registered else None}


def check_upload(data: bytes) -> None:
    """Size-capped and type-checked before pyHanko sees it."""
    if not data:
        raise DomainError("trust.verify.empty")
    if len(data) > MAX_PDF_BYTES:
        raise DomainError("trust.verify.too_large", mb=MAX_PDF_BYTES // (1024 * 1024))
    try:
        pades.check_pdf(data)
    except DomainError as exc:
        raise DomainError("trust.verify.encrypted" if exc.code == "identity.sign.encrypted"
                          else "trust.verify.not_pdf") from exc


def _verdict(checks: list[pades.SignatureCheck], registered: DocumentCheck | None) -> str:
    if not checks:
        return "unsigned"
    if not all(c.intact and c.valid for c in checks if not c.revoked):
        return "invalid"
    if any(c.revoked for c in checks):
        return "revoked"
    if not all(c.trusted for c in checks):
        return "untrusted"
    last = checks[-1]
    if not (last.covers_whole_file or last.modification in ("NONE", "LTA_UPDATES")):
        return "modified"
    if registered is not None and registered.state != "valid":
        return "doc_revoked"
    return "valid"


def verify_pdf(db: Session, data: bytes) -> PdfReport:
    """Validate a PDF someone holds, in memory (nothing is stored). Run off the event loop: pyHanko's synchronous
    API runs its own."""
    check_upload(data)
    try:
        checks = pades.validate_signed_pdf(data, revocation.current_crls(db))
    except (ValueError, KeyError, TypeError) as exc:  # a file pyHanko cannot read as a signed PDF
        raise DomainError("trust.verify.not_pdf") from exc
    digest = hashlib.sha256(data).hexdigest()
    record = db.exec(select(TrustDocument).where(TrustDocument.sha256 == digest)).first()
    registered = describe(db, record) if record is not None else None
    verdict = _verdict(checks, registered)
    signatures = [SignatureReport(c.signer_name, format_datetime(c.signed_at) if c.signed_at else "",
                                  c.intact and c.valid, c.trusted, c.revoked, c.covers_whole_file, c.ok)
                  for c in checks]
    return PdfReport(verdict, {lang: translate(f"trust.verdict.{verdict}", lang) for lang in ("vi", "en")}, digest,
                     signatures, registered)


# --- the certificate authorities ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Authority:
    name: str  # "root", "issuing", "tsa", or "agency-<code>"
    subject: str
    role_vi: str
    role_en: str
    sha256: str
    serial: str
    valid_from: str
    valid_to: str
    crl: str  # the URL of the CRL it publishes ("" for the time stamper and agencies)


def _cert_of(name: str) -> x509.Certificate:
    if name not in AUTHORITY_FILES:
        raise NotFound()
    return {"root": ca.root_ca, "issuing": ca.issuing_ca, "tsa": ca.tsa_pair}[name]().cert


def _authority(name: str, cert: x509.Certificate, role: str) -> Authority:
    common = cert.subject.get_attributes_for_oid(ca.NameOID.COMMON_NAME)
    return Authority(name, str(common[0].value) if common else cert.subject.rfc4514_string(),
                     translate(f"trust.role.{role}", "vi"), translate(f"trust.role.{role}", "en"), ca.fingerprint(cert),
                     format(cert.serial_number, "X"), format_date(cert.not_valid_before_utc),
                     format_date(cert.not_valid_after_utc), ca.crl_url(name) if name in ca.ISSUERS else "")


def authorities() -> list[Authority]:
    """The chain a reader must trust (root), what sits below it, and the agencies' current certificates."""
    chain = [_authority(name, _cert_of(name), name) for name in AUTHORITY_FILES]
    return chain + [_authority("agency", cert, "agency") for cert in ca.agency_certificates()]


def certificate_file(name: str, der: bool) -> bytes:
    return _cert_of(name).public_bytes(serialization.Encoding.DER if der else serialization.Encoding.PEM)
