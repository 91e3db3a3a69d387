"""HTTP routes of OpenID4VP 1.0 (rules in ``oid4vp.py``): the signed request object a wallet fetches by reference,
the ``direct_post`` / ``direct_post.jwt`` response endpoint and the city verifier's public keys. Public (no cookie):
the wallet that answers may be on another device. The console and the holder's page use the service through their
states; the holder's page delivers an answer to an unknown verifier, or an encrypted one, through ``answer``
(cookie, same origin; ``oid4vp_holder.py``)."""

from __future__ import annotations

from typing import Any

from starlette.responses import Response
from starlette.routing import BaseRoute

from citizen_app.core.db import session_scope
from citizen_app.core.http import ANY_OBJECT, BOOLEAN, Call, Endpoint, array, json_content, media, obj, string
from citizen_app.core.outbound_pool import run_outbound
from citizen_app.i18n.catalog import LANGS, translate
from citizen_app.wallet import oid4vp, oid4vp_holder
from citizen_app.wallet.oid4vci_api import oauth_refusal

_OAUTH_ERROR = json_content(obj(("error",), error=string(), error_description=string(), message=ANY_OBJECT))


async def request_object(call: Call) -> Response:
    with session_scope() as db:
        token = oid4vp.request_object(db, call.path("request_id"))
    return Response(token, media_type="application/oauth-authz-req+jwt")


def _receive(request_id: str, body: dict[str, Any]) -> None:
    with session_scope() as db:
        oid4vp.receive_response(db, request_id, str(body.get("vp_token") or ""), str(body.get("state") or ""),
                                str(body.get("response") or ""))


async def response(call: Call) -> dict[str, Any]:
    """POST (form) vp_token=<JSON {query id: [presentation]}>, state; or response=<JWE> (direct_post.jwt).
    In a worker thread: a listed issuer's keys may be fetched from its server (trusted_issuers)."""
    await run_outbound(_receive, call.path("request_id"), call.body)
    return {}


def _answer(user_id: int, link: str, presentation: str) -> None:
    with session_scope() as db:
        oid4vp_holder.answer(db, user_id, link, presentation)


async def answer(call: Call) -> dict[str, Any]:
    """The signed-in holder's consented answer {request: openid4vp:// link, presentation} delivered by the server.
    In a worker thread: it may resolve and post to another verifier (up to its timeout), never on the event loop."""
    await run_outbound(_answer, int(call.user_id or 0), str(call.body.get("request") or ""),
                            str(call.body.get("presentation") or ""))
    return {"ok": True}


async def make_request(call: Call) -> dict[str, Any]:
    """A relying party's staff (roles from the registry) asks for one registered question, as on the console."""
    body = call.body
    with session_scope() as db:
        made = oid4vp.create_request(db, call.user_id, str(body.get("client_id") or ""), str(body.get("query") or ""),
                                     encrypted=bool(body.get("encrypted")))
    return {"id": made.id, "link": made.link, "expires_at": made.expires_at.isoformat()}


async def outcome(call: Call) -> dict[str, Any]:
    with session_scope() as db:
        seen = oid4vp.request_outcome(db, call.user_id, call.path("request_id"))
    return {"state": seen.state, "claims": seen.claims, "error": seen.error,
            **({"message": {lang: translate(seen.error, lang) for lang in LANGS}} if seen.error else {})}


async def verifier_jwks(_: Call) -> dict[str, Any]:
    return oid4vp.verifier_jwks()


ROUTES: list[BaseRoute] = [
    Endpoint(oid4vp.PATHS["request"] + "{request_id:str}", request_object,
             summary="OpenID4VP signed request object (fetched by reference from request_uri)",
             responses={200: media("application/oauth-authz-req+jwt")}, errors=(404,),
             error_renderer=oauth_refusal, error_content=_OAUTH_ERROR),
    Endpoint(oid4vp.PATHS["response"] + "{request_id:str}", response, methods=("POST",),
             summary="OpenID4VP direct_post response (vp_token, state)",
             form=obj(vp_token=string(16000), state=string(64), response=string(24000)),
             responses={200: json_content(obj())}, errors=(400, 404), max_body=32 * 1024,
             error_renderer=oauth_refusal, error_content=_OAUTH_ERROR),
    Endpoint("/api/identity/oid4vp/requests", make_request, methods=("POST",), auth="cookie",
             summary="Make an OpenID4VP request for a registered relying party (the console's action)",
             body=obj(("client_id", "query"), client_id=string(60), query=string(30), encrypted=BOOLEAN),
             responses={200: json_content(obj(("id", "link", "expires_at"), id=string(), link=string(),
                                              expires_at=string()))}, errors=(400, 422)),
    Endpoint("/api/identity/oid4vp/requests/{request_id:str}", outcome, auth="cookie",
             summary="The outcome of my OpenID4VP request: waiting, verified (claims asked), refused or expired",
             responses={200: json_content(obj(("state", "claims"), state=string(), claims=ANY_OBJECT, error=string(),
                                              message=ANY_OBJECT))}, errors=(404,)),
    Endpoint("/api/identity/oid4vp/answer", answer, methods=("POST",), auth="cookie",
             summary="Deliver my consented OpenID4VP answer (unknown verifier or encrypted response)",
             body=obj(("request", "presentation"), request=string(oid4vp_holder.MAX_PARAM * 2),
                      presentation=string(12000)),
             responses={200: json_content(obj(("ok",), ok=BOOLEAN))}, errors=(400, 403, 404, 422),
             max_body=32 * 1024),
    Endpoint("/api/identity/oid4vp/verifier-jwks", verifier_jwks,
             summary="Public keys of the city's verifier (signs the relying parties' request objects)",
             responses={200: json_content(obj(("keys",), keys=array(ANY_OBJECT)))}, cache="public, max-age=3600"),
]
