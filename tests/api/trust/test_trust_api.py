"""The trust routes over real HTTP: CA certificates (PEM, DER) and CRLs a stranger downloads, verify-a-PDF as a
multipart upload, the public answer for a verification code; and pdfsig trusting a result with only what /trust
serves."""

from __future__ import annotations

import hashlib

import pytest
from cryptography import x509
from starlette.testclient import TestClient

from citizen_app.procedures import backoffice, documents, service
from citizen_app.signing import ca
from citizen_app.trust import api
from citizen_app.trust import service as trust
from tests.api.helpers import route_client
from tests.unit.signing.nss import nss_store, pdfsig
from tests.unit.trust.test_documents import _delivered


@pytest.fixture()
def client(engine, db, monkeypatch) -> TestClient:
    return route_client(engine, monkeypatch, api, session=db)


@pytest.fixture()
def result(db, signer):
    dossier_id, _ = _delivered(db, signer)
    pdf, _ = backoffice.result_pdf(db, signer.mai.id, dossier_id)
    return pdf, documents.result_record(db, db.get(service.ProcDossier, dossier_id))


def test_ca_certificates_and_crls_download(client, db):
    pem = client.get("/trust/ca/root.pem")
    assert pem.status_code == 200 and pem.headers["content-type"].startswith("application/x-pem-file")
    der = client.get("/trust/ca/root.cer")
    cert = x509.load_der_x509_certificate(der.content)
    assert x509.load_pem_x509_certificate(pem.content) == cert == ca.root_ca().cert
    published = {a.name: a.sha256 for a in trust.authorities()}["root"]
    assert hashlib.sha256(der.content).hexdigest().upper() == published.replace(":", "")
    assert client.get("/trust/ca/agency-x.pem").status_code == 404

    crl = x509.load_der_x509_crl(client.get("/trust/crl/issuing.crl").content)
    assert crl.is_signature_valid(ca.issuing_ca().cert.public_key())
    assert client.get("/trust/crl/other.crl").status_code == 404


def test_verify_upload_reports_the_signed_result(client, result):
    pdf, record = result
    answer = client.post("/api/trust/verify", files={"file": ("ket-qua.pdf", pdf, "application/pdf")})
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert body["verdict"] == "valid" and body["registered"]["code"] == trust.display_code(record.code)
    assert body["signatures"][0]["signer"] == "Công an phường Bàn Cờ" and body["signatures"][0]["whole_document"]
    assert body["registered"]["personal"] == []  # nothing personal unless the holder chose it


def test_verify_upload_refusals(client):
    not_pdf = client.post("/api/trust/verify", files={"file": ("a.pdf", b"hello", "application/pdf")},
                          headers={"accept-language": "en"})
    assert not_pdf.status_code == 400 and not_pdf.json()["error"] == "trust.verify.not_pdf"
    assert client.post("/api/trust/verify", data={"x": "1"}, files={"other": ("a", b"1")}).status_code == 400
    broken = client.post("/api/trust/verify", content=b"--x\r\nnot a part",
                         headers={"content-type": "multipart/form-data; boundary=x"})
    assert broken.status_code == 400
    assert client.post("/api/trust/verify", json={"file": "x"}).status_code == 415
    huge = client.post("/api/trust/verify", files={"file": ("a.pdf", b"%PDF-" + b"0" * (trust.MAX_PDF_BYTES + 70_000))})
    assert huge.status_code == 413


def test_public_answer_for_a_code(client, result):
    _, record = result
    body = client.get(f"/api/trust/documents/{trust.display_code(record.code)}").json()
    assert body["state"] == "valid" and body["kind"] == "result" and body["personal"] == []
    assert client.get("/api/trust/documents/AAAABBBBCCCC").status_code == 404


def test_pdfsig_trusts_a_result_with_only_what_trust_serves(client, result, tmp_path):
    """A stranger: root and issuing CA from /trust, the CRL from the URL the certificate names; nothing else."""
    pdf, _ = result
    nss = nss_store(tmp_path, client.get("/trust/ca/root.pem").content, client.get("/trust/ca/issuing.pem").content,
                    client.get("/trust/crl/issuing.crl").content)
    report = pdfsig(pdf, nss)
    assert "Signature is Valid" in report and "Certificate is Trusted" in report, report
    assert "Revoked" not in report, report
