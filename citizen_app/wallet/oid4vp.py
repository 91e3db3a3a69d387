"""OpenID for Verifiable Presentations 1.0 (docs/WALLET.md): registered relying parties (data), their requests with a
DCQL query, the signed request object fetched by reference, the ``direct_post`` response checked by
``credentials.strict_verify``, and the holder's view of a request. No Reflex import.

Relying parties are pre-registered clients (``data/wallet/relying_parties.json``): the city's verifier key signs
their request objects, and a wallet that trusts the city's verifier key (ours does) shows their registered name and
purpose. Anything else is an unknown verifier.
"""

from __future__ import annotations

import json
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import lru_cache
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, quote, urlsplit

from joserfc import jwe
from joserfc.errors import JoseError as JweError
from joserfc.jwk import ECKey
from pydantic import Field
from sqlmodel import Session

from citizen_app.core.catalog import CatalogModel, Translated, load_file
from citizen_app.core.errors import DomainError, NotFound, RecordedRefusal
from citizen_app.core.timeutil import utcnow
from citizen_app.i18n.catalog import catalog
from citizen_app.identity.crypto import (
    ES256,
    JoseError,
    b64u,
    epoch,
    jws_encode,
    jws_verify,
    load_or_create_p256,
    public_jwk,
    seal,
    unseal,
)
from citizen_app.identity.service import roles_of
from citizen_app.wallet import credentials as cr
from citizen_app.wallet import trusted_issuers
from citizen_app.wallet.issuer import issuer_id
from citizen_app.wallet.models import VpRequest

ROOT = Path(__file__).resolve().parents[2]
REGISTRY_FILE = ROOT / "data" / "wallet" / "relying_parties.json"
LOGO_DIR, LOGO_PATH = ROOT / "assets" / "wallet" / "logos", "/wallet/logos/"  # served by the app, never fetched
VERIFIER_KEY_FILE = "wallet_verifier_es256.pem"
REQUEST_TYP = "oauth-authz-req+jwt"
SCHEME = "openid4vp://"
REQUEST_TTL = timedelta(minutes=5)
PATHS = {"request": "/api/identity/oid4vp/request/", "response": "/api/identity/oid4vp/response/"}
PLAIN, ENCRYPTED = "direct_post", "direct_post.jwt"
# OpenID4VP 1.0 §8.3: ECDH-ES key agreement to the request's key in client_metadata.jwks, AES-GCM content encryption
ENC_ALG, ENC_VALUES = "ECDH-ES", ("A128GCM", "A256GCM")


class Query(CatalogModel):
    id: str = Field(pattern=r"^[a-z0-9_]{1,30}$")
    kind: str
    claims: list[str] = Field(min_length=1)


class RelyingParty(CatalogModel):
    client_id: str = Field(pattern=r"^[a-z0-9-]{3,60}$")
    name: Translated
    purpose: Translated
    roles: list[str]
    queries: list[Query] = Field(min_length=1)
    logo: str | None = Field(default=None, pattern=r"^[a-z0-9-]{1,60}\.(svg|png)$")  # a file in assets/wallet/logos

    @property
    def logo_url(self) -> str:
        return LOGO_PATH + self.logo if self.logo else ""


class Registry(CatalogModel):
    relying_parties: list[RelyingParty]


@lru_cache(maxsize=1)
def relying_parties() -> dict[str, RelyingParty]:
    parties = {rp.client_id: rp for rp in load_file(REGISTRY_FILE, Registry).relying_parties}
    for rp in parties.values():
        if rp.logo and not (LOGO_DIR / rp.logo).is_file():
            raise ValueError(f"{REGISTRY_FILE.name}: {rp.client_id} names a logo that is not in {LOGO_DIR}")
        for query in rp.queries:
            kind = cr.TYPES.get(query.kind)
            if kind is None or set(query.claims) - {*kind.sd_claims, *kind.plain_claims}:
                raise ValueError(f"{REGISTRY_FILE.name}: {rp.client_id}.{query.id} asks for unknown claims")
    return parties


def verifier_key():
    return load_or_create_p256(VERIFIER_KEY_FILE)


def verifier_jwks() -> dict[str, Any]:
    return {"keys": [{**public_jwk(verifier_key()), "use": "sig", "alg": ES256, "kid": "cds-verifier"}]}


def dcql(query: Query) -> dict[str, Any]:
    return {"credentials": [{"id": query.id, "format": cr.SD_JWT_TYP,
                             "meta": {"vct_values": [cr.TYPES[query.kind].vct]},
                             "claims": [{"path": [name]} for name in query.claims]}]}


# --- the verifier console ------------------------------------------------------------------------------------


def consoles_for(db: Session, actor_id: int | None) -> list[RelyingParty]:
    roles = roles_of(db, actor_id) if actor_id is not None else set()
    return [rp for rp in relying_parties().values() if roles & set(rp.roles)]


@dataclass(frozen=True)
class NewRequest:
    id: str
    link: str  # openid4vp://?client_id=…&request_uri=… (QR for another device, link for this one)
    expires_at: datetime


def create_request(db: Session, actor_id: int | None, client_id: str, query_id: str,
                   now: datetime | None = None, *, encrypted: bool = False) -> NewRequest:
    """A request for one registered question; ``encrypted`` asks for ``direct_post.jwt`` with a fresh P-256 key
    (kept sealed with the request, used for this answer only)."""
    rp = relying_parties().get(client_id)
    if rp is None or rp not in consoles_for(db, actor_id):
        raise DomainError("identity.oid4vp.not_registered")
    query = next((q for q in rp.queries if q.id == query_id), None)
    if query is None:
        raise DomainError("identity.oid4vp.unknown_query")
    now = now or utcnow()
    row = VpRequest(id=b64u(secrets.token_bytes(18)), client_id=client_id, nonce=b64u(secrets.token_bytes(16)),
                    state=b64u(secrets.token_bytes(16)), dcql=json.dumps(dcql(query)), created_by=actor_id,
                    created_at=now, expires_at=now + REQUEST_TTL, response_mode=ENCRYPTED if encrypted else PLAIN)
    if encrypted:
        row.enc_key = seal(json.dumps(ECKey.generate_key("P-256").as_dict(private=True)).encode(), _seal_context(row))
    db.add(row)
    db.flush()
    request_uri = issuer_id() + PATHS["request"] + row.id
    link = f"{SCHEME}?client_id={quote(client_id, safe='')}&request_uri={quote(request_uri, safe='')}"
    return NewRequest(row.id, link, row.expires_at)


def _seal_context(row: VpRequest) -> str:
    return f"vp-enc:{row.id}"


def _enc_key(row: VpRequest) -> ECKey:
    return ECKey.import_key(json.loads(unseal(row.enc_key or "", _seal_context(row))))


def client_metadata(row: VpRequest) -> dict[str, Any]:
    meta: dict[str, Any] = {"vp_formats_supported": {cr.SD_JWT_TYP: {
        "sd-jwt_alg_values": [ES256], "kb-jwt_alg_values": [ES256]}}}
    if row.response_mode == ENCRYPTED:
        public = _enc_key(row).as_dict(private=False)
        meta["jwks"] = {"keys": [{**public, "use": "enc", "alg": ENC_ALG, "kid": f"enc-{row.id[:8]}"}]}
        meta["encrypted_response_enc_values_supported"] = list(ENC_VALUES)
    return meta


def _live(db: Session, request_id: str, now: datetime) -> VpRequest:
    row = db.get(VpRequest, request_id or "")
    if row is None or row.expires_at <= now or row.answered_at is not None:
        raise NotFound("identity.oid4vp.request_gone")
    return row


def request_object(db: Session, request_id: str, now: datetime | None = None) -> str:
    """The signed request object (JAR, ``typ: oauth-authz-req+jwt``) a wallet fetches from ``request_uri``."""
    now = now or utcnow()
    row = _live(db, request_id, now)
    row.fetched_at = row.fetched_at or now
    payload = {"iss": row.client_id, "aud": "https://self-issued.me/v2", "client_id": row.client_id,
               "response_type": "vp_token", "response_mode": row.response_mode,
               "response_uri": issuer_id() + PATHS["response"] + row.id, "nonce": row.nonce, "state": row.state,
               "dcql_query": json.loads(row.dcql), "iat": epoch(now), "exp": epoch(row.expires_at),
               "client_metadata": client_metadata(row)}
    return jws_encode({"alg": ES256, "typ": REQUEST_TYP, "kid": "cds-verifier"}, payload, verifier_key())


class ResponseRefused(RecordedRefusal):
    """The wallet's answer was refused; the request is spent and the reason kept for the console."""

    http_status = 400


def _refuse(row: VpRequest, code: str) -> ResponseRefused:
    row.answered_at, row.error = utcnow(), code
    return ResponseRefused(code)


def _decrypt(row: VpRequest, response: str) -> tuple[Any, str]:
    """``direct_post.jwt``: the JWE (ECDH-ES to this request's key, AES-GCM) holds ``vp_token`` and ``state``."""
    try:
        plain = jwe.decrypt_compact(response, _enc_key(row), algorithms=[ENC_ALG, *ENC_VALUES])
        payload = json.loads(plain.plaintext or b"")
    except (JweError, ValueError) as exc:
        raise DomainError("identity.oid4vp.undecryptable") from exc
    if not isinstance(payload, dict):
        raise DomainError("identity.oid4vp.undecryptable")
    return payload.get("vp_token"), str(payload.get("state") or "")


def _presentations(vp_token: Any, query_id: str) -> Any:
    """The list of presentations for ``query_id`` of a DCQL ``vp_token`` (form-encoded JSON, or an object inside a
    JWE); None when malformed."""
    try:
        answers = json.loads(vp_token) if isinstance(vp_token, str) else vp_token
        return answers[query_id] if isinstance(answers, dict) else None
    except (ValueError, KeyError):
        return None


def receive_response(db: Session, request_id: str, vp_token: str, state: str, response: str = "") -> dict[str, Any]:
    """``direct_post`` (or ``direct_post.jwt``: ``response`` is a JWE decrypted first): verify the presentation for
    the request's single DCQL credential query through ``strict_verify`` (audience = client_id, the request's nonce,
    key binding, status, our trusted issuers) and keep only the claims asked for. The request is spent by any
    answer that reaches the check; an answer of the wrong form, with a wrong state or undecryptable is refused
    without spending it (knowing the link must not let anyone burn the request)."""
    now = utcnow()
    row = _live(db, request_id, now)
    if row.response_mode == ENCRYPTED:
        if not response or vp_token:
            raise DomainError("identity.oid4vp.encryption_required")
        token, state = _decrypt(row, response)
    else:
        token = vp_token
    if not secrets.compare_digest(state or "", row.state):
        raise DomainError("identity.oid4vp.wrong_state")
    query = json.loads(row.dcql)["credentials"][0]
    presentations = _presentations(token, query["id"])
    if not isinstance(presentations, list) or len(presentations) != 1 or not isinstance(presentations[0], str):
        raise _refuse(row, "identity.verify.malformed")
    try:
        result = trusted_issuers.strict_verify(db, presentations[0], row.client_id, row.nonce, now,
                                               cr.DbReplayCache(db), query["meta"]["vct_values"])
    except cr.VerificationError as exc:
        raise _refuse(row, exc.code) from exc
    wanted = [claim["path"][0] for claim in query["claims"]]
    if any(name not in result.claims for name in wanted):
        raise _refuse(row, "identity.oid4vp.claims_missing")
    claims = {name: result.claims[name] for name in wanted}
    row.answered_at, row.result = now, json.dumps(claims)
    cr.record_presentation(db, result, row.client_id, wanted)
    return claims


@dataclass(frozen=True)
class Outcome:
    state: str  # "waiting", "verified", "refused", "expired"
    claims: dict[str, Any]
    error: str = ""


def request_outcome(db: Session, actor_id: int | None, request_id: str) -> Outcome:
    """What the console shows: only the person who made the request sees its answer."""
    row = db.get(VpRequest, request_id or "")
    if row is None or row.created_by is None or row.created_by != actor_id:
        raise NotFound()
    if row.result is not None:
        return Outcome("verified", json.loads(row.result))
    if row.error:
        return Outcome("refused", {}, row.error)
    return Outcome("expired" if row.expires_at <= utcnow() else "waiting", {})


# --- the holder's side ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class HolderView:
    """A request as the citizen's wallet shows it, and what the browser needs to answer it."""

    known: bool
    client_id: str
    name: dict[str, str]
    purpose: dict[str, str]
    kind: str
    claims: list[str]
    query_id: str
    nonce: str
    state: str
    response_uri: str
    response_mode: str = PLAIN
    encryption: dict[str, Any] | None = None  # {"jwk": the verifier's key, "enc": content encryption} for .jwt
    host: str = ""  # where an unknown verifier receives the answer, shown to the citizen
    logo: str = ""  # a registered party's logo (the app's own file); unknown verifiers have none


def encryption_for(mode: str, metadata: Any) -> dict[str, Any] | None:
    """For ``direct_post.jwt``: the verifier's P-256 key from ``client_metadata.jwks`` and the first content
    encryption it supports that we do (A128GCM when it says none, as OpenID4VP 1.0 §8.3 defaults)."""
    if mode == PLAIN:
        return None
    meta = metadata if isinstance(metadata, dict) else {}
    keys = (meta.get("jwks") or {}).get("keys") if isinstance(meta.get("jwks"), dict) else None
    key = next((k for k in keys or [] if isinstance(k, dict) and k.get("kty") == "EC" and k.get("crv") == "P-256"
                and k.get("use", "enc") == "enc" and k.get("alg", ENC_ALG) == ENC_ALG), None)
    offered = meta.get("encrypted_response_enc_values_supported") or ["A128GCM"]
    enc = next((e for e in offered if e in ENC_VALUES), None) if isinstance(offered, list) else None
    if key is None or enc is None:
        raise DomainError("identity.oid4vp.bad_request")
    return {"jwk": {k: key[k] for k in ("kty", "crv", "x", "y", "kid") if k in key}, "enc": enc}


def read_request_link(db: Session, link: str) -> HolderView:
    """Resolve an ``openid4vp://`` link. Our wallet fetches request objects from this city's verifier only (the
    browser may post nowhere else); the signature is checked with the city's verifier key and the client looked up
    in the registry, so a forged or unregistered request is refused or marked unknown."""
    parts = urlsplit((link or "").strip())
    params = {k: v[0] for k, v in parse_qs(parts.query).items()}
    request_uri = params.get("request_uri", "")
    prefix = issuer_id() + PATHS["request"]
    if f"{parts.scheme}://" != SCHEME or not request_uri.startswith(prefix):
        raise DomainError("identity.oid4vp.foreign_request")
    try:
        _, payload = jws_verify(request_object(db, request_uri[len(prefix):]), verifier_key().public_key(), REQUEST_TYP)
    except JoseError as exc:
        raise DomainError("identity.oid4vp.bad_request") from exc
    if payload.get("client_id") != params.get("client_id"):
        raise DomainError("identity.oid4vp.bad_request")
    query = payload["dcql_query"]["credentials"][0]
    rp = relying_parties().get(payload["client_id"])
    unknown = dict(catalog()["identity.oid4vp.unknown_verifier"])
    mode = payload.get("response_mode", PLAIN)
    return HolderView(rp is not None, payload["client_id"], rp.name.model_dump() if rp else unknown,
                      rp.purpose.model_dump() if rp else {"vi": "", "en": ""},
                      cr.VCT_TO_KIND.get(query["meta"]["vct_values"][0], ""),
                      [c["path"][0] for c in query["claims"]], query["id"], payload["nonce"], payload["state"],
                      payload["response_uri"], mode, encryption_for(mode, payload.get("client_metadata")),
                      logo=rp.logo_url if rp else "")
