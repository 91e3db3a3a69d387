"""PAdES signing with the development CA, validated by pyHanko and by poppler's pdfsig."""

from __future__ import annotations

import shutil
import subprocess
from io import BytesIO
from pathlib import Path

import pytest
from PIL import Image

from citizen_app.core.errors import DomainError, NotAllowed
from citizen_app.identity.activity import verify_chain
from citizen_app.identity.service import HASHER
from citizen_app.signing import ca, pades
from citizen_app.signing import service as signing
from tests.conftest import have_tools, require_tools
from tests.unit.identity.helpers import make_user, make_verified_citizen

PASSWORD = "mat-khau-dai-2026"
PDFSIG = shutil.which("pdfsig") or "/usr/bin/pdfsig"
CERTUTIL = shutil.which("certutil")


def sample_pdf() -> bytes:
    buf = BytesIO()
    Image.new("RGB", (200, 100), "white").save(buf, "PDF")
    return buf.getvalue()


@pytest.fixture()
def citizen(db):
    user = make_verified_citizen(db)
    user.password_hash = HASHER.hash(PASSWORD)
    db.commit()
    return user


def test_ca_hierarchy_and_citizen_certificate(db, citizen):
    from cryptography import x509

    cert_row = signing.enrol_signing_certificate(db, citizen.id)
    cert = x509.load_pem_x509_certificate(cert_row.cert_pem.encode())
    usage = cert.extensions.get_extension_for_class(x509.KeyUsage).value
    assert usage.digital_signature and usage.content_commitment and not usage.key_cert_sign
    assert cert.issuer == ca.issuing_ca().cert.subject
    assert ca.issuing_ca().cert.issuer == ca.root_ca().cert.subject
    assert signing.enrol_signing_certificate(db, citizen.id).id == cert_row.id  # reused while valid
    assert "079060001234" not in cert_row.subject


def test_reference_code_is_derived_from_hash(db, citizen):
    pdf = sample_pdf()
    view = signing.prepare_signing(db, citizen.id, pdf)
    assert view.reference_code == signing.reference_code(view.doc_hash)
    assert len(view.reference_code) == 9 and view.reference_code[4] == "-"


def test_bad_input_refused(db, citizen):
    with pytest.raises(DomainError) as err:
        signing.prepare_signing(db, citizen.id, b"not a pdf")
    assert err.value.code == "identity.sign.not_pdf"
    level1 = make_user(db)
    with pytest.raises(DomainError):
        signing.prepare_signing(db, level1.id, sample_pdf())


def test_wrong_password_and_other_user_refused(db, citizen):
    view = signing.prepare_signing(db, citizen.id, sample_pdf())
    with pytest.raises(DomainError) as err:
        signing.approve_and_sign(db, view.id, citizen.id, signing.PasswordApproval("wrong-password-1"))
    assert err.value.code == "identity.sign.approval_failed"
    other = make_user(db, "Người khác")
    with pytest.raises(NotAllowed):
        signing.approve_and_sign(db, view.id, other.id, signing.PasswordApproval(PASSWORD))


def _pdfsig(pdf: bytes, tmp_path: Path) -> str:
    nss = tmp_path / "nss"
    nss.mkdir()
    (tmp_path / "root.pem").write_bytes(ca.root_pem())
    subprocess.run([CERTUTIL, "-N", "-d", f"sql:{nss}", "--empty-password"], check=True, capture_output=True)
    subprocess.run([CERTUTIL, "-A", "-d", f"sql:{nss}", "-n", "cds-dev-root", "-t", "CT,C,C", "-i",
                    str(tmp_path / "root.pem")], check=True, capture_output=True)
    path = tmp_path / "signed.pdf"
    path.write_bytes(pdf)
    result = subprocess.run([PDFSIG, "-nssdir", f"sql:{nss}", str(path)], capture_output=True, text=True)
    return result.stdout + result.stderr


def test_citizen_then_agency_signature_validates(db, citizen, tmp_path):
    view = signing.prepare_signing(db, citizen.id, sample_pdf())
    signed = signing.approve_and_sign(db, view.id, citizen.id, signing.PasswordApproval(PASSWORD))
    checks = pades.validate_signed_pdf(signed)
    assert len(checks) == 1
    check = checks[0]
    assert check.intact and check.valid and check.trusted and check.covers_whole_file and check.timestamped
    assert check.modification == "NONE"
    assert "Nguyễn Văn An" in check.signer
    with pytest.raises(DomainError):  # single use
        signing.approve_and_sign(db, view.id, citizen.id, signing.PasswordApproval(PASSWORD))
    assert verify_chain(db, citizen.id).ok

    both = pades.sign_as_agency(signed, "ubnd-ben-nghe")
    checks = pades.validate_signed_pdf(both)
    assert [c.trusted and c.intact for c in checks] == [True, True]
    assert checks[1].covers_whole_file and checks[0].modification in ("NONE", "LTA_UPDATES", "FORM_FILLING")

    require_tools("pdfsig", "certutil")
    report = _pdfsig(both, tmp_path)
    assert report.count("Signature is Valid") == 2, report
    assert report.count("Certificate is Trusted") == 2, report
    assert "Total document signed" in report, report


def test_tampered_pdf_detected(db, citizen, tmp_path):
    view = signing.prepare_signing(db, citizen.id, sample_pdf())
    signed = bytearray(signing.approve_and_sign(db, view.id, citizen.id, signing.PasswordApproval(PASSWORD)))
    pos = signed.find(b"/MediaBox")
    signed[pos + 1:pos + 9] = b"MEDIABOX"  # flip bytes inside the signed range
    checks = pades.validate_signed_pdf(bytes(signed))
    assert not checks[0].intact
    if have_tools("pdfsig", "certutil"):
        assert "Signature is Valid" not in _pdfsig(bytes(signed), tmp_path)


def test_bad_agency_code(db):
    with pytest.raises(DomainError):
        pades.sign_as_agency(sample_pdf(), "../etc")
