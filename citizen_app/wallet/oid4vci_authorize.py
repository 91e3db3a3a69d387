"""OpenID4VCI 1.0 authorization code flow with PKCE (RFC 6749 §4.1, RFC 7636, RFC 8252, RFC 9207) for wallets
that sign the citizen in through the app's own login (docs/WALLET.md).

No Reflex import. Wallets are public clients registered as data (``data/wallet/wallet_clients.json``: client_id,
name in vi/en, redirect URIs): an https URI, a private-use scheme with a reverse domain name, or an
``http://127.0.0.1`` / ``http://[::1]`` loopback URI whose port may vary (RFC 8252 §7). A request naming an
unknown wallet or an unregistered redirect URI is refused on a page of ours and never redirected; other faults
are sent back to the wallet as OAuth errors. The code is single-use, lives two minutes, is stored as a SHA-256
and is bound to the wallet, its redirect URI, the S256 challenge (``plain`` is refused), the citizen who
consented and the credential types they consented to. A second use of a code revokes the tokens granted for it.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import lru_cache
from pathlib import Path
from typing import Any
from urllib.parse import urlencode, urlsplit

from pydantic import Field
from sqlmodel import Session, select

from citizen_app.core.catalog import CatalogModel, Translated, load_file
from citizen_app.core.errors import DomainError, RecordedRefusal
from citizen_app.core.timeutil import utcnow
from citizen_app.identity.profile import get_profile
from citizen_app.wallet import oid4vci
from citizen_app.wallet.issuer import issuer_id
from citizen_app.wallet.models import VciAuthCode, VciDeferred, VciOffer, VciToken

ROOT = Path(__file__).resolve().parents[2]
CLIENTS_FILE_ENV = "WALLET_CLIENTS_FILE"  # another registry of wallet clients (tests, a deployment's own list)
CLIENTS_FILE = ROOT / "data" / "wallet" / "wallet_clients.json"
AUTHORIZATION_CODE_GRANT = "authorization_code"
CODE_TTL = timedelta(minutes=2)
DETAILS_TYPE = "openid_credential"
_CHALLENGE = re.compile(r"^[A-Za-z0-9_-]{43}$")  # BASE64URL(SHA-256(verifier)), no padding
_VERIFIER = re.compile(r"^[A-Za-z0-9._~-]{43,128}$")  # RFC 7636 §4.1
_PRIVATE_SCHEME = re.compile(r"^[a-z][a-z0-9+.-]*\.[a-z0-9+.-]+$")  # reverse domain name (RFC 8252 §7.1)
_LOOPBACK_HOSTS = ("127.0.0.1", "::1")  # never "localhost" (RFC 8252 §8.3)


class WalletClient(CatalogModel):
    client_id: str = Field(min_length=3, max_length=200)
    name: Translated
    redirect_uris: list[str] = Field(min_length=1)


class ClientRegistry(CatalogModel):
    wallet_clients: list[WalletClient]


class PageRefusal(DomainError):
    """A request we cannot send back to the wallet (unknown client, unregistered redirect URI): shown on our
    page, never redirected."""

    http_status = 400


class RedirectRefusal(DomainError):
    """An OAuth error sent back to the wallet's (validated) redirect URI with ``state`` and ``iss``."""

    def __init__(self, code: str, oauth: str) -> None:
        super().__init__(code)
        self.oauth = oauth


class CodeRefused(RecordedRefusal):
    """A refused authorization code: the code is spent (and a replay's tokens revoked) with the refusal."""

    http_status = 400
    oauth = "invalid_grant"


def _parts(uri: str):
    try:
        parts = urlsplit(uri)
        _ = parts.port  # raises on a port that is not a number
    except ValueError:
        return None
    return parts


def redirect_uri_allowed(uri: str) -> bool:
    """The forms a public wallet's redirect URI may take (RFC 8252 §7, OAuth 2.0 security BCP §2.1)."""
    parts = _parts(uri)
    if parts is None or "#" in uri or any(c.isspace() for c in uri) or parts.username or parts.password:
        return False
    if parts.scheme == "https":
        return bool(parts.hostname)
    if parts.scheme == "http":
        return parts.hostname in _LOOPBACK_HOSTS
    return bool(_PRIVATE_SCHEME.match(parts.scheme))


def _loopback_key(uri: str) -> tuple[str, str, str] | None:
    parts = _parts(uri)
    if parts is None or parts.scheme != "http" or parts.hostname not in _LOOPBACK_HOSTS:
        return None
    return parts.hostname, parts.path, parts.query


def redirect_uri_matches(registered: list[str], uri: str) -> bool:
    """Exact string match; for a loopback URI any port (the wallet's ephemeral one, RFC 8252 §7.3)."""
    if not redirect_uri_allowed(uri):
        return False
    if uri in registered:
        return True
    key = _loopback_key(uri)
    return key is not None and any(_loopback_key(r) == key for r in registered)


@lru_cache(maxsize=4)
def _load_clients(path: str) -> dict[str, WalletClient]:
    clients = {c.client_id: c for c in load_file(Path(path), ClientRegistry).wallet_clients}
    for client in clients.values():
        bad = [uri for uri in client.redirect_uris if not redirect_uri_allowed(uri)]
        if bad:
            raise ValueError(f"{Path(path).name}: {client.client_id} has a redirect URI a wallet may not use: {bad}")
    return clients


def wallet_clients() -> dict[str, WalletClient]:
    return _load_clients(os.environ.get(CLIENTS_FILE_ENV) or str(CLIENTS_FILE))


def pkce_s256(verifier: str) -> str:
    return base64.urlsafe_b64encode(hashlib.sha256(verifier.encode("ascii")).digest()).rstrip(b"=").decode()


def pkce_matches(verifier: str, challenge: str) -> bool:
    """RFC 7636 §4.6 with S256 (the only method we accept)."""
    if not isinstance(verifier, str) or not _VERIFIER.match(verifier):
        return False
    return hmac.compare_digest(pkce_s256(verifier), challenge)


# --- the authorization request ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class AuthorizationRequest:
    client: WalletClient
    redirect_uri: str
    state: str
    code_challenge: str
    kinds: tuple[str, ...]
    details: bool
    issuer_state: str


def check_client(params: dict[str, str]) -> tuple[WalletClient, str]:
    """The registered wallet and its redirect URI, or PageRefusal: nothing after this may redirect elsewhere."""
    client = wallet_clients().get(params.get("client_id", ""))
    if client is None:
        raise PageRefusal("identity.oid4vci.authz_unknown_client")
    uri = params.get("redirect_uri", "")
    if not redirect_uri_matches(client.redirect_uris, uri):
        raise PageRefusal("identity.oid4vci.authz_bad_redirect")
    return client, uri


def _details_kinds(raw: str) -> list[str]:
    try:
        details = json.loads(raw)
    except ValueError:
        details = None
    if not isinstance(details, list) or not details:
        raise RedirectRefusal("identity.oid4vci.authz_bad_details", "invalid_authorization_details")
    kinds = []
    for item in details:
        kind = oid4vci.kind_of(item.get("credential_configuration_id")) if isinstance(item, dict) else None
        if kind is None or item.get("type") != DETAILS_TYPE:
            raise RedirectRefusal("identity.oid4vci.authz_bad_details", "invalid_authorization_details")
        kinds.append(kind)
    return kinds


def _scope_kinds(scope: str) -> list[str]:
    # Unknown scope values are ignored (RFC 6749 §3.3); nothing we know of is an error.
    return [kind for kind in (oid4vci.kind_of(s) for s in scope.split()) if kind is not None]


def check_request(params: dict[str, str]) -> AuthorizationRequest:
    """Every rule of the authorization request that needs no citizen; ``issuer_state`` is checked at consent."""
    client, redirect_uri = check_client(params)
    if params.get("response_type") != "code":
        raise RedirectRefusal("identity.oid4vci.authz_response_type", "unsupported_response_type")
    if params.get("code_challenge_method") != "S256":
        raise RedirectRefusal("identity.oid4vci.authz_pkce_method", "invalid_request")
    challenge = params.get("code_challenge", "")
    if not _CHALLENGE.match(challenge):
        raise RedirectRefusal("identity.oid4vci.authz_pkce_missing", "invalid_request")
    if params.get("resource") and params["resource"] != issuer_id():
        raise RedirectRefusal("identity.oid4vci.authz_resource", "invalid_target")
    details = bool(params.get("authorization_details"))
    kinds = _details_kinds(params["authorization_details"]) if details else []
    kinds += _scope_kinds(params.get("scope", ""))
    issuer_state = params.get("issuer_state", "")
    if not kinds and not issuer_state:
        raise RedirectRefusal("identity.oid4vci.authz_nothing_asked", "invalid_scope")
    ordered = tuple(kind for kind in oid4vci.OFFERABLE if kind in set(kinds))
    return AuthorizationRequest(client, redirect_uri, params.get("state", "")[:500], challenge, ordered, details,
                                issuer_state)


def _offer_of_state(db: Session, issuer_state: str, user_id: int, now: datetime) -> VciOffer:
    offer = db.exec(select(VciOffer).where(VciOffer.state_hash == oid4vci.sha(issuer_state))).first()
    if offer is None or offer.redeemed_at is not None or offer.expires_at <= now:
        raise RedirectRefusal("identity.oid4vci.code_invalid", "invalid_request")
    if offer.user_id != user_id:
        raise RedirectRefusal("identity.oid4vci.authz_other_account", "access_denied")
    return offer


def kinds_for(db: Session, request: AuthorizationRequest, user_id: int, now: datetime | None = None) -> tuple[str, ...]:
    """The credential types the citizen is asked to consent to: the request's, or its offer's (``issuer_state``,
    an offer the same account made, still open), and only if the citizen's identity is verified (level 2)."""
    now = now or utcnow()
    kinds = set(request.kinds)
    if request.issuer_state:
        kinds |= set(_offer_of_state(db, request.issuer_state, user_id, now).kinds.split(","))
    profile = get_profile(db, user_id)
    if profile is None or profile.level < 2:
        raise RedirectRefusal("identity.credential.needs_level2", "access_denied")
    return tuple(kind for kind in oid4vci.OFFERABLE if kind in kinds)


def grant_code(db: Session, request: AuthorizationRequest, user_id: int, now: datetime | None = None) -> str:
    """The citizen consented: a single-use code for the wallet's redirect URI (the offer behind
    ``issuer_state`` is spent: it cannot also be redeemed with its pre-authorized code)."""
    now = now or utcnow()
    kinds = kinds_for(db, request, user_id, now)
    if request.issuer_state:
        _offer_of_state(db, request.issuer_state, user_id, now).redeemed_at = now
    code = secrets.token_urlsafe(32)
    db.add(VciAuthCode(code_hash=oid4vci.sha(code), user_id=user_id, client_id=request.client.client_id,
                       redirect_uri=request.redirect_uri, code_challenge=request.code_challenge,
                       kinds=",".join(kinds), details=request.details, created_at=now, expires_at=now + CODE_TTL))
    db.flush()
    return code


def response_uri(redirect_uri: str, params: dict[str, str]) -> str:
    """The wallet's redirect URI with the response (code or error), ``state`` and ``iss`` (RFC 9207) added."""
    query = urlencode({k: v for k, v in params.items() if v})
    return f"{redirect_uri}{'&' if urlsplit(redirect_uri).query else '?'}{query}"


# --- the token endpoint ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CodeGrant:
    token: oid4vci.AccessToken
    authorization_details: list[dict[str, Any]] | None


def _revoke_tokens(db: Session, code: VciAuthCode, now: datetime) -> None:
    for token in db.exec(select(VciToken).where(VciToken.auth_code_id == code.id)).all():
        token.expires_at = min(token.expires_at, now)
        for waiting in db.exec(select(VciDeferred).where(VciDeferred.token_hash == token.token_hash)).all():
            waiting.status = "revoked"


def redeem_authorization_code(db: Session, code: str, redirect_uri: str, verifier: str, client_id: str,
                              now: datetime | None = None) -> CodeGrant:
    """``grant_type=authorization_code``: the code once, within its lifetime, by its wallet with its redirect URI
    and the PKCE verifier. Any presentation spends it; a second one also revokes what the first obtained."""
    now = now or utcnow()
    row = db.exec(select(VciAuthCode).where(VciAuthCode.code_hash == oid4vci.sha(code or ""))).first()
    if row is None:
        raise oid4vci.OAuthRefusal("identity.oid4vci.code_invalid", "invalid_grant")
    if row.used_at is not None:
        _revoke_tokens(db, row, now)
        db.flush()
        raise CodeRefused("identity.oid4vci.code_reused")
    row.used_at = now
    db.flush()
    if row.expires_at <= now:
        raise CodeRefused("identity.oid4vci.code_invalid")
    if client_id != row.client_id or redirect_uri != row.redirect_uri:
        raise CodeRefused("identity.oid4vci.code_wrong_client")
    if not pkce_matches(verifier, row.code_challenge):
        raise CodeRefused("identity.oid4vci.pkce_failed")
    token = oid4vci.grant_token(db, row.user_id, row.kinds, now, auth_code_id=row.id)
    details = [{"type": DETAILS_TYPE, "credential_configuration_id": oid4vci.configuration_id(kind),
                "credential_identifiers": [oid4vci.configuration_id(kind)]} for kind in row.kinds.split(",")]
    return CodeGrant(token, details if row.details else None)
