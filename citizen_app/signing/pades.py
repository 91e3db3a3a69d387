"""PAdES signatures with pyHanko and the development CA: incremental PAdES B-T signatures (ETSI.CAdES.detached,
SHA-256, a signature time stamp from the local development TSA), agency signatures on result documents, and the
validation of every signature in a PDF against our root, revocation checked against our CRLs.

A document may carry an empty signature field where its layout has a signature block (``add_signature_field``):
the signature goes into it with a visible stamp drawn at signing time (who signed, when, "digitally signed"), so
the block a reader sees and the signature a validator checks are the same thing.
"""

from __future__ import annotations

import binascii
import secrets
import uuid
from dataclasses import dataclass
from datetime import datetime
from io import BytesIO

from asn1crypto import keys as asn1_keys
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from pyhanko.pdf_utils.content import PdfContent
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.layout import BoxConstraints
from pyhanko.pdf_utils.misc import PdfError
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign import fields, signers
from pyhanko.sign.fields import SigFieldSpec, SigSeedSubFilter
from pyhanko.sign.timestamps.dummy_client import DummyTimeStamper
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko.stamp import StaticStampStyle
from pyhanko_certvalidator import ValidationContext
from pyhanko_certvalidator.registry import SimpleCertificateStore

from citizen_app.core.config import settings
from citizen_app.core.errors import DomainError
from citizen_app.core.pdf import FONT, MM_TO_PT, new_pdf, nfc
from citizen_app.core.timeutil import to_local, utcnow
from citizen_app.signing import ca

MAX_PDF_BYTES = 10 * 1024 * 1024
MAX_SIGNATURES = 10  # a validation checks at most this many signatures of one file


@dataclass(frozen=True)
class SignatureCheck:
    field: str
    signer: str  # the certificate's subject, as pyHanko prints it
    signer_name: str  # its common name, e.g. "Công an phường Bàn Cờ"
    intact: bool
    valid: bool
    trusted: bool
    covers_whole_file: bool
    modification: str  # pyHanko ModificationLevel name: NONE / LTA_UPDATES / FORM_FILLING / ANNOTATIONS / OTHER
    timestamped: bool
    signed_at: datetime | None
    revoked: bool = False
    cert_serial: str = ""  # lower-case hex
    cert_sha256: str = ""

    @property
    def ok(self) -> bool:
        """Intact, cryptographically valid, from our CA, not revoked, and nothing added after it but signatures."""
        return (self.intact and self.valid and self.trusted and not self.revoked
                and (self.covers_whole_file or self.modification in ("NONE", "LTA_UPDATES")))


@dataclass(frozen=True)
class VisibleSignature:
    """A signature block on the page: the empty field ``field`` receives the signature, drawn as ``lines`` and
    the signing time (added when signing)."""

    field: str
    lines: tuple[str, ...]


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


# --- visible signature blocks ---------------------------------------------------------------------


def add_signature_field(pdf_bytes: bytes, field: str, page: int, box_mm: tuple[float, float, float, float]) -> bytes:
    """An empty signature field over the block drawn at ``box_mm`` (x, y from the page's top left, width, height, in
    millimetres, as fpdf places it) on ``page`` (0-based), added as an incremental update."""
    reader = PdfFileReader(BytesIO(pdf_bytes), strict=False)
    node = reader.find_page_for_modification(page)[0].get_object()
    while "/MediaBox" not in node:  # inherited from the page tree (fpdf puts it there)
        node = node["/Parent"].get_object()
    height = float(node["/MediaBox"][3])
    x, y, width, tall = (value * MM_TO_PT for value in box_mm)
    writer = IncrementalPdfFileWriter(BytesIO(pdf_bytes), strict=False)
    fields.append_signature_field(writer, SigFieldSpec(field, box=(int(x), int(height - y - tall), int(x + width),
                                                                   int(height - y)), on_page=page))
    out = BytesIO()
    writer.write(out)
    return out.getvalue()


def empty_signature_field(pdf_bytes: bytes) -> str | None:
    """The name of the document's first empty signature field (its signature block), if any."""
    reader = PdfFileReader(BytesIO(pdf_bytes), strict=False)
    return next((name for name, value, _ref in fields.enumerate_sig_fields(reader, filled_status=False)
                 if value is None), None)


def signing_time_line(now: datetime | None = None) -> str:
    return f"Ngày ký: {to_local(now or utcnow()):%d/%m/%Y %H:%M} (giờ Việt Nam)"


def stamp_pdf(lines: tuple[str, ...], size_mm: tuple[float, float] = (80, 30)) -> bytes:
    """The picture of a signature block: the given lines, then "digitally signed" and where to check it."""
    pdf = new_pdf(size_mm)
    pdf.set_margin(2)
    pdf.set_auto_page_break(False)
    pdf.add_page()
    pdf.set_draw_color(11, 107, 58)
    pdf.rect(0.5, 0.5, size_mm[0] - 1, size_mm[1] - 1)
    pdf.set_font(FONT, "B", 8)
    pdf.multi_cell(0, 3.8, nfc("ĐÃ KÝ SỐ / Digitally signed"), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(FONT, "", 7.5)
    text = "\n".join([*lines, f"Kiểm tra: {settings().public_url}/trust/verify"])
    pdf.multi_cell(0, 3.6, nfc(text), new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())


class _ImportedPage(PdfContent):
    """The first page of a PDF held in memory, as a stamp's background (pyHanko's own class reads a file)."""

    def __init__(self, data: bytes) -> None:
        self.data = data
        super().__init__()

    def render(self) -> bytes:
        xobj = self._ensure_writer.import_page_as_xobject(PdfFileReader(BytesIO(self.data)), page_ix=0)
        resource = b"/Import" + binascii.hexlify(uuid.uuid4().bytes)
        self.resources.xobject[resource.decode("ascii")] = xobj
        x1, y1, x2, y2 = xobj.get_object()["/BBox"]
        self.box = BoxConstraints(width=abs(x1 - x2), height=abs(y1 - y2))
        return resource + b" Do"


def sign_pdf_bytes(pdf_bytes: bytes, cert: x509.Certificate, key: ec.EllipticCurvePrivateKey | rsa.RSAPrivateKey,
                   field_name: str, reason: str, visible: VisibleSignature | None = None) -> bytes:
    """Incremental PAdES signature (ETSI.CAdES.detached, SHA-256) with a signature time stamp (B-T); into the
    document's signature block when ``visible`` names it."""
    meta = signers.PdfSignatureMetadata(field_name=visible.field if visible else field_name,
                                        subfilter=SigSeedSubFilter.PADES, md_algorithm="sha256", reason=reason,
                                        location="TP. Hồ Chí Minh")
    writer = IncrementalPdfFileWriter(BytesIO(pdf_bytes), strict=False)
    style = None
    if visible is not None:
        picture = stamp_pdf((*visible.lines, signing_time_line()))
        style = StaticStampStyle(background=_ImportedPage(picture), border_width=0)
    pdf_signer = signers.PdfSigner(meta, signer=_signer(cert, key), timestamper=_timestamper(), stamp_style=style)
    return pdf_signer.sign_pdf(writer).getvalue()


def visible_block(pdf_bytes: bytes, lines: tuple[str, ...]) -> VisibleSignature | None:
    field = empty_signature_field(pdf_bytes)
    return VisibleSignature(field, lines) if field else None


def sign_as_agency(pdf_bytes: bytes, agency_code: str, agency_name: str, lines: tuple[str, ...] = (),
                   reason: str = "Kết quả giải quyết thủ tục") -> bytes:
    """Sign a result document with the agency's certificate (server-side, no citizen involved), into its signature
    block when it has one."""
    check_pdf(pdf_bytes)
    pair = ca.agency_pair(agency_code, agency_name)
    field = f"AGENCY-{agency_code}-{secrets.token_hex(3)}"
    visible = visible_block(pdf_bytes, (agency_name, *lines))
    return sign_pdf_bytes(pdf_bytes, pair.cert, pair.key, field, reason, visible)


# --- validation -----------------------------------------------------------------------------------


def last_signer_serial(pdf_bytes: bytes) -> str | None:
    """The serial (lower-case hex) of the certificate that made the document's last signature."""
    signatures = PdfFileReader(BytesIO(pdf_bytes), strict=False).embedded_signatures
    return format(signatures[-1].signer_cert.serial_number, "x") if signatures else None


def validation_context(crls: list[bytes] | None = None) -> ValidationContext:
    """Trust our root only. With ``crls`` (``revocation.current_crls``) a certificate that names a CRL must be
    checked against it ("hard-fail"); nothing is fetched over the network."""
    return ValidationContext(trust_roots=[_asn1_cert(ca.root_ca().cert)], crls=crls or [], allow_fetching=False,
                             revocation_mode="hard-fail" if crls else "soft-fail")


def _cert_facts(status) -> tuple[str, str, str]:
    cert = status.signing_cert
    names = [attr for attr in cert.subject.native.items() if attr[0] == "common_name"]
    return (names[0][1] if names else cert.subject.human_friendly, format(cert.serial_number, "x"),
            cert.sha256.hex())


def validate_signed_pdf(pdf_bytes: bytes, crls: list[bytes] | None = None) -> list[SignatureCheck]:
    """Check every signature (at most ``MAX_SIGNATURES``): intact, chains to our root, not revoked (when ``crls``
    are given), and whether later changes were made."""
    reader = PdfFileReader(BytesIO(pdf_bytes), strict=False)
    checks: list[SignatureCheck] = []
    for sig in reader.embedded_signatures[:MAX_SIGNATURES]:
        status = validate_pdf_signature(sig, validation_context(crls), ts_validation_context=validation_context(crls))
        name, serial, digest = _cert_facts(status)
        checks.append(SignatureCheck(
            field=sig.field_name, signer=status.signing_cert.subject.human_friendly, signer_name=name,
            intact=status.intact, valid=status.valid, trusted=status.trusted,
            covers_whole_file=status.coverage is not None and status.coverage.name == "ENTIRE_FILE",
            modification=status.modification_level.name if status.modification_level else "UNKNOWN",
            timestamped=status.timestamp_validity is not None,
            signed_at=status.timestamp_validity.timestamp if status.timestamp_validity else None,
            revoked=bool(status.revoked), cert_serial=serial, cert_sha256=digest))
    return checks
