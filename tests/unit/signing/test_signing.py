"""PAdES signing with the development CA, validated by pyHanko and by poppler's pdfsig; a wrong signing password
says what to do."""

from __future__ import annotations

from io import BytesIO
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization
from PIL import Image

from citizen_app.core.errors import DomainError, NotAllowed, RecordedRefusal, TooManyAttempts
from citizen_app.i18n.catalog import translate
from citizen_app.identity.activity import verify_chain
from citizen_app.identity.service import HASHER
from citizen_app.signing import ca, pades
from citizen_app.signing import service as signing
from tests.conftest import have_tools
from tests.unit.identity.helpers import make_user, make_verified_citizen
from tests.unit.signing.nss import nss_store, pdfsig

PASSWORD = "mat-khau-dai-2026"


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
    with pytest.raises(RecordedRefusal) as err:
        signing.approve_and_sign(db, view.id, citizen.id, signing.PasswordApproval("wrong-password-1"))
    assert err.value.code == "identity.sign.wrong_password"
    other = make_user(db, "Người khác")
    with pytest.raises(NotAllowed):
        signing.approve_and_sign(db, view.id, other.id, signing.PasswordApproval(PASSWORD))


def test_wrong_signing_password_says_what_to_do_and_pauses_after_five(db, citizen):
    """The message names the password to use, the tries left and the way out; five wrong ones pause signing, even
    for the right password, and each failure is recorded (``RecordedRefusal`` commits it)."""
    view = signing.prepare_signing(db, citizen.id, sample_pdf())
    for left in (4, 3, 2, 1):
        with pytest.raises(RecordedRefusal) as err:
            signing.approve_and_sign(db, view.id, citizen.id, signing.PasswordApproval("sai-mat-khau"))
        assert (err.value.code, err.value.params["left"]) == ("identity.sign.wrong_password", left)
    text = translate("identity.sign.wrong_password", "vi", **err.value.params)
    assert "mật khẩu bạn dùng để đăng nhập" in text and "Còn 1 lần thử" in text and "tờ khai" in text
    with pytest.raises(RecordedRefusal) as err:
        signing.approve_and_sign(db, view.id, citizen.id, signing.PasswordApproval("sai-mat-khau"))
    assert err.value.code == "identity.sign.locked"
    with pytest.raises(TooManyAttempts):
        signing.approve_and_sign(db, view.id, citizen.id, signing.PasswordApproval(PASSWORD))
    assert "passkey" in translate("identity.sign.locked", "en", minutes=15)


def _pem(cert) -> bytes:
    return cert.public_bytes(serialization.Encoding.PEM)


def _pdfsig(pdf: bytes, tmp_path: Path) -> str:
    return pdfsig(pdf, nss_store(tmp_path, ca.root_pem(), _pem(ca.issuing_ca().cert)))


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

    both = pades.sign_as_agency(signed, "ubnd-ben-nghe", "UBND phường Bến Nghé")
    checks = pades.validate_signed_pdf(both)
    assert [c.trusted and c.intact for c in checks] == [True, True]
    assert checks[1].covers_whole_file and checks[0].modification in ("NONE", "LTA_UPDATES", "FORM_FILLING")
    assert checks[1].signer_name == "UBND phường Bến Nghé"  # the agency's name, not its code

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
        pades.sign_as_agency(sample_pdf(), "../etc", "Không có")
