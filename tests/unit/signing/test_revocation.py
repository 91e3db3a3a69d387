"""Every certificate names the CRL the app serves; a revoked certificate is on it, and pyHanko and pdfsig say so.
Certificates made before the CRL pointers existed are issued again, same key, on next use."""

from __future__ import annotations

from datetime import timedelta
from io import BytesIO

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from PIL import Image
from pyhanko.pdf_utils.reader import PdfFileReader
from sqlmodel import select

from citizen_app.core.errors import NotAllowed
from citizen_app.identity.activity import list_activity
from citizen_app.identity.service import HASHER
from citizen_app.signing import ca, pades, revocation
from citizen_app.signing import service as signing
from citizen_app.signing.models import SigningCertificate
from tests.unit.identity.helpers import make_user, make_verified_citizen
from tests.unit.signing.nss import nss_store, pdfsig

PASSWORD = "mat-khau-dai-2026"


def _pdf() -> bytes:
    buf = BytesIO()
    Image.new("RGB", (200, 100), "white").save(buf, "PDF")
    return buf.getvalue()


def _pem(cert: x509.Certificate) -> bytes:
    return cert.public_bytes(serialization.Encoding.PEM)


def test_every_certificate_below_the_root_names_the_crl_the_app_serves(db):
    assert ca.crl_pointer(ca.root_ca().cert) is None  # the trust anchor has no issuer
    assert ca.crl_pointer(ca.issuing_ca().cert) == "http://localhost:3000/trust/crl/root.crl"
    assert ca.crl_pointer(ca.tsa_pair().cert) == "http://localhost:3000/trust/crl/issuing.crl"
    assert ca.crl_pointer(ca.agency_pair("ca-thu-nghiem", "Công an phường Thử Nghiệm").cert) == ca.crl_url("issuing")
    citizen = make_verified_citizen(db)
    row = signing.enrol_signing_certificate(db, citizen.id)
    assert ca.crl_pointer(x509.load_pem_x509_certificate(row.cert_pem.encode())) == ca.crl_url("issuing")

    crl = x509.load_der_x509_crl(revocation.crl_der(db, "issuing"))
    assert crl.is_signature_valid(ca.issuing_ca().cert.public_key())
    assert crl.issuer == ca.issuing_ca().cert.subject and len(list(crl)) == 0
    assert crl.next_update_utc - crl.last_update_utc > timedelta(hours=12)
    assert x509.load_der_x509_crl(revocation.crl_der(db, "root")).is_signature_valid(ca.root_ca().cert.public_key())


def test_revoked_agency_certificate_is_reported_by_pyhanko_and_pdfsig(db, tmp_path):
    admin = make_user(db, "Quản trị", ("admin",))
    signed = pades.sign_as_agency(_pdf(), "ca-thu-hoi", "Công an phường Thu Hồi")
    before = pades.validate_signed_pdf(signed, revocation.current_crls(db))
    assert before[0].ok and not before[0].revoked and before[0].signer_name == "Công an phường Thu Hồi"
    trusted = pdfsig(signed, nss_store(tmp_path / "a", ca.root_pem(), _pem(ca.issuing_ca().cert),
                                       revocation.crl_der(db, "issuing")))
    assert "Certificate is Trusted" in trusted and "Signature is Valid" in trusted, trusted

    with pytest.raises(NotAllowed):
        revocation.revoke_agency_certificate(db, make_user(db, "Công dân").id, "ca-thu-hoi")
    old_serial = ca.current_agency_cert("ca-thu-hoi").serial_number
    revocation.revoke_agency_certificate(db, admin.id, "ca-thu-hoi")
    crl = x509.load_der_x509_crl(revocation.crl_der(db, "issuing"))
    entry = crl.get_revoked_certificate_by_serial_number(old_serial)
    assert entry is not None and entry.extensions.get_extension_for_class(x509.CRLReason).value.reason \
        == x509.ReasonFlags.key_compromise

    after = pades.validate_signed_pdf(signed, revocation.current_crls(db))
    assert after[0].revoked and not after[0].ok
    report = pdfsig(signed, nss_store(tmp_path / "b", ca.root_pem(), _pem(ca.issuing_ca().cert),
                                      revocation.crl_der(db, "issuing")))
    assert "Certificate has been Revoked" in report, report
    # the agency signs on with a new key and certificate
    assert ca.agency_pair("ca-thu-hoi", "Công an phường Thu Hồi").cert.serial_number != old_serial


def test_citizen_revokes_their_own_certificate(db):
    citizen = make_verified_citizen(db)
    first = signing.enrol_signing_certificate(db, citizen.id)
    assert revocation.revoke_own_certificate(db, citizen.id) == 1
    assert first.revoked_at is not None and signing.active_certificate(db, citizen.id) is None
    assert revocation.revocation_of(db, first.serial) is not None
    assert "thu hồi" in list_activity(db, citizen.id)[0].text
    assert signing.enrol_signing_certificate(db, citizen.id).serial != first.serial


def test_certificates_without_a_crl_pointer_are_issued_again_with_the_same_key(db):
    """A hierarchy, an agency and a citizen from before the CRL pointers: replaced on next use, keys kept."""
    folder = ca.ensure_ca()
    issuing = ca.issuing_ca()
    old = ca._build(ca._name("CDS Dev Issuing CA"), issuing.key.public_key(), ca.root_ca(), ca.root_ca().key, 1095,
                    path_length=0, is_ca=True)  # no crl_issuer: as before
    ca._write_cert(folder, "issuing", old)
    ca._refresh_pointers.cache_clear()
    ca._load.cache_clear()
    assert ca.crl_pointer(ca.issuing_ca().cert) == ca.crl_url("root")
    assert ca.issuing_ca().key.private_numbers() == issuing.key.private_numbers()

    key = ca.new_p256_key()
    legacy = ca._build(ca._name("Cơ quan ca-cu", "Công dân số (thử nghiệm) - ca-cu"), key.public_key(),
                       ca.issuing_ca(), ca.issuing_ca().key, 1095)
    ca._write(folder, "agency-ca-cu", ca.KeyPair(legacy, key))
    renewed = ca.agency_pair("ca-cu", "Công an phường Cũ")
    assert renewed.cert.subject.get_attributes_for_oid(x509.NameOID.COMMON_NAME)[0].value == "Công an phường Cũ"
    assert ca.points_to_current_crl(renewed.cert) and renewed.key.private_numbers() == key.private_numbers()

    citizen = make_verified_citizen(db)
    citizen.password_hash = HASHER.hash(PASSWORD)
    row = signing.enrol_signing_certificate(db, citizen.id)
    row.cert_pem = _pem(ca._build(ca._name("Nguyễn Văn An"), ca.new_p256_key().public_key(), ca.issuing_ca(),
                                  ca.issuing_ca().key, 365)).decode()
    view = signing.prepare_signing(db, citizen.id, _pdf())
    signed = signing.approve_and_sign(db, view.id, citizen.id, signing.PasswordApproval(PASSWORD))
    rows = db.exec(select(SigningCertificate).where(SigningCertificate.user_id == citizen.id)).all()
    assert len(rows) == 2
    assert pades.last_signer_serial(signed) == signing.active_certificate(db, citizen.id).serial != row.serial


def test_a_signature_block_is_signed_visibly(db):
    """A document with an empty signature field gets the signature there, with a drawn appearance."""
    unsigned = pades.add_signature_field(_pdf(), "KY-SO", 0, (10, 10, 80, 30))
    assert pades.empty_signature_field(unsigned) == "KY-SO"
    signed = pades.sign_as_agency(unsigned, "ca-ky-hien", "Công an phường Ký Hiện", ("Võ Thị Lan, Cán bộ",))
    sig = PdfFileReader(BytesIO(signed), strict=False).embedded_signatures[0]
    assert sig.field_name == "KY-SO"
    widget = sig.sig_field
    rect = [float(v) for v in widget["/Rect"]]
    assert rect[2] - rect[0] > 200 and "/AP" in widget
    assert pades.empty_signature_field(signed) is None
    assert pades.validate_signed_pdf(signed)[0].covers_whole_file
