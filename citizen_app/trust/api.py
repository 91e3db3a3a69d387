"""HTTP routes of the trust package: the CA certificates and CRLs (the URLs every certificate names), verify a PDF
(a multipart upload, checked in memory), and the public answer for a verification code."""

from __future__ import annotations

import asyncio

from starlette.responses import Response
from starlette.routing import BaseRoute

from citizen_app.core.db import read_scope
from citizen_app.core.errors import DomainError, NotFound
from citizen_app.core.http import (
    BINARY,
    BOOLEAN,
    Call,
    Endpoint,
    array,
    json_content,
    media,
    nullable,
    obj,
    string,
)
from citizen_app.signing import ca, revocation
from citizen_app.trust import service

PEM = "application/x-pem-file"
DER = "application/pkix-cert"
CRL = "application/pkix-crl"
_AUTHORITY = {"name": {"type": "string", "enum": list(service.AUTHORITY_FILES)}}
_ISSUER = {"issuer": {"type": "string", "enum": list(ca.ISSUERS)}}


def _file(content: bytes, media_type: str, filename: str, max_age: int) -> Response:
    return Response(content, media_type=media_type, headers={
        "Cache-Control": f"public, max-age={max_age}", "Content-Disposition": f"attachment; filename={filename}"})


async def certificate_pem(call: Call) -> Response:
    name = call.path("name")
    return _file(service.certificate_file(name, der=False), PEM, f"cds-{name}.pem", 86400)


async def certificate_der(call: Call) -> Response:
    name = call.path("name")
    return _file(service.certificate_file(name, der=True), DER, f"cds-{name}.cer", 86400)


async def crl(call: Call) -> Response:
    """The CRL a certificate names (``ca.crl_url``): signed now, valid for a day, cached for an hour."""
    issuer = call.path("issuer")
    if issuer not in ca.ISSUERS:
        raise NotFound()  # like an unknown certificate name: there is no such list
    with read_scope() as db:
        content = revocation.crl_der(db, issuer)
    return _file(content, CRL, f"cds-{issuer}.crl", 3600)


def _verify(data: bytes) -> dict:
    with read_scope() as db:
        return service.verify_pdf(db, data).as_dict()


async def verify(call: Call) -> dict:
    """A PDF in the ``file`` part of a multipart body: the plain-language report. Nothing is stored."""
    upload = call.files.get("file")
    if upload is None:
        raise DomainError("trust.verify.empty")
    service.check_upload(upload.data)
    return await asyncio.to_thread(_verify, upload.data)  # pyHanko runs its own event loop


async def document(call: Call) -> dict:
    with read_scope() as db:
        return service.check_code(db, call.path("code")).as_dict()


_TEXTS = obj(("vi", "en"), vi=string(), en=string())
_FACT = obj(("key", "vi", "en", "value"), key=string(), vi=string(), en=string(), value=string())
_CHECK = obj(("code", "kind", "state", "facts"), code=string(), kind=string(), title=_TEXTS, state=string(),
             headline=_TEXTS, facts=array(_FACT), personal=array(_FACT), sha256=string(), revoked_on=string(),
             revoke_reason=string())
_SIGNATURE = obj(("signer", "ok"), signer=string(), signed_at=string(), intact=BOOLEAN, trusted=BOOLEAN,
                 revoked=BOOLEAN, whole_document=BOOLEAN, ok=BOOLEAN)
_REPORT = obj(("verdict", "headline", "signatures"), verdict=string(), headline=_TEXTS, sha256=string(),
              signatures=array(_SIGNATURE), registered=nullable(_CHECK))

ROUTES: list[BaseRoute] = [
    Endpoint("/trust/ca/{name}.pem", certificate_pem, path_params=_AUTHORITY, responses={200: media(PEM)},
             summary="A certificate of the development CA (root, issuing, time stamper), PEM"),
    Endpoint("/trust/ca/{name}.cer", certificate_der, path_params=_AUTHORITY, responses={200: media(DER)},
             summary="A certificate of the development CA, DER (for Adobe Reader and Windows)"),
    Endpoint("/trust/crl/{issuer}.crl", crl, path_params=_ISSUER, responses={200: media(CRL)},
             summary="The revocation list (CRL, DER) of the root or the issuing CA, as named in every certificate"),
    Endpoint("/api/trust/verify", verify, methods=("POST",), upload=obj(("file",), file=BINARY),
             max_body=service.MAX_PDF_BYTES + 64 * 1024, responses={200: json_content(_REPORT)},
             summary="Check the signatures of a PDF (multipart field `file`); nothing is stored",
             notes="The file is read in memory, at most 8 MB, and must be a PDF."),
    Endpoint("/api/trust/documents/{code}", document, path_params={"code": string(20)},
             responses={200: json_content(_CHECK)},
             summary="What the public page of a verification code says (no personal data the holder did not allow)"),
]
