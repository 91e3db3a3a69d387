"""The citizen's wallet as an OpenID4VP 1.0 holder (docs/WALLET.md, "Holder"): it reads a request of this city's
verifier (``oid4vp.read_request_link``) or of a verifier outside the city's registry, and delivers the answer the
browser made with the holder key. No Reflex import.

A verifier outside the registry is shown as unknown: only requests passed by value with the ``redirect_uri:``
client identifier prefix (unsigned by definition; the client id is the ``response_uri``) are read, so the app
never fetches a request from an address a link names. The answer to such a verifier, and any encrypted answer
(``direct_post.jwt``), goes through the server: the page's Content-Security-Policy lets the browser post to this
site only, and the JWE is made here (joserfc). The server posts only over HTTPS, to public addresses, without
following redirects (``outbound.py``); the citizen's answer is checked first (our strict verifier: their own valid,
unrevoked credential, with the verifier's audience and nonce, disclosing no more than asked).
"""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import parse_qs, urlsplit

from joserfc import jwe
from joserfc.jwk import ECKey
from sqlmodel import Session

from citizen_app.core.errors import DomainError, NotAllowed
from citizen_app.core.timeutil import utcnow
from citizen_app.i18n.catalog import catalog
from citizen_app.identity.crypto import b64u
from citizen_app.wallet import credentials as cr
from citizen_app.wallet import oid4vp, outbound, trusted_issuers
from citizen_app.wallet.issuer import issuer_id

REDIRECT_PREFIX = "redirect_uri:"
MAX_PARAM = 4000




def read_request(db: Session, link: str) -> oid4vp.HolderView:
    """A request of this city's verifier (signed, registry) or, passed by value, of an unknown verifier."""
    parts = urlsplit((link or "").strip())
    params = {k: v[0] for k, v in parse_qs(parts.query).items()}
    if f"{parts.scheme}://" != oid4vp.SCHEME:
        raise DomainError("identity.oid4vp.bad_request")
    if "request_uri" in params:
        return oid4vp.read_request_link(db, link)
    return _read_by_value(params)


def _json_param(params: dict[str, str], name: str) -> Any:
    try:
        return json.loads(params.get(name) or "null")
    except ValueError as exc:
        raise DomainError("identity.oid4vp.bad_request") from exc


def _single_query(dcql: Any) -> tuple[str, str, list[str]]:
    """(query id, credential kind, claim names) of a DCQL query for one of our SD-JWT VC types; else refused."""
    creds = dcql.get("credentials") if isinstance(dcql, dict) else None
    if not isinstance(creds, list) or len(creds) != 1 or not isinstance(creds[0], dict):
        raise DomainError("identity.oid4vp.unsupported_query")
    query = creds[0]
    vcts = (query.get("meta") or {}).get("vct_values") if isinstance(query.get("meta"), dict) else None
    kinds = [cr.VCT_TO_KIND[v] for v in vcts or [] if isinstance(v, str) and v in cr.VCT_TO_KIND]
    paths = [c.get("path") for c in query.get("claims") or [] if isinstance(c, dict)]
    if query.get("format") != cr.SD_JWT_TYP or not kinds or not paths or not isinstance(query.get("id"), str) \
            or any(not isinstance(p, list) or len(p) != 1 or not isinstance(p[0], str) for p in paths):
        raise DomainError("identity.oid4vp.unsupported_query")
    kind, names = kinds[0], [p[0] for p in paths]
    known = {*cr.TYPES[kind].sd_claims, *cr.TYPES[kind].plain_claims}
    if set(names) - known:
        raise DomainError("identity.oid4vp.unsupported_query")
    return query["id"], kind, names


def _read_by_value(params: dict[str, str]) -> oid4vp.HolderView:
    client_id, response_uri = params.get("client_id", ""), params.get("response_uri", "")
    mode = params.get("response_mode", "")
    target = urlsplit(response_uri)
    if not client_id.startswith(REDIRECT_PREFIX) or client_id[len(REDIRECT_PREFIX):] != response_uri \
            or target.scheme != "https" or not target.hostname or "@" in target.netloc:  # no "city.gov@evil" hosts
        raise DomainError("identity.oid4vp.foreign_request")
    nonce, state = params.get("nonce", ""), params.get("state", "")
    if params.get("response_type") != "vp_token" or mode not in (oid4vp.PLAIN, oid4vp.ENCRYPTED) \
            or not 8 <= len(nonce) <= 200 or len(state) > 200 or any(len(v) > MAX_PARAM for v in params.values()):
        raise DomainError("identity.oid4vp.bad_request")
    query_id, kind, names = _single_query(_json_param(params, "dcql_query"))
    labels = catalog()
    host = target.netloc
    name = {lang: f"{text} ({host})" for lang, text in labels["identity.oid4vp.unknown_verifier"].items()}
    return oid4vp.HolderView(False, client_id, name, dict(labels["identity.oid4vp.unknown_purpose"]), kind, names,
                             query_id, nonce, state, response_uri, mode,
                             oid4vp.encryption_for(mode, _json_param(params, "client_metadata")), host)


# --- the answer ----------------------------------------------------------------------------------------------


def _check_answer(db: Session, user_id: int, view: oid4vp.HolderView, presentation: str) -> cr.VerifiedPresentation:
    """The wallet refuses to send what the verifier would refuse, or what is not this citizen's to send."""
    try:
        result = trusted_issuers.strict_verify(db, presentation, view.client_id, view.nonce, utcnow(),
                                               cr.MemoryReplayCache(), [cr.TYPES[view.kind].vct])
    except cr.VerificationError as exc:
        raise DomainError(exc.code) from exc
    holder = cr.holder_of(db, result)
    if holder is None or holder[0] != user_id:
        raise NotAllowed("identity.oid4vp.not_yours")
    if set(result.disclosed) - set(view.claims):
        raise DomainError("identity.oid4vp.too_much")
    return result


def response_form(view: oid4vp.HolderView, presentation: str) -> dict[str, str]:
    """The ``direct_post`` form, or for ``direct_post.jwt`` the ``response`` JWE to the verifier's key (ECDH-ES,
    ``apv`` = the request nonce as OpenID4VP 1.0 §8.3 has wallets do)."""
    vp_token = {view.query_id: [presentation]}
    if view.encryption is None:
        return {"vp_token": json.dumps(vp_token), **({"state": view.state} if view.state else {})}
    payload = {"vp_token": vp_token, **({"state": view.state} if view.state else {})}
    header = {"alg": oid4vp.ENC_ALG, "enc": view.encryption["enc"],
              "apv": b64u(view.nonce.encode()),
              **({"kid": view.encryption["jwk"]["kid"]} if "kid" in view.encryption["jwk"] else {})}
    key = ECKey.import_key({k: v for k, v in view.encryption["jwk"].items() if k != "kid"})
    token = jwe.encrypt_compact(header, json.dumps(payload).encode(), key,
                                algorithms=[oid4vp.ENC_ALG, *oid4vp.ENC_VALUES])
    return {"response": token}


def post_answer(response_uri: str, form: dict[str, str]) -> None:
    if urlsplit(response_uri).scheme != "https":
        raise DomainError("identity.oid4vp.foreign_request")
    res = outbound.call("POST", response_uri, "identity.oid4vp", data=form)
    if res.status != 200:
        raise DomainError("identity.oid4vp.refused")


def answer(db: Session, user_id: int, link: str, presentation: str) -> oid4vp.HolderView:
    """Deliver the citizen's consented answer: checked, encrypted when asked, then handed to this city's verifier
    in-process or posted to the unknown verifier's ``response_uri``; logged in the citizen's activity."""
    view = read_request(db, link)
    result = _check_answer(db, user_id, view, presentation)
    form = response_form(view, presentation)
    ours = issuer_id() + oid4vp.PATHS["response"]
    if view.response_uri.startswith(ours):  # the city's verifier logs the presentation itself
        oid4vp.receive_response(db, view.response_uri[len(ours):], form.get("vp_token", ""),
                                form.get("state", ""), form.get("response", ""))
        return view
    post_answer(view.response_uri, form)
    cr.record_presentation(db, result, view.host, view.claims)
    return view
