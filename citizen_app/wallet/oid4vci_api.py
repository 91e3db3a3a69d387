"""HTTP routes of OpenID4VCI 1.0 (rules in ``oid4vci.py``): the issuer's and the authorization server's metadata,
the token, nonce and credential endpoints (public, no cookie: a wallet on another device calls them), and the
signed-in citizen's credential offer (cookie, same-origin). Refusals of the protocol endpoints carry the OAuth
``error`` code wallets parse, with ``error_description`` and the app's ``message`` in Vietnamese and English.
"""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute

from citizen_app.core.db import session_scope
from citizen_app.core.errors import DomainError
from citizen_app.core.http import (
    ANY_OBJECT,
    INTEGER,
    NO_STORE,
    Call,
    Endpoint,
    array,
    json_content,
    obj,
    string,
)
from citizen_app.i18n.catalog import translate
from citizen_app.wallet import oid4vci, oid4vci_authorize, oid4vci_deferred
from citizen_app.wallet.oid4vci_authorize_api import ROUTES as AUTHORIZE_ROUTES

_HTTP_OAUTH = {400: "invalid_request", 401: "invalid_token", 403: "access_denied", 404: "invalid_request",
               413: "invalid_request", 415: "invalid_request", 429: "slow_down"}


def oauth_refusal(_request: Request, status: int, exc: DomainError) -> Response:
    code = getattr(exc, "oauth", None) or _HTTP_OAUTH.get(status, "server_error")
    body = {"error": code, "error_description": translate(exc.code, "en", **exc.params),
            "message": {lang: translate(exc.code, lang, **exc.params) for lang in ("vi", "en")}}
    headers = {"Cache-Control": NO_STORE}
    if status == 401:
        headers["WWW-Authenticate"] = f'Bearer error="{code}"'
    return JSONResponse(body, status_code=status, headers=headers)


async def issuer_metadata(_: Call) -> dict[str, Any]:
    return oid4vci.credential_issuer_metadata()


async def authorization_server(_: Call) -> dict[str, Any]:
    return oid4vci.authorization_server_metadata()


async def token(call: Call) -> dict[str, Any]:
    """POST (form) grant_type=urn:ietf:params:oauth:grant-type:pre-authorized_code with pre-authorized_code and
    tx_code, or grant_type=authorization_code with code, redirect_uri, code_verifier and client_id."""
    body = {key: str(value or "") for key, value in call.body.items()}
    details = None
    with session_scope() as db:
        if body.get("grant_type") == oid4vci.PRE_AUTHORIZED_GRANT:
            granted = oid4vci.redeem_pre_authorized_code(db, body.get("pre-authorized_code", ""),
                                                         body.get("tx_code", ""))
        elif body.get("grant_type") == oid4vci.AUTHORIZATION_CODE_GRANT:
            grant = oid4vci_authorize.redeem_authorization_code(
                db, body.get("code", ""), body.get("redirect_uri", ""), body.get("code_verifier", ""),
                body.get("client_id", ""))
            granted, details = grant.token, grant.authorization_details
        else:
            raise oid4vci.OAuthRefusal("identity.oid4vci.grant_unsupported", "unsupported_grant_type")
    answer = {"access_token": granted.token, "token_type": "Bearer", "expires_in": granted.expires_in}
    return answer | ({"authorization_details": details} if details else {})


async def nonce(_: Call) -> dict[str, str]:
    return {"c_nonce": oid4vci.new_c_nonce()}


def _issued(result: list[str] | oid4vci.Deferred) -> Response:
    """The credentials, or 202 with the transaction to ask the deferred endpoint about (OpenID4VCI 1.0 §8.3, §9.2)."""
    if isinstance(result, oid4vci.Deferred):
        return JSONResponse({"transaction_id": result.transaction_id, "interval": result.interval}, status_code=202,
                            headers={"Cache-Control": NO_STORE})
    return JSONResponse({"credentials": [{"credential": text} for text in result]}, headers={"Cache-Control": NO_STORE})


async def credential(call: Call) -> Response:
    """POST {credential_configuration_id | credential_identifier, proofs: {jwt: [...]}} with the access token as
    Bearer."""
    with session_scope() as db:
        return _issued(oid4vci.credential_request(db, call.bearer, call.body))


async def deferred(call: Call) -> Response:
    """POST {transaction_id} with the access token that made the request."""
    with session_scope() as db:
        return _issued(oid4vci_deferred.deferred_request(db, call.bearer, call.body))


async def approvals(call: Call) -> dict[str, Any]:
    """GET (ward official): credential requests of their ward's citizens waiting for approval, in words."""
    with session_scope() as db:
        waiting = oid4vci_deferred.waiting_for_approval(db, call.user_id)
    return {"waiting": [{"id": w.id, "citizen": w.citizen, "birth_year": w.birth_year, "copies": w.copies,
                         "kind": {lang: translate(f"identity.kind.{w.kind}", lang) for lang in ("vi", "en")},
                         "wallet": w.wallet, "created_at": w.created_at.isoformat()} for w in waiting]}


async def decide(call: Call) -> dict[str, str]:
    """POST {approve: true|false, note} (ward official) on one waiting request; a refusal needs the note."""
    with session_scope() as db:
        status = oid4vci_deferred.decide(db, call.user_id, call.path("deferred_id"), call.body.get("approve") is True,
                                         str(call.body.get("note") or ""))
    return {"status": status}


async def make_offer(call: Call) -> dict[str, Any]:
    """POST {kinds: [...]} (the signed-in citizen) -> the offer link for a wallet and its one-time code."""
    kinds = [str(k) for k in call.body.get("kinds") or [] if isinstance(k, str)]
    with session_scope() as db:
        offer = oid4vci.create_offer(db, call.user_id, kinds)
    return {"offer": offer.link, "tx_code": offer.tx_code, "expires_at": offer.expires_at.isoformat(),
            "kinds": list(offer.kinds)}


_OAUTH_ERROR = json_content(obj(("error",), error=string(), error_description=string(), message=ANY_OBJECT))
_PROTOCOL: dict[str, Any] = {"error_renderer": oauth_refusal, "error_content": _OAUTH_ERROR}
_CACHED = {"cache": "public, max-age=3600"}
_CREDENTIALS = json_content(obj(("credentials",), credentials=array(obj(("credential",), credential=string()))))
_WAITING = json_content(obj(("transaction_id", "interval"), transaction_id=string(), interval=INTEGER))
_TOKEN_FORM = obj(("grant_type",), grant_type=string(200), **{"pre-authorized_code": string(200)},
                  tx_code=string(20), code=string(200), redirect_uri=string(500), code_verifier=string(128),
                  client_id=string(200), resource=string(500))
_CREDENTIAL_REQUEST = obj((), credential_configuration_id=string(60), credential_identifier=string(60),
                          proofs=obj(jwt=array(string(4000), maxItems=oid4vci.BATCH_SIZE)), proof=ANY_OBJECT)

ROUTES: list[BaseRoute] = [
    Endpoint("/.well-known/openid-credential-issuer", issuer_metadata, summary="OpenID4VCI credential issuer metadata",
             responses={200: json_content(obj(("credential_issuer", "credential_endpoint",
                                               "credential_configurations_supported"), credential_issuer=string(),
                                              credential_endpoint=string(), nonce_endpoint=string(),
                                              credential_configurations_supported=ANY_OBJECT))}, **_CACHED),
    Endpoint("/.well-known/oauth-authorization-server", authorization_server,
             summary="OAuth authorization server metadata of the credential issuer",
             responses={200: json_content(obj(("issuer", "token_endpoint"), issuer=string(), token_endpoint=string(),
                                              grant_types_supported=array(string())))}, **_CACHED),
    Endpoint(oid4vci.PATHS["token"], token, methods=("POST",),
             summary="OpenID4VCI token (pre-authorized code with transaction code, or authorization code with PKCE)",
             form=_TOKEN_FORM, responses={200: json_content(obj(("access_token", "token_type"),
                                                                  access_token=string(), token_type=string(),
                                                                  expires_in=INTEGER,
                                                                  authorization_details=array(ANY_OBJECT)))},
             errors=(400,), max_body=4096, **_PROTOCOL),
    Endpoint(oid4vci.PATHS["nonce"], nonce, methods=("POST",), summary="OpenID4VCI nonce for key proofs",
             responses={200: json_content(obj(("c_nonce",), c_nonce=string()))}, **_PROTOCOL),
    Endpoint(oid4vci.PATHS["credential"], credential, methods=("POST",),
             summary="OpenID4VCI credential (Bearer access token, jwt key proofs, batch)", body=_CREDENTIAL_REQUEST,
             responses={200: _CREDENTIALS, 202: _WAITING}, errors=(400, 401), max_body=32 * 1024, **_PROTOCOL),
    Endpoint(oid4vci.PATHS["deferred"], deferred, methods=("POST",),
             summary="OpenID4VCI deferred credential (Bearer access token, transaction_id; 202 while an official "
                     "has not approved)", body=obj(("transaction_id",), transaction_id=string(100)),
             responses={200: _CREDENTIALS, 202: _WAITING}, errors=(400, 401), **_PROTOCOL),
    Endpoint("/api/identity/oid4vci/approvals", approvals, auth="cookie",
             summary="Credential requests of the ward's citizens waiting for an official's approval (ward official)",
             responses={200: json_content(obj(("waiting",), waiting=array(ANY_OBJECT)))}, errors=(403,)),
    Endpoint("/api/identity/oid4vci/approvals/{deferred_id:int}", decide, methods=("POST",), auth="cookie",
             summary="Approve or refuse (with a note the citizen reads) a waiting credential request (ward official)",
             body=obj(("approve",), approve={"type": "boolean"}, note=string(500)),
             responses={200: json_content(obj(("status",), status=string()))}, errors=(400, 403, 404)),
    Endpoint("/api/identity/oid4vci/offers", make_offer, methods=("POST",), auth="cookie",
             summary="Offer my credentials to a wallet (OpenID4VCI pre-authorized code with a transaction code)",
             body=obj(("kinds",), kinds=array(string(20), maxItems=4)),
             responses={200: json_content(obj(("offer", "tx_code", "expires_at"), offer=string(), tx_code=string(),
                                              expires_at=string(), kinds=array(string())))}, errors=(400,)),
    *AUTHORIZE_ROUTES,
]
