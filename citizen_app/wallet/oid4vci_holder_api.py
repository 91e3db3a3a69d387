"""HTTP routes of the wallet taking another trusted issuer's credential offer (rules in ``oid4vci_holder.py``):
the signed-in citizen's browser reads an offer (who offers what, whether a transaction code is needed, nonces for
its key proofs) and accepts it (transaction code, proofs signed with the holder key), then keeps the credential.
Cookie, same origin; in a worker thread, as they call the issuer over the network."""

from __future__ import annotations

from typing import Any

from starlette.routing import BaseRoute

from citizen_app.core.db import session_scope
from citizen_app.core.http import ANY_OBJECT, BOOLEAN, Call, Endpoint, array, json_content, obj, string
from citizen_app.core.outbound_pool import run_outbound
from citizen_app.wallet import credentials as cr
from citizen_app.wallet import oid4vci_holder

_OFFER = string(oid4vci_holder.MAX_OFFER)


async def read(call: Call) -> dict[str, Any]:
    view = await run_outbound(oid4vci_holder.read_offer, str(call.body.get("offer") or ""))
    return {"issuer": view.issuer, "issuer_name": view.issuer_name, "credentials": view.credentials,
            "tx_code": view.tx_code, "nonces": view.nonces}


def _accept(user_id: int, body: dict[str, Any]) -> dict[str, Any]:
    proofs = body.get("proofs") if isinstance(body.get("proofs"), dict) else None
    with session_scope() as db:
        received = oid4vci_holder.accept(db, user_id, str(body.get("offer") or ""), str(body.get("tx_code") or ""),
                                         {str(k): str(v) for k, v in (proofs or {}).items()},
                                         "server" if body.get("key_mode") == "server" else "browser")
        return {"ok": True, "credentials": [
            {"id": f"ext-{r.record.id}", "issuer": r.record.issuer, "configuration_id": r.record.configuration_id,
             "vct": r.record.vct, "kind": cr.VCT_TO_KIND.get(r.record.vct, ""), "name": r.name,
             "key_mode": r.record.key_mode,
             "expires_at": r.record.expires_at.isoformat(), "credential": r.credential} for r in received]}


async def accept(call: Call) -> dict[str, Any]:
    return await run_outbound(_accept, int(call.user_id or 0), call.body)


ROUTES: list[BaseRoute] = [
    Endpoint("/api/identity/offers/read", read, methods=("POST",), auth="cookie",
             summary="Read another trusted issuer's OpenID4VCI credential offer (who offers what, in words)",
             body=obj(("offer",), offer=_OFFER),
             responses={200: json_content(obj(("issuer", "issuer_name", "credentials", "nonces"), issuer=string(),
                                              issuer_name=ANY_OBJECT, credentials=array(ANY_OBJECT),
                                              tx_code=ANY_OBJECT, nonces=ANY_OBJECT))},
             errors=(400, 422)),
    Endpoint("/api/identity/offers/accept", accept, methods=("POST",), auth="cookie",
             summary="Accept a trusted issuer's credential offer: obtain, check and keep its credentials",
             body=obj(("offer",), offer=_OFFER, tx_code=string(64), proofs=ANY_OBJECT,
                      key_mode=string(enum=["browser", "server"])),
             responses={200: json_content(obj(("ok", "credentials"), ok=BOOLEAN, credentials=array(ANY_OBJECT)))},
             errors=(400, 403, 422), max_body=32 * 1024),
]
