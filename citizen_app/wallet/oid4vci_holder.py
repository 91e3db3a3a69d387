"""The citizen's wallet as an OpenID4VCI 1.0 wallet for other issuers the city trusts (docs/WALLET.md, "Holder"):
it reads an ``openid-credential-offer://`` offer, names who offers what in words, and runs the pre-authorized code
flow against that issuer (metadata, token with the transaction code, nonce, credential with a key proof signed by
the holder's key), then checks what it received against the trust list before the wallet keeps it. No Reflex
import.

Only issuers on the trust list (``trusted_issuers.py``) are contacted; every call goes to a public HTTPS address
with a timeout and a size limit (``outbound.py``). The browser signs the key proofs with the holder key it keeps
(the server never sees that key) and stores the credential; the server keeps who holds which credential from
whom (``HeldCredential``) and writes the activity log. The city's own offers go the same way, over HTTPS.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from urllib.parse import parse_qs, urlsplit

from sqlmodel import Session

from citizen_app.core.errors import DomainError
from citizen_app.core.timeutil import utcnow
from citizen_app.identity.activity import record_activity
from citizen_app.identity.crypto import (
    ES256,
    JoseError,
    epoch,
    jwk_thumbprint,
    jwk_to_public_key,
    jws_encode,
    jws_parse,
    public_jwk,
    verify_es256,
)
from citizen_app.wallet import credentials as cr
from citizen_app.wallet import outbound
from citizen_app.wallet import trusted_issuers as ti
from citizen_app.wallet.models import HeldCredential
from citizen_app.wallet.oid4vci import OFFER_SCHEME, PRE_AUTHORIZED_GRANT, PROOF_TYP

P = ti.PREFIX
MAX_OFFER = 4000
MAX_CONFIGURATIONS = 5
MAX_CREDENTIAL_ANSWER = 64 * 1024


@dataclass(frozen=True)
class Offer:
    issuer: ti.TrustedIssuer
    configurations: list[ti.Configuration]
    code: str
    tx_code: dict[str, Any] | None  # the offer's tx_code object: a code the citizen must type


@dataclass(frozen=True)
class Endpoints:
    token: str
    credential: str
    nonce: str | None


@dataclass(frozen=True)
class OfferView:
    """What the wallet shows before the citizen accepts, and the nonces the browser signs its key proofs over."""

    issuer: str
    issuer_name: dict[str, str]
    credentials: list[dict[str, str]]  # {"id", "vi", "en"}
    tx_code: dict[str, Any] | None  # {"length", "numeric", "description"} or None: no code needed
    nonces: dict[str, str | None]  # configuration id -> c_nonce (aud of the proof: ``issuer``)


@dataclass(frozen=True)
class Received:
    record: HeldCredential
    credential: str
    name: dict[str, str]


def _refused(code: str) -> DomainError:
    return DomainError(f"{P}.{code}")


def _offer_json(link: str) -> dict[str, Any]:
    parts = urlsplit((link or "").strip())
    if f"{parts.scheme}://" != OFFER_SCHEME or len(link) > MAX_OFFER:
        raise _refused("bad_offer")
    params = {k: v[0] for k, v in parse_qs(parts.query).items()}
    if "credential_offer" in params:
        try:
            offer = json.loads(params["credential_offer"])
        except ValueError as exc:
            raise _refused("bad_offer") from exc
    elif "credential_offer_uri" in params:
        offer = _offer_by_reference(params["credential_offer_uri"])
    else:
        raise _refused("bad_offer")
    if not isinstance(offer, dict):
        raise _refused("bad_offer")
    return offer


def _offer_by_reference(uri: str) -> Any:
    """Fetched only from a trusted issuer's own address (a link must not make the server fetch any address)."""
    if not any(uri.startswith(url + "/") for url in ti.trusted_issuers()):
        raise _refused("untrusted_issuer")
    answer = outbound.call("GET", uri, P, max_bytes=MAX_OFFER * 4)
    if answer.status != 200:
        raise _refused("unreachable")
    return answer.json(P)


def parse_offer(link: str) -> Offer:
    """The offer's issuer (on the trust list), the configurations it offers (each accepted from that issuer) and
    its pre-authorized code; otherwise refused in words."""
    offer = _offer_json(link)
    issuer = ti.find(offer.get("credential_issuer"))
    ids = offer.get("credential_configuration_ids")
    if not isinstance(ids, list) or not 1 <= len(ids) <= MAX_CONFIGURATIONS or len(set(map(str, ids))) != len(ids):
        raise _refused("bad_offer")
    configs = [issuer.configurations.get(i) if isinstance(i, str) else None for i in ids]
    if any(c is None for c in configs):
        raise _refused("not_accepted")
    grant = (offer.get("grants") or {}).get(PRE_AUTHORIZED_GRANT) if isinstance(offer.get("grants"), dict) else None
    code = grant.get("pre-authorized_code") if isinstance(grant, dict) else None
    if not isinstance(code, str) or not 0 < len(code) <= 512:
        raise _refused("no_pre_authorized_code")
    tx_code = grant.get("tx_code")
    if tx_code is not None and not isinstance(tx_code, dict):
        raise _refused("bad_offer")
    return Offer(issuer, [c for c in configs if c is not None], code, tx_code)


def _get_json(url: str) -> dict[str, Any]:
    answer = outbound.call("GET", url, P)
    data = answer.json(P) if answer.status == 200 else None
    if not isinstance(data, dict):
        raise _refused("unreachable")
    return data


def _https_url(value: Any) -> str:
    if not isinstance(value, str) or urlsplit(value).scheme != "https":
        raise _refused("bad_answer")
    return value


def endpoints(offer: Offer) -> Endpoints:
    """The issuer's metadata (it must name itself and offer each configuration as the list says) and its
    authorization server's token endpoint."""
    meta = _get_json(ti.well_known(offer.issuer.url, "openid-credential-issuer"))
    if meta.get("credential_issuer") != offer.issuer.url:
        raise _refused("bad_answer")
    supported = meta.get("credential_configurations_supported")
    for config in offer.configurations:
        published = supported.get(config.id) if isinstance(supported, dict) else None
        if not isinstance(published, dict) or published.get("vct") != config.vct \
                or published.get("format") != cr.SD_JWT_TYP:
            raise _refused("not_accepted")
    servers = meta.get("authorization_servers") or [offer.issuer.url]
    server = servers[0] if isinstance(servers, list) and servers else None
    auth = _get_json(ti.well_known(_https_url(server), "oauth-authorization-server"))
    nonce = meta.get("nonce_endpoint")
    return Endpoints(_https_url(auth.get("token_endpoint")), _https_url(meta.get("credential_endpoint")),
                     _https_url(nonce) if nonce is not None else None)


def _c_nonce(where: Endpoints) -> str | None:
    if where.nonce is None:
        return None
    answer = outbound.call("POST", where.nonce, P)
    data = answer.json(P) if answer.status == 200 else None
    nonce = data.get("c_nonce") if isinstance(data, dict) else None
    if not isinstance(nonce, str) or not 0 < len(nonce) <= 512:
        raise _refused("unreachable")
    return nonce


def _tx_words(tx_code: dict[str, Any] | None) -> dict[str, Any] | None:
    if tx_code is None:
        return None
    length = tx_code.get("length") if isinstance(tx_code.get("length"), int) else None
    description = tx_code.get("description") if isinstance(tx_code.get("description"), str) else ""
    return {"length": length, "numeric": tx_code.get("input_mode", "numeric") == "numeric",
            "description": description[:300]}


def read_offer(link: str) -> OfferView:
    """Who offers what, whether a transaction code is needed, and a fresh nonce per credential for the proofs."""
    offer = parse_offer(link)
    where = endpoints(offer)
    return OfferView(offer.issuer.url, offer.issuer.name,
                     [{"id": c.id, **c.name.model_dump()} for c in offer.configurations], _tx_words(offer.tx_code),
                     {c.id: _c_nonce(where) for c in offer.configurations})


# --- accepting ----------------------------------------------------------------------------------------------


def _proof_key(proof: Any, issuer: str) -> dict[str, str]:
    """The holder key a browser's key proof names (checked: our wallet only sends proofs it signed itself)."""
    try:
        header, payload, signing_input, signature = jws_parse(proof if isinstance(proof, str) else "")
        jwk = header.get("jwk")
        valid = verify_es256(jwk_to_public_key(jwk), signing_input, signature)
    except JoseError as exc:
        raise _refused("bad_proof") from exc
    if not valid or header.get("alg") != ES256 or header.get("typ") != PROOF_TYP or payload.get("aud") != issuer:
        raise _refused("bad_proof")
    return {k: jwk[k] for k in ("kty", "crv", "x", "y")}


def server_proof(db: Session, user_id: int, issuer: str, nonce: str | None) -> str:
    """A key proof signed with the server-held fallback key (browsers without WebCrypto)."""
    key = cr.server_holder_key(db, user_id)
    payload = {"aud": issuer, "iat": epoch(utcnow()), **({"nonce": nonce} if nonce else {})}
    return jws_encode({"alg": ES256, "typ": PROOF_TYP, "jwk": public_jwk(key)}, payload, key)


def _json_or_none(answer: outbound.Answer) -> Any:
    try:
        return answer.json(P)
    except DomainError:
        return None


def _token(offer: Offer, where: Endpoints, tx_code: str) -> str:
    if offer.tx_code is not None and not tx_code:
        raise _refused("tx_code_needed")
    form = {"grant_type": PRE_AUTHORIZED_GRANT, "pre-authorized_code": offer.code,
            **({"tx_code": tx_code} if offer.tx_code is not None else {})}
    answer = outbound.call("POST", where.token, P, data=form)
    data = _json_or_none(answer)
    if answer.status != 200 or not isinstance(data, dict):
        error = data.get("error") if isinstance(data, dict) else None
        raise _refused("grant_refused" if error == "invalid_grant" else "refused")
    token = data.get("access_token")
    if not isinstance(token, str) or not token or str(data.get("token_type", "")).lower() != "bearer":
        raise _refused("bad_answer")
    return token


def _credential(where: Endpoints, token: str, config: ti.Configuration, proof: str) -> str:
    body = {"credential_configuration_id": config.id, "proofs": {"jwt": [proof]}}
    answer = outbound.call("POST", where.credential, P, json=body, max_bytes=MAX_CREDENTIAL_ANSWER,
                           headers={"Authorization": f"Bearer {token}"})
    if answer.status == 202:
        raise _refused("deferred")
    data = _json_or_none(answer)
    if answer.status != 200 or not isinstance(data, dict):
        raise _refused("refused")
    issued = data.get("credentials")
    if not isinstance(issued, list) or len(issued) != 1 or not isinstance(issued[0], dict) \
            or not isinstance(issued[0].get("credential"), str):
        raise _refused("bad_answer")
    return issued[0]["credential"]


def accept(db: Session, user_id: int, link: str, tx_code: str, proofs: dict[str, str] | None,
           key_mode: str = "browser") -> list[Received]:
    """Redeem the offer, obtain each credential bound to the holder key, check each against the trust list and
    only then keep them (all or none) and log it. ``proofs``: configuration id -> key proof the browser signed
    over the nonce ``read_offer`` gave; with ``key_mode="server"`` the server-held key signs them."""
    offer = parse_offer(link)
    where = endpoints(offer)
    if key_mode == "server":
        proofs = {c.id: server_proof(db, user_id, offer.issuer.url, _c_nonce(where)) for c in offer.configurations}
    proofs = proofs or {}
    if set(proofs) != {c.id for c in offer.configurations}:
        raise _refused("bad_proof")
    keys = {jwk_thumbprint(_proof_key(p, offer.issuer.url)) for p in proofs.values()}
    if len(keys) != 1:
        raise _refused("bad_proof")
    holder_jwk = _proof_key(next(iter(proofs.values())), offer.issuer.url)
    token = _token(offer, where, (tx_code or "").strip())
    obtained = [(config, _credential(where, token, config, proofs[config.id])) for config in offer.configurations]
    checked = [(config, credential, _verified(db, offer.issuer, config, credential, holder_jwk))
               for config, credential in obtained]
    return [_keep(db, user_id, offer.issuer, config, credential, result, key_mode)
            for config, credential, result in checked]


def _verified(db: Session, issuer: ti.TrustedIssuer, config: ti.Configuration, credential: str,
              holder_jwk: dict[str, str]) -> cr.VerifiedPresentation:
    try:
        return cr.verify_received(credential, ti.TrustedKeys({issuer.url: issuer}), ti.status_fetcher(db),
                                  iss=issuer.url, vct=config.vct, holder_jwk=holder_jwk)
    except cr.VerificationError as exc:
        raise DomainError(exc.code) from exc


def _keep(db: Session, user_id: int, issuer: ti.TrustedIssuer, config: ti.Configuration, credential: str,
          result: cr.VerifiedPresentation, key_mode: str) -> Received:
    record = HeldCredential(user_id=user_id, issuer=issuer.url, configuration_id=config.id, vct=config.vct,
                            holder_thumbprint=jwk_thumbprint(result.holder_jwk),
                            key_mode="server" if key_mode == "server" else "browser",
                            expires_at=datetime.fromtimestamp(result.exp, UTC))
    db.add(record)
    db.flush()
    name = config.name.model_dump()
    record_activity(db, user_id, "credential_issued", "identity.activity.credential_received_from",
                    {"kind": name, "issuer": issuer.name})
    return Received(record, credential, name)
