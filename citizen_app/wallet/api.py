"""HTTP routes of the identity wallet.

Public: issuer metadata, JWKS, status lists, verifier requests and online verification.
Cookie-authenticated (same-origin POST only): issuing/revoking own credentials and server-key fallback
presentations. (Passkeys, which log in and approve signatures, are identity's: ``identity/api.py``.)
"""

from __future__ import annotations

from contextlib import AbstractContextManager
from typing import Any

from sqlmodel import Session
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute

from citizen_app.core.db import session_scope
from citizen_app.core.http import (
    ANY_OBJECT,
    BOOLEAN,
    INTEGER,
    Call,
    Endpoint,
    array,
    int_id,
    json_content,
    media,
    obj,
    string,
)
from citizen_app.core.outbound_pool import run_outbound
from citizen_app.i18n.catalog import translate
from citizen_app.identity.crypto import public_jwk
from citizen_app.wallet import credentials as cr
from citizen_app.wallet.issuer import issuer_jwks, issuer_metadata
from citizen_app.wallet.oid4vci import issue_batch
from citizen_app.wallet.oid4vci_api import ROUTES as OID4VCI_ROUTES
from citizen_app.wallet.oid4vci_holder_api import ROUTES as OFFER_ROUTES
from citizen_app.wallet.oid4vp_api import ROUTES as OID4VP_ROUTES
from citizen_app.wallet.qr_transport import decode_from_qr, encode_for_qr
from citizen_app.wallet.service import revoke_own_credential
from citizen_app.wallet.status_list import TTL_SECONDS, build_status_list_jwt, list_uris

MAX_BODY = 16 * 1024
PUBLIC_LIST = {"Cache-Control": f"public, max-age={TTL_SECONDS}", "Access-Control-Allow-Origin": "*"}


def _sessions() -> AbstractContextManager[Session]:
    return session_scope()  # looked up on each call: tests swap this module's session_scope


# --- public -----------------------------------------------------------------------------------------


async def jwt_vc_issuer(_: Call) -> dict:
    return issuer_metadata()


async def jwks(_: Call) -> dict:
    return issuer_jwks()


async def status_list(call: Call) -> Response:
    with session_scope() as db:
        token = build_status_list_jwt(db, call.path("list_id"))
    return Response(token, media_type="application/statuslist+jwt", headers=PUBLIC_LIST)


async def status_lists(_: Call) -> Response:
    """GET -> {"lists": [uri, ...]}: every status list, so an offline verifier can cache them all."""
    with session_scope() as db:
        uris = list_uris(db)
    return JSONResponse({"lists": uris, "ttl": TTL_SECONDS}, headers=PUBLIC_LIST)


async def verifier_request(call: Call) -> dict:
    """POST {aud?} -> a five-minute single-use nonce and the QR text the wallet scans (mode B)."""
    with session_scope() as db:
        req = cr.create_verifier_request(db, str(call.body.get("aud") or "cds:v:web"))
    return {"nonce": req.nonce, "aud": req.aud, "expires_at": req.expires_at.isoformat(), "qr": req.qr_text}


def _verify(body: dict) -> cr.VerifiedPresentation:
    presentation = decode_from_qr(str(body.get("presentation") or ""))
    nonce = body.get("nonce") if isinstance(body.get("nonce"), str) else None
    vct = body.get("vct") if isinstance(body.get("vct"), list) else None
    aud = None
    if nonce is not None:  # burn the nonce in its own transaction, whatever the outcome
        with session_scope() as db:
            aud = cr.consume_nonce(db, nonce)
    with session_scope() as db:
        return cr.verify_online(db, presentation, nonce=nonce, expected_vct=vct, consumed_aud=aud)


async def verify(call: Call) -> dict:
    """POST {presentation, nonce?, vct?}: nonce -> mode B (consumed); no nonce -> one-minute QR (mode C).
    In a worker thread: a listed issuer's keys may be fetched from its server (trusted_issuers)."""
    result = await run_outbound(_verify, call.body)
    return {"ok": True, "message": translate("identity.verify.ok", call.lang), "kind": result.kind,
            "vct": result.vct, "claims": result.claims, "mode": result.mode, "expires": result.exp}


# --- the citizen's own wallet (cookie; Origin checked by core.http) ------------------------------------


async def issue(call: Call) -> dict:
    """POST {kind, holder_jwk} -> a credential bound to the browser key; {kind, key_mode:"server"} fallback."""
    body, user_id = call.body, call.user_id
    with session_scope() as db:
        if body.get("key_mode") == "server":
            jwk, mode = public_jwk(cr.server_holder_key(db, user_id)), "server"
        else:
            jwk, mode = body.get("holder_jwk"), "browser"
        issued = issue_batch(db, user_id, str(body.get("kind") or ""), [jwk], key_mode=mode)[0]
        return {"ok": True, "id": issued.record.id, "kind": issued.record.kind, "key_mode": mode,
                "expires_at": issued.record.expires_at.isoformat(), "credential": issued.credential}


async def revoke(call: Call) -> dict:
    with session_scope() as db:  # the holder only: officials use their back-office path
        revoke_own_credential(db, call.user_id, int_id(call.path("credential_id")))
    return {"ok": True}


async def present_server(call: Call) -> dict:
    """Fallback presentation signed with the server-held key: {credential, disclose, aud?, nonce?}."""
    body = call.body
    disclose = [str(x) for x in body.get("disclose") or [] if isinstance(x, str)]
    aud = str(body.get("aud") or cr.ONE_TIME_AUD)
    nonce = body.get("nonce") if isinstance(body.get("nonce"), str) else None
    with session_scope() as db:
        vp = cr.present_with_server_key(db, call.user_id, str(body.get("credential") or ""), disclose, aud, nonce)
    return {"ok": True, "presentation": vp, "qr": encode_for_qr(vp)}


_CACHED = {"cache": "public, max-age=3600"}
_WALLET: dict[str, Any] = {"methods": ("POST",), "auth": "cookie", "sessions": _sessions, "max_body": MAX_BODY}
_PUBLIC_POST: dict[str, Any] = {"methods": ("POST",), "max_body": MAX_BODY}
_OK = obj(("ok",), ok=BOOLEAN)
_CREDENTIAL = obj(("kind",), kind=string(40), holder_jwk=ANY_OBJECT, key_mode=string(enum=["browser", "server"]))
_PRESENT = obj(("credential",), credential=string(8000), disclose=array(string(60)), aud=string(120),
               nonce=string(64))
_VERIFY = obj(("presentation",), presentation=string(12000), nonce=string(64), vct=array(string(200)))
_VERIFIED = obj(("ok", "kind", "claims", "mode"), ok=BOOLEAN, message=string(), kind=string(), vct=string(),
                claims=ANY_OBJECT, mode=string(), expires=INTEGER)

ROUTES: list[BaseRoute] = [
    Endpoint("/.well-known/jwt-vc-issuer", jwt_vc_issuer, summary="SD-JWT VC issuer metadata",
             responses={200: json_content(obj(("issuer", "jwks"), issuer=string(), jwks=ANY_OBJECT))}, **_CACHED),
    Endpoint("/.well-known/jwks.json", jwks, summary="The issuer's public keys (JWKS)",
             responses={200: json_content(obj(("keys",), keys=array(ANY_OBJECT)))}, **_CACHED),
    Endpoint("/api/identity/status-lists", status_lists, summary="Every token status list (for offline verifiers)",
             responses={200: json_content(obj(("lists", "ttl"), lists=array(string()), ttl=INTEGER))}),
    Endpoint("/api/identity/status/{list_id:str}", status_list, summary="One token status list (JWT)",
             responses={200: media("application/statuslist+jwt")}),
    Endpoint("/api/identity/verify/request", verifier_request, summary="A single-use verifier nonce and its QR",
             body=obj(aud=string(120)), responses={200: json_content(obj(("nonce", "aud", "expires_at", "qr"),
                                                                         nonce=string(), aud=string(),
                                                                         expires_at=string(), qr=string()))},
             **_PUBLIC_POST),
    Endpoint("/api/identity/verify", verify, summary="Verify a presentation online", body=_VERIFY,
             responses={200: json_content(_VERIFIED)}, errors=(422,), **_PUBLIC_POST),
    Endpoint("/api/identity/credentials", issue, summary="Issue one of my credentials to this wallet",
             body=_CREDENTIAL, responses={200: json_content(obj(("ok", "id", "credential"), ok=BOOLEAN, id=INTEGER,
                                                                kind=string(), key_mode=string(), expires_at=string(),
                                                                credential=string()))}, errors=(404, 422), **_WALLET),
    Endpoint("/api/identity/credentials/{credential_id:str}/revoke", revoke, summary="Revoke one of my credentials",
             responses={200: json_content(_OK)}, **_WALLET),
    Endpoint("/api/identity/present-server", present_server, summary="A presentation signed with my server-held key",
             body=_PRESENT, responses={200: json_content(obj(("ok", "presentation", "qr"), ok=BOOLEAN,
                                                             presentation=string(), qr=string()))},
             errors=(404, 422), **_WALLET),
    *OID4VCI_ROUTES,
    *OFFER_ROUTES,
    *OID4VP_ROUTES,
]
