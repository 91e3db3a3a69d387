"""HTTP routes of the procedures pillar: public catalogue, public status lookup, result download."""

from __future__ import annotations

from dataclasses import asdict

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route

from citizen_app.core.db import session_scope
from citizen_app.core.errors import DomainError
from citizen_app.i18n.catalog import lang_from_accept_language, translate
from citizen_app.identity.service import cookie_user_id
from citizen_app.procedures import flow, wiring  # noqa: F401 - wiring installs hooks and the fee fulfilment
from citizen_app.procedures.backoffice import result_pdf
from citizen_app.procedures.catalog import catalog
from citizen_app.procedures.service import public_lookup

_NO_STORE = {"Cache-Control": "no-store"}


def _error(request: Request, exc: DomainError, status: int) -> JSONResponse:
    lang = lang_from_accept_language(request.headers.get("accept-language"))
    return JSONResponse({"error": exc.code, "message": translate(exc.code, lang, **exc.params)}, status_code=status,
                        headers=_NO_STORE)


async def catalog_list(_: Request) -> JSONResponse:
    rows = [{"code": p.code, "national_code": p.national_code, "name": p.name, "agency_kind": p.agency_kind,
             "level": p.level, "processing_time": p.processing_time, "fees": p.fees, "legal_basis": p.legal_basis,
             "source_url": p.source_url, "last_verified_at": p.last_verified_at} for p in catalog().values()]
    return JSONResponse({"procedures": rows})


async def lookup(request: Request) -> JSONResponse:
    """POST {"number", "access_code"} -> status without personal data (POST keeps the code out of logs)."""
    try:
        body = await request.json()
    except ValueError:
        body = {}
    if not isinstance(body, dict):
        body = {}
    try:
        with session_scope() as db:
            found = public_lookup(db, str(body.get("number", ""))[:40], str(body.get("access_code", ""))[:40])
    except DomainError as exc:
        return _error(request, exc, 429 if exc.code == "procedures.lookup_locked" else 404)
    return JSONResponse(asdict(found), headers=_NO_STORE)


async def result_download(request: Request) -> Response:
    try:
        with session_scope() as db:
            content, sign_state = result_pdf(db, _user_id(request), int(request.path_params["dossier_id"]))
    except DomainError as exc:
        return _error(request, exc, 404 if exc.code.endswith("not_found") else 403)
    headers = {**_NO_STORE, "Content-Disposition": "inline; filename=ket-qua.pdf", "X-Sign-State": sign_state}
    return Response(content, media_type="application/pdf", headers=headers)


def _user_id(request: Request) -> int | None:
    with session_scope() as db:
        return cookie_user_id(db, request.cookies)


def _pdf(content: bytes, filename: str) -> Response:
    headers = {**_NO_STORE, "Content-Disposition": f"inline; filename={filename}"}
    return Response(content, media_type="application/pdf", headers=headers)


async def draft_preview(request: Request) -> Response:
    """The declaration exactly as it will be signed, for the citizen (or a helper under consent)."""
    try:
        with session_scope() as db:
            content = flow.draft_pdf(db, _user_id(request), int(request.path_params["dossier_id"]))
    except DomainError as exc:
        return _error(request, exc, 404 if exc.code.endswith("not_found") else 403)
    return _pdf(content, "to-khai.pdf")


async def signed_dossier(request: Request) -> Response:
    try:
        with session_scope() as db:
            content = flow.signed_dossier_pdf(db, _user_id(request), int(request.path_params["dossier_id"]))
    except DomainError as exc:
        return _error(request, exc, 404 if exc.code.endswith(("not_found", "missing")) else 403)
    return _pdf(content, "to-khai-da-ky.pdf")


async def attachment(request: Request) -> Response:
    """An attached file for its citizen, a helper under consent, or the receiving agency's official."""
    try:
        with session_scope() as db:
            content, mime, _name = flow.attachment_bytes(db, _user_id(request), int(request.path_params["row_id"]))
    except DomainError as exc:
        return _error(request, exc, 404 if exc.code.endswith(("not_found", "missing")) else 403)
    headers = {**_NO_STORE, "Content-Disposition": "inline; filename=giay-to", "X-Content-Type-Options": "nosniff"}
    return Response(content, media_type=mime, headers=headers)


ROUTES: list[BaseRoute] = [
    Route("/api/procedures/dossiers/{dossier_id:int}/draft.pdf", draft_preview, methods=["GET"]),
    Route("/api/procedures/dossiers/{dossier_id:int}/signed.pdf", signed_dossier, methods=["GET"]),
    Route("/api/procedures/attachments/{row_id:int}", attachment, methods=["GET"]),
    Route("/api/procedures/catalog", catalog_list, methods=["GET"]),
    Route("/api/procedures/lookup", lookup, methods=["POST"]),
    Route("/api/procedures/dossiers/{dossier_id:int}/result.pdf", result_download, methods=["GET"]),
]
