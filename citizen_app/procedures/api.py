"""HTTP routes of the procedures pillar: public catalogue, public status lookup, result download."""

from __future__ import annotations

from contextlib import AbstractContextManager
from dataclasses import asdict

from sqlmodel import Session
from starlette.responses import Response
from starlette.routing import BaseRoute

from citizen_app.core.db import session_scope
from citizen_app.core.errors import DomainError
from citizen_app.core.http import (
    BOOLEAN,
    INTEGER,
    Call,
    Endpoint,
    array,
    json_content,
    media,
    obj,
    string,
)
from citizen_app.core.timeutil import format_datetime, utcnow
from citizen_app.procedures import documents, flow
from citizen_app.procedures.backoffice import result_pdf
from citizen_app.procedures.catalog import catalog
from citizen_app.procedures.service import keep_page_answers, public_lookup

_NO_STORE = {"Cache-Control": "no-store"}


def _sessions() -> AbstractContextManager[Session]:
    return session_scope()  # looked up on each call: tests swap this module's session_scope


async def catalog_list(_: Call) -> dict:
    rows = [{"code": p.code, "national_code": p.national_code, "name": p.name, "agency_kind": p.agency_kind,
             "level": p.level, "processing_time": p.processing_time, "fees": p.fees, "legal_basis": p.legal_basis,
             "source_url": p.source_url, "last_verified_at": p.last_verified_at} for p in catalog().values()]
    return {"procedures": rows}


async def lookup(call: Call) -> dict:
    """POST {"number", "access_code"} -> status without personal data (POST keeps the code out of logs)."""
    with session_scope() as db:
        found = public_lookup(db, str(call.body.get("number", ""))[:40], str(call.body.get("access_code", ""))[:40])
    return asdict(found)


def _pdf(content: bytes, filename: str, **headers: str) -> Response:
    return Response(content, media_type="application/pdf",
                    headers={**_NO_STORE, "Content-Disposition": f"inline; filename={filename}", **headers})


async def result_download(call: Call) -> Response:
    with session_scope() as db:
        content, sign_state = result_pdf(db, call.user_id, call.path("dossier_id"))
    return _pdf(content, "ket-qua.pdf", **{"X-Sign-State": sign_state})


async def draft_preview(call: Call) -> Response:
    """The declaration exactly as it will be signed, for the citizen (or a helper under consent)."""
    with session_scope() as db:
        content = flow.draft_pdf(db, call.user_id, call.path("dossier_id"))
    return _pdf(content, "to-khai.pdf")


async def signed_dossier(call: Call) -> Response:
    with session_scope() as db:
        content = flow.signed_dossier_pdf(db, call.user_id, call.path("dossier_id"))
    return _pdf(content, "to-khai-da-ky.pdf")


async def receipt(call: Call) -> Response:
    """The receipt with the access code, for the dossier's owner; generated from the dossier, so always current."""
    with session_scope() as db:
        content = documents.receipt_pdf(db, call.user_id, call.path("dossier_id"))
    return _pdf(content, "giay-bien-nhan.pdf")


async def keep_draft_page(call: Call) -> dict:
    """POST /api/procedures/dossiers/{id}/pages/{page}/draft {"answers": {field: text}} — what was typed on a page
    of a draft, kept on the phone while offline and saved here when the connection returns."""
    answers = call.body.get("answers")
    if not isinstance(answers, dict):
        raise DomainError("procedures.err_draft_answers")
    raw = {str(k)[:64]: str(v)[:2000] for k, v in list(answers.items())[:200] if isinstance(v, str | bool | int)}
    with session_scope() as db:
        kept = keep_page_answers(db, call.user_id, call.path("dossier_id"), call.path("page_id")[:64], raw)
    return {"kept": kept.kept, "refused": kept.refused, "saved_at": format_datetime(utcnow())}


async def attachment(call: Call) -> Response:
    """An attached file for its citizen, a helper under consent, or the receiving agency's official."""
    with session_scope() as db:
        content, mime, _name = flow.attachment_bytes(db, call.user_id, call.path("row_id"))
    headers = {**_NO_STORE, "Content-Disposition": "inline; filename=giay-to", "X-Content-Type-Options": "nosniff"}
    return Response(content, media_type=mime, headers=headers)


_TEXTS = {"type": "object", "additionalProperties": string()}
_PROCEDURE = obj(("code", "name"), code=string(), national_code=string(), name=_TEXTS, agency_kind=string())
_STATUS = obj(("number", "status", "result_ready"), number=string(), procedure_vi=string(), procedure_en=string(),
              status=INTEGER, status_vi=string(), status_en=string(), submitted_on=string(), due_on=string(),
              overdue=BOOLEAN, result_ready=BOOLEAN)
_PDF = {200: media("application/pdf")}
_PRIVATE = {"auth": "session", "sessions": _sessions}

ROUTES: list[BaseRoute] = [
    Endpoint("/api/procedures/dossiers/{dossier_id:int}/draft.pdf", draft_preview, responses=_PDF,
             summary="The declaration as it will be signed (citizen or consenting helper)", **_PRIVATE),
    Endpoint("/api/procedures/dossiers/{dossier_id:int}/signed.pdf", signed_dossier, responses=_PDF,
             summary="The citizen-signed dossier", **_PRIVATE),
    Endpoint("/api/procedures/dossiers/{dossier_id:int}/receipt.pdf", receipt, responses=_PDF,
             summary="The receipt and appointment, with the access code (the dossier's owner)", **_PRIVATE),
    Endpoint("/api/procedures/attachments/{row_id:int}", attachment,
             responses={200: media("application/pdf", "image/jpeg", "image/png")},
             summary="An attached document (its citizen, a consenting helper or the receiving official)", **_PRIVATE),
    Endpoint("/api/procedures/dossiers/{dossier_id:int}/pages/{page_id}/draft", keep_draft_page, methods=("POST",),
             summary="Keep the answers typed on a page of a draft (sent by the phone when back online)",
             path_params={"page_id": string(64)}, body=obj(("answers",), answers=_TEXTS),
             responses={200: json_content(obj(("kept", "refused", "saved_at"), kept=array(string()),
                                              refused=array(string()), saved_at=string()))},
             errors=(404,), auth="cookie", sessions=_sessions),
    Endpoint("/api/procedures/catalog", catalog_list, summary="The procedures catalogue",
             responses={200: json_content(obj(("procedures",), procedures=array(_PROCEDURE)))}),
    Endpoint("/api/procedures/lookup", lookup, methods=("POST",),
             summary="A dossier's status by number and access code",
             body=obj(("number", "access_code"), number=string(40), access_code=string(40)),
             responses={200: json_content(_STATUS)}, errors=(404, 429),
             notes="A number is locked for 15 minutes after 10 wrong codes (429)."),
    Endpoint("/api/procedures/dossiers/{dossier_id:int}/result.pdf", result_download, responses=_PDF,
             summary="The result document (citizen, consenting helper or the agency's official)", **_PRIVATE),
]
