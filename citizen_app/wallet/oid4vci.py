"""OpenID for Verifiable Credential Issuance 1.0 (docs/WALLET.md): the issuer's metadata, credential offers with a
pre-authorized code and a transaction code, the token, nonce and credential endpoints' rules, and key proofs.

No Reflex import. Offers are made by the signed-in citizen (the wallet page), are one-time, short-lived and
bound to that account; only hashes of the pre-authorized code, the transaction code and the access token are
stored. Every credential, whoever asks (another wallet or the app's own), is made by ``issue_batch``, which
calls ``credentials.issue_credential``: one issuance path.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import quote

from sqlmodel import Session, select

from citizen_app.core.errors import DomainError, RecordedRefusal
from citizen_app.core.keystore import derive_key
from citizen_app.core.timeutil import utcnow
from citizen_app.i18n.catalog import catalog
from citizen_app.identity.crypto import (
    ES256,
    JoseError,
    b64u,
    b64u_decode,
    epoch,
    jwk_thumbprint,
    jwk_to_public_key,
    jws_parse,
    verify_es256,
)
from citizen_app.identity.profile import get_profile
from citizen_app.wallet import credentials as cr
from citizen_app.wallet.issuer import issuer_id
from citizen_app.wallet.models import VciDeferred, VciOffer, VciToken

PRE_AUTHORIZED_GRANT = "urn:ietf:params:oauth:grant-type:pre-authorized_code"
AUTHORIZATION_CODE_GRANT = "authorization_code"
OFFER_SCHEME = "openid-credential-offer://"
PROOF_TYP = "openid4vci-proof+jwt"
OFFERABLE = ("identity", "residence", "age18", "age60")  # profile-based kinds a citizen may send to a wallet
OFFER_TTL = timedelta(minutes=10)
TOKEN_TTL = timedelta(minutes=10)
NONCE_TTL = 300
PROOF_MAX_AGE = 300
MAX_SKEW = 60
BATCH_SIZE = 5  # one-time credentials per request, each bound to its own key (unlinkable presentations)
ISSUER_LOGO = "/icons/icon-192.png"  # the app's own icon, shown by wallets beside the city's name
TX_CODE_LENGTH = 6
MAX_TX_ATTEMPTS = 3
PATHS = {"token": "/api/identity/oid4vci/token", "nonce": "/api/identity/oid4vci/nonce",
         "credential": "/api/identity/oid4vci/credential", "authorize": "/api/identity/oid4vci/authorize",
         "deferred": "/api/identity/oid4vci/deferred"}
# Types an official approves before another wallet gets them (deferred issuance, ``oid4vci_deferred.py``): a
# residence confirmation leaves the city's apps only after the ward has checked the registration is current.
NEEDS_APPROVAL = frozenset({"residence"})
DEFERRED_TTL = timedelta(days=3)
DEFERRED_INTERVAL = 60  # seconds a wallet waits between deferred credential requests
# Claims shown by a wallet for each kind (the plain ones and the selectively disclosable ones).
CLAIM_NAMES = {kind: cr.TYPES[kind].plain_claims + cr.TYPES[kind].sd_claims for kind in OFFERABLE}


class OAuthRefusal(DomainError):
    """A refusal of the token, nonce or credential endpoint; ``oauth`` is the RFC 6749 / OpenID4VCI error code."""

    def __init__(self, code: str, oauth: str, status: int = 400) -> None:
        super().__init__(code)
        self.oauth, self.http_status = oauth, status


class GrantRefused(RecordedRefusal):
    """A wrong transaction code: refused (invalid_grant) and the failed attempt committed with the refusal."""

    http_status = 400
    oauth = "invalid_grant"


def configuration_id(kind: str) -> str:
    return f"cds_{kind}"


def kind_of(config_id: Any) -> str | None:
    if isinstance(config_id, str) and config_id.startswith("cds_") and config_id[4:] in OFFERABLE:
        return config_id[4:]
    return None


def _display(key: str, logo: str | None = None) -> list[dict[str, Any]]:
    texts = catalog()[key]
    return [{"name": texts[lang], "locale": lang, **({"logo": {"uri": logo, "alt_text": texts[lang]}} if logo else {})}
            for lang in ("vi", "en")]


def _configuration(kind: str) -> dict[str, Any]:
    return {
        "format": cr.SD_JWT_TYP, "vct": cr.TYPES[kind].vct, "scope": configuration_id(kind),
        "cryptographic_binding_methods_supported": ["jwk"],
        "credential_signing_alg_values_supported": [ES256],
        "proof_types_supported": {"jwt": {"proof_signing_alg_values_supported": [ES256]}},
        "credential_metadata": {
            "display": _display(f"identity.kind.{kind}"),
            "claims": [{"path": [name], "display": _display(f"identity.claim.{name}")} for name in CLAIM_NAMES[kind]],
        },
    }


def credential_issuer_metadata() -> dict[str, Any]:
    """``/.well-known/openid-credential-issuer`` (OpenID4VCI 1.0 §12.2)."""
    base = issuer_id()
    return {
        "credential_issuer": base, "authorization_servers": [base],
        "credential_endpoint": base + PATHS["credential"], "nonce_endpoint": base + PATHS["nonce"],
        "deferred_credential_endpoint": base + PATHS["deferred"],
        "batch_credential_issuance": {"batch_size": BATCH_SIZE},
        "display": _display("identity.words.issuer_self", base + ISSUER_LOGO),  # §12.2.4
        "credential_configurations_supported": {configuration_id(kind): _configuration(kind) for kind in OFFERABLE},
    }


def authorization_server_metadata() -> dict[str, Any]:
    """``/.well-known/oauth-authorization-server`` (RFC 8414): the pre-authorized code grant and the authorization
    code grant with PKCE S256 (``oid4vci_authorize.py``), public clients only."""
    base = issuer_id()
    return {"issuer": base, "token_endpoint": base + PATHS["token"],
            "authorization_endpoint": base + PATHS["authorize"], "response_types_supported": ["code"],
            "response_modes_supported": ["query"], "code_challenge_methods_supported": ["S256"],
            "grant_types_supported": [AUTHORIZATION_CODE_GRANT, PRE_AUTHORIZED_GRANT],
            "token_endpoint_auth_methods_supported": ["none"], "authorization_response_iss_parameter_supported": True,
            "authorization_details_types_supported": ["openid_credential"],
            "scopes_supported": [configuration_id(kind) for kind in OFFERABLE],
            "pre-authorized_grant_anonymous_access_supported": True}


# --- credential offers ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CredentialOffer:
    link: str  # openid-credential-offer://?credential_offer=… (also drawn as the QR)
    tx_code: str  # shown once to the citizen, never stored
    expires_at: datetime
    kinds: tuple[str, ...]


def sha(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def _tx_hash(code: str, tx_code: str) -> str:
    # Keyed by the code itself: a leaked table row cannot be brute-forced for its six digits without the code.
    return hmac.new(code.encode(), tx_code.encode(), hashlib.sha256).hexdigest()


def create_offer(db: Session, user_id: int, kinds: list[str], now: datetime | None = None) -> CredentialOffer:
    """An offer of the signed-in citizen's own credentials to a wallet of their choice."""
    chosen = tuple(kind for kind in OFFERABLE if kind in set(kinds))
    if not chosen or len(chosen) != len(set(kinds)):
        raise DomainError("identity.credential.unknown_kind")
    profile = get_profile(db, user_id)
    if profile is None or profile.level < 2:
        raise DomainError("identity.credential.needs_level2")
    now = now or utcnow()
    code, tx_code = secrets.token_urlsafe(32), f"{secrets.randbelow(10 ** TX_CODE_LENGTH):0{TX_CODE_LENGTH}d}"
    issuer_state = secrets.token_urlsafe(32)
    db.add(VciOffer(user_id=user_id, code_hash=sha(code), tx_code_hash=_tx_hash(code, tx_code),
                    state_hash=sha(issuer_state), kinds=",".join(chosen), created_at=now,
                    expires_at=now + OFFER_TTL))
    db.flush()
    texts = catalog()["identity.oid4vci.tx_code_hint"]
    # Either grant: the transaction code, or the citizen's own sign-in at our authorization endpoint.
    offer = {"credential_issuer": issuer_id(), "credential_configuration_ids": [configuration_id(k) for k in chosen],
             "grants": {PRE_AUTHORIZED_GRANT: {"pre-authorized_code": code, "tx_code": {
                 "input_mode": "numeric", "length": TX_CODE_LENGTH, "description": f"{texts['vi']} / {texts['en']}"}},
                 AUTHORIZATION_CODE_GRANT: {"issuer_state": issuer_state}}}
    link = OFFER_SCHEME + "?credential_offer=" + quote(json.dumps(offer, separators=(",", ":")), safe="")
    return CredentialOffer(link, tx_code, now + OFFER_TTL, chosen)


@dataclass(frozen=True)
class AccessToken:
    token: str
    expires_in: int


def redeem_pre_authorized_code(db: Session, code: str, tx_code: str, now: datetime | None = None) -> AccessToken:
    """The token endpoint's pre-authorized code grant: the code works once, with its transaction code, before
    it expires; three wrong transaction codes burn it."""
    now = now or utcnow()
    offer = db.exec(select(VciOffer).where(VciOffer.code_hash == sha(code or ""))).first()
    if offer is None or offer.redeemed_at is not None or offer.expires_at <= now:
        raise OAuthRefusal("identity.oid4vci.code_invalid", "invalid_grant")
    if not tx_code or not hmac.compare_digest(offer.tx_code_hash, _tx_hash(code, tx_code)):
        offer.failed_attempts += 1
        if offer.failed_attempts >= MAX_TX_ATTEMPTS:
            offer.redeemed_at = now
        db.flush()
        raise GrantRefused("identity.oid4vci.tx_code_wrong")
    offer.redeemed_at = now
    return grant_token(db, offer.user_id, offer.kinds, now, offer_id=offer.id)


def grant_token(db: Session, user_id: int, kinds: str, now: datetime, *, offer_id: int | None = None,
                auth_code_id: int | None = None) -> AccessToken:
    """An access token for the credential endpoint (either grant), only its hash stored."""
    token = secrets.token_urlsafe(32)
    db.add(VciToken(token_hash=sha(token), user_id=user_id, offer_id=offer_id, auth_code_id=auth_code_id,
                    kinds=kinds, created_at=now, expires_at=now + TOKEN_TTL))
    db.flush()
    return AccessToken(token, int(TOKEN_TTL.total_seconds()))


# --- nonces and key proofs --------------------------------------------------------------------------------------


def _nonce_mac(body: bytes) -> bytes:
    return hmac.new(derive_key("wallet.oid4vci.c-nonce"), body, hashlib.sha256).digest()[:16]


def new_c_nonce(now: datetime | None = None) -> str:
    """A stateless, signed nonce with its expiry inside; ``check_proofs`` spends it once (replay cache)."""
    body = (epoch(now or utcnow()) + NONCE_TTL).to_bytes(5, "big") + secrets.token_bytes(12)
    return b64u(body + _nonce_mac(body))


def _valid_c_nonce(nonce: Any, now: int) -> bool:
    try:
        raw = b64u_decode(nonce) if isinstance(nonce, str) and len(nonce) < 60 else b""
    except JoseError:
        return False
    if len(raw) != 33 or not hmac.compare_digest(_nonce_mac(raw[:17]), raw[17:]):
        return False
    return int.from_bytes(raw[:5], "big") >= now


def _proof_refused(code: str) -> OAuthRefusal:
    return OAuthRefusal(f"identity.oid4vci.{code}", "invalid_proof" if code != "nonce" else "invalid_nonce")


def check_proof(proof: Any, now: int) -> tuple[dict[str, str], str]:
    """(holder JWK, nonce) of one ``jwt`` key proof (OpenID4VCI 1.0 §F.1), or OAuthRefusal."""
    try:
        header, payload, signing_input, signature = jws_parse(proof if isinstance(proof, str) else "")
        jwk = header.get("jwk")
        key = jwk_to_public_key(jwk)
    except JoseError as exc:
        raise _proof_refused("proof_malformed") from exc
    if header.get("alg") != ES256 or header.get("typ") != PROOF_TYP or "kid" in header or "x5c" in header:
        raise _proof_refused("proof_malformed")
    if not verify_es256(key, signing_input, signature):
        raise _proof_refused("proof_signature")
    if payload.get("aud") != issuer_id():
        raise _proof_refused("proof_audience")
    iat = payload.get("iat")
    if not isinstance(iat, int) or iat > now + MAX_SKEW or now - iat > PROOF_MAX_AGE:
        raise _proof_refused("proof_stale")
    if not _valid_c_nonce(payload.get("nonce"), now):
        raise _proof_refused("nonce")
    return {k: jwk[k] for k in ("kty", "crv", "x", "y")}, payload["nonce"]


def _proofs_of(body: dict[str, Any]) -> list[Any]:
    proofs = body.get("proofs")
    if isinstance(proofs, dict) and set(proofs) == {"jwt"} and isinstance(proofs["jwt"], list):
        return proofs["jwt"]
    proof = body.get("proof")  # the single-proof form of earlier drafts, still sent by some wallets
    if isinstance(proof, dict) and proof.get("proof_type") == "jwt" and "proofs" not in body:
        return [proof.get("jwt")]
    raise _proof_refused("proof_malformed")


def check_proofs(db: Session, body: dict[str, Any], now: datetime | None = None) -> list[dict[str, str]]:
    """The holder keys of a credential request: 1..BATCH_SIZE distinct keys, each proved over one fresh c_nonce
    that this request spends."""
    at = epoch(now or utcnow())
    proofs = _proofs_of(body)
    if not 1 <= len(proofs) <= BATCH_SIZE:
        raise _proof_refused("batch_size")
    checked = [check_proof(proof, at) for proof in proofs]
    keys = [jwk for jwk, _ in checked]
    if len({jwk_thumbprint(k) for k in keys}) != len(keys) or len({n for _, n in checked}) != 1:
        raise _proof_refused("proof_malformed")
    if not cr.DbReplayCache(db).use_once(f"cn:{sha(checked[0][1])[:40]}", at + NONCE_TTL + MAX_SKEW):
        raise _proof_refused("nonce")
    return keys


# --- issuing ----------------------------------------------------------------------------------------------------


def issue_batch(db: Session, user_id: int, kind: str, holder_jwks: list[dict[str, Any]], *,
                key_mode: str = "browser", actor_id: int | None = None) -> list[cr.IssuedSdJwt]:
    """One credential per holder key, each with its own salts and status index: the one issuance path for other
    wallets (the credential endpoint) and the app's own wallet (``/api/identity/credentials``)."""
    if not 1 <= len(holder_jwks) <= BATCH_SIZE:
        raise DomainError("identity.oid4vci.batch_size")
    now = utcnow()
    return [cr.issue_credential(db, user_id, kind, jwk, key_mode=key_mode, actor_id=actor_id, now=now)
            for jwk in holder_jwks]


def token_row(db: Session, access_token: str | None, now: datetime | None) -> VciToken:
    """The live access token at ``now``; with ``None`` (the deferred endpoint, whose transactions outlive the
    token and are revoked with it) the token that made them."""
    row = db.get(VciToken, sha(access_token)) if access_token else None
    if row is None or (now is not None and row.expires_at <= now):
        raise OAuthRefusal("identity.oid4vci.token_invalid", "invalid_token", 401)
    return row


@dataclass(frozen=True)
class Deferred:
    transaction_id: str
    interval: int


def _defer(db: Session, token: VciToken, kind: str, keys: list[dict[str, str]], now: datetime) -> Deferred:
    """Keep the proved keys until an official decides; the wallet asks again with the transaction_id."""
    transaction_id = secrets.token_urlsafe(32)
    db.add(VciDeferred(transaction_hash=sha(transaction_id), token_hash=token.token_hash, user_id=token.user_id,
                       kind=kind, holder_jwks=json.dumps(keys), created_at=now, expires_at=now + DEFERRED_TTL))
    db.flush()
    return Deferred(transaction_id, DEFERRED_INTERVAL)


def credential_request(db: Session, access_token: str | None, body: dict[str, Any]) -> list[str] | Deferred:
    """The credential endpoint: the access token's account, one of its granted configurations (each once) and the
    key proofs; returns the SD-JWT VCs."""
    now = utcnow()
    token = token_row(db, access_token, now)
    # ``credential_identifier`` when the token answer listed identifiers (authorization_details): ours are the
    # configuration ids themselves.
    kind = kind_of(body.get("credential_configuration_id") or body.get("credential_identifier"))
    if kind is None or kind not in token.kinds.split(","):
        raise OAuthRefusal("identity.oid4vci.unknown_configuration", "unknown_credential_configuration")
    if kind in token.used_kinds.split(","):
        raise OAuthRefusal("identity.oid4vci.already_issued", "invalid_credential_request")
    keys = check_proofs(db, body, now)
    token.used_kinds = ",".join(filter(None, [*token.used_kinds.split(","), kind]))
    if kind in NEEDS_APPROVAL:
        return _defer(db, token, kind, keys, now)
    return [issued.credential for issued in issue_batch(db, token.user_id, kind, keys)]

