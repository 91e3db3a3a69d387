"""HTTP routes of the identity wallet (merged into ``identity/api.py`` ROUTES by the lead).

Public: issuer metadata, JWKS, status lists, verifier requests and online verification.
Cookie-authenticated (same-origin POST only): issuing/revoking own credentials, server-key fallback
presentations and passkey registration. Passkey login returns a one-minute ticket for /auth/session.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from typing import Any

from sqlmodel import Session
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route

from citizen_app.core.db import session_scope
from citizen_app.core.errors import DomainError, NotAllowed, NotFound
from citizen_app.core.http import same_origin
from citizen_app.i18n.catalog import lang_from_accept_language, translate
from citizen_app.identity import credentials as cr
from citizen_app.identity import passkeys
from citizen_app.identity.cookies import bind_ticket
from citizen_app.identity.issuer import issuer_jwks, issuer_metadata
from citizen_app.identity.qr_transport import decode_from_qr, encode_for_qr
from citizen_app.identity.service import cookie_user_id, create_login_ticket
from citizen_app.identity.status_list import TTL_SECONDS, build_status_list_jwt, list_uris
from citizen_app.identity.wallet_crypto import public_jwk
from citizen_app.identity.wallet_views import revoke_own_credential

MAX_BODY = 16 * 1024
NO_STORE = {"Cache-Control": "no-store"}
Handler = Callable[[Request, Session, int], Awaitable[Response]]


def _error(request: Request, exc: DomainError, status: int = 400) -> JSONResponse:
    lang = lang_from_accept_language(request.headers.get("accept-language"))
    return JSONResponse({"ok": False, "error": exc.code, "message": translate(exc.code, lang, **exc.params)},
                        status_code=status, headers=NO_STORE)


async def _json_body(request: Request) -> dict[str, Any]:
    raw = await request.body()
    if len(raw) > MAX_BODY:
        raise DomainError("identity.verify.malformed")
    try:
        body = json.loads(raw or b"{}")
    except ValueError as exc:
        raise DomainError("identity.verify.malformed") from exc
    if not isinstance(body, dict):
        raise DomainError("identity.verify.malformed")
    return body


def _status_code(exc: DomainError) -> int:
    if isinstance(exc, NotFound):
        return 404
    if isinstance(exc, NotAllowed):
        return 403
    return 400


def logged_in(handler: Handler) -> Callable[[Request], Awaitable[Response]]:
    """Cookie session + same-origin check; one transaction per request; DomainError -> JSON error."""

    async def wrapper(request: Request) -> Response:
        if not same_origin(request):
            return JSONResponse({"ok": False, "error": "error.origin"}, status_code=403, headers=NO_STORE)
        try:
            with session_scope() as db:
                user_id = cookie_user_id(db, request.cookies)
                if user_id is None:
                    raise NotAllowed("identity.error.login_required")
                return await handler(request, db, user_id)
        except DomainError as exc:
            return _error(request, exc, 401 if exc.code == "identity.error.login_required" else _status_code(exc))

    return wrapper


# --- public -----------------------------------------------------------------------------------------


async def jwt_vc_issuer(_: Request) -> Response:
    return JSONResponse(issuer_metadata(), headers={"Cache-Control": "public, max-age=3600"})


async def jwks(_: Request) -> Response:
    return JSONResponse(issuer_jwks(), headers={"Cache-Control": "public, max-age=3600"})


async def status_list(request: Request) -> Response:
    list_id = request.path_params["list_id"]
    try:
        with session_scope() as db:
            token = build_status_list_jwt(db, list_id)
    except DomainError as exc:
        return _error(request, exc, 404)
    return Response(token, media_type="application/statuslist+jwt",
                    headers={"Cache-Control": f"public, max-age={TTL_SECONDS}", "Access-Control-Allow-Origin": "*"})


async def status_lists(_: Request) -> Response:
    """GET -> {"lists": [uri, ...]}: every status list, so an offline verifier can cache them all."""
    with session_scope() as db:
        uris = list_uris(db)
    return JSONResponse({"lists": uris, "ttl": TTL_SECONDS},
                        headers={"Cache-Control": f"public, max-age={TTL_SECONDS}", "Access-Control-Allow-Origin": "*"})


async def verifier_request(request: Request) -> Response:
    """POST {aud?} -> a five-minute single-use nonce and the QR text the wallet scans (mode B)."""
    try:
        body = await _json_body(request)
        with session_scope() as db:
            req = cr.create_verifier_request(db, str(body.get("aud") or "cds:v:web"))
    except DomainError as exc:
        return _error(request, exc)
    return JSONResponse({"nonce": req.nonce, "aud": req.aud, "expires_at": req.expires_at.isoformat(),
                         "qr": req.qr_text}, headers=NO_STORE)


async def verify(request: Request) -> Response:
    """POST {presentation, nonce?, vct?}: nonce -> mode B (consumed); no nonce -> one-minute QR (mode C)."""
    try:
        body = await _json_body(request)
        presentation = decode_from_qr(str(body.get("presentation") or ""))
        nonce = body.get("nonce") if isinstance(body.get("nonce"), str) else None
        vct = body.get("vct") if isinstance(body.get("vct"), list) else None
        aud = None
        if nonce is not None:  # burn the nonce in its own transaction, whatever the outcome
            with session_scope() as db:
                aud = cr.consume_nonce(db, nonce)
        with session_scope() as db:
            result = cr.verify_online(db, presentation, nonce=nonce, expected_vct=vct, consumed_aud=aud)
    except DomainError as exc:
        return _error(request, exc, 422 if isinstance(exc, cr.VerificationError) else 400)
    lang = lang_from_accept_language(request.headers.get("accept-language"))
    return JSONResponse({"ok": True, "message": translate("identity.verify.ok", lang), "kind": result.kind,
                         "vct": result.vct, "claims": result.claims, "mode": result.mode,
                         "expires": result.exp}, headers=NO_STORE)


# --- the citizen's own wallet (cookie) ------------------------------------------------------------


@logged_in
async def issue(request: Request, db: Session, user_id: int) -> Response:
    """POST {kind, holder_jwk} -> a credential bound to the browser key; {kind, key_mode:"server"} fallback."""
    body = await _json_body(request)
    if body.get("key_mode") == "server":
        jwk, mode = public_jwk(cr.server_holder_key(db, user_id)), "server"
    else:
        jwk, mode = body.get("holder_jwk"), "browser"
    issued = cr.issue_credential(db, user_id, str(body.get("kind") or ""), jwk, key_mode=mode)
    return JSONResponse({"ok": True, "id": issued.record.id, "kind": issued.record.kind, "key_mode": mode,
                         "expires_at": issued.record.expires_at.isoformat(), "credential": issued.credential},
                        headers=NO_STORE)


@logged_in
async def revoke(request: Request, db: Session, user_id: int) -> Response:
    try:
        credential_id = int(request.path_params["credential_id"])
    except ValueError as exc:
        raise NotFound() from exc
    revoke_own_credential(db, user_id, credential_id)  # the holder only: officials use their back-office path
    return JSONResponse({"ok": True}, headers=NO_STORE)


@logged_in
async def present_server(request: Request, db: Session, user_id: int) -> Response:
    """Fallback presentation signed with the server-held key: {credential, disclose, aud?, nonce?}."""
    body = await _json_body(request)
    disclose = [str(x) for x in body.get("disclose") or [] if isinstance(x, str)]
    aud = str(body.get("aud") or cr.ONE_TIME_AUD)
    nonce = body.get("nonce") if isinstance(body.get("nonce"), str) else None
    vp = cr.present_with_server_key(db, user_id, str(body.get("credential") or ""), disclose, aud, nonce)
    return JSONResponse({"ok": True, "presentation": vp, "qr": encode_for_qr(vp)}, headers=NO_STORE)


@logged_in
async def passkey_register_options(request: Request, db: Session, user_id: int) -> Response:
    options = passkeys.begin_registration(db, user_id)
    return JSONResponse({"challenge_id": options.challenge_id, "options": json.loads(options.options_json)},
                        headers=NO_STORE)


@logged_in
async def passkey_register_verify(request: Request, db: Session, user_id: int) -> Response:
    body = await _json_body(request)
    row = passkeys.finish_registration(db, user_id, str(body.get("challenge_id") or ""),
                                       body.get("credential") or {}, str(body.get("name") or ""))
    return JSONResponse({"ok": True, "id": row.id, "name": row.name}, headers=NO_STORE)


# --- passkey login (public) -----------------------------------------------------------------------


async def passkey_login_options(request: Request) -> Response:
    with session_scope() as db:
        options = passkeys.begin_authentication(db)
    return JSONResponse({"challenge_id": options.challenge_id, "options": json.loads(options.options_json)},
                        headers=NO_STORE)


async def passkey_login_verify(request: Request) -> Response:
    """POST {challenge_id, credential, next?} -> {ticket_url}; the browser then opens /auth/session."""
    if not same_origin(request):
        return JSONResponse({"ok": False, "error": "error.origin"}, status_code=403, headers=NO_STORE)
    try:
        body = await _json_body(request)
        with session_scope() as db:
            user_id = passkeys.finish_authentication(db, str(body.get("challenge_id") or ""),
                                                     body.get("credential") or {})
            ticket = create_login_ticket(db, user_id, str(body.get("next") or "/"), method="passkey")
    except DomainError as exc:
        return _error(request, exc)
    response = JSONResponse({"ok": True, "ticket_url": f"/auth/session?ticket={ticket}"}, headers=NO_STORE)
    bind_ticket(response, ticket)  # only this browser can open the ticket URL
    return response


ROUTES: list[BaseRoute] = [
    Route("/.well-known/jwt-vc-issuer", jwt_vc_issuer, methods=["GET"]),
    Route("/.well-known/jwks.json", jwks, methods=["GET"]),
    Route("/api/identity/status-lists", status_lists, methods=["GET"]),
    Route("/api/identity/status/{list_id:str}", status_list, methods=["GET"]),
    Route("/api/identity/verify/request", verifier_request, methods=["POST"]),
    Route("/api/identity/verify", verify, methods=["POST"]),
    Route("/api/identity/credentials", issue, methods=["POST"]),
    Route("/api/identity/credentials/{credential_id:str}/revoke", revoke, methods=["POST"]),
    Route("/api/identity/present-server", present_server, methods=["POST"]),
    Route("/api/identity/passkeys/register/options", passkey_register_options, methods=["POST"]),
    Route("/api/identity/passkeys/register/verify", passkey_register_verify, methods=["POST"]),
    Route("/api/identity/passkeys/login/options", passkey_login_options, methods=["POST"]),
    Route("/api/identity/passkeys/login/verify", passkey_login_verify, methods=["POST"]),
]
