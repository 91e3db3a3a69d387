"""SD-JWT VC credentials (RFC 9901 + draft-ietf-oauth-sd-jwt-vc): issuing and strict verification.

Issued form:   <issuer-signed JWT>~<disclosure>~...~
Presented form: <issuer-signed JWT>~<chosen disclosures>~...~<KB-JWT>

``strict_verify`` never trusts a library default: algorithm allow-list, typ checks, issuer key by
kid, time checks with at most 60 s skew, mandatory key binding, digest bookkeeping, status bit and
single use (nonce consumed or one-time id unseen).
"""

from __future__ import annotations

import hashlib
import json
import secrets
from collections.abc import Callable, Collection, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any, Protocol

from cryptography.hazmat.primitives.asymmetric import ec
from sqlalchemy import bindparam
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, delete, select

from citizen_app.core.db import run
from citizen_app.core.errors import DomainError, NotAllowed, NotFound
from citizen_app.core.timeutil import utcnow
from citizen_app.identity.activity import record_activity
from citizen_app.identity.crypto import (
    ES256,
    JoseError,
    b64u,
    b64u_decode,
    epoch,
    json_b64,
    jwk_thumbprint,
    jwk_to_public_key,
    jws_encode,
    jws_parse,
    load_private_pem,
    new_p256_key,
    private_key_pem,
    public_jwk,
    seal,
    sha256_b64u,
    unseal,
    verify_es256,
)
from citizen_app.identity.profile import age_on, get_profile
from citizen_app.identity.service import require_role
from citizen_app.wallet.issuer import VCT_PREFIX, issuer_id, issuer_key, issuer_kid
from citizen_app.wallet.models import (
    HeldCredential,
    IssuedCredential,
    PresentationNonce,
    SeenPresentation,
    ServerHolderKey,
)
from citizen_app.wallet.status_list import INVALID, StatusRef, allocate_index, check_status, find_key, set_status

SD_JWT_TYP = "dc+sd-jwt"
KB_JWT_TYP = "kb+jwt"
SD_ALG = "sha-256"
ALLOWED_ALGS = frozenset({ES256})  # EdDSA is allowed by policy but we issue and accept ES256 only
MAX_SKEW = 60
ONE_TIME_WINDOW = 60  # mode C: the KB-JWT must be at most this old
NONCE_TTL = timedelta(minutes=5)
ONE_TIME_AUD = "cds:qr"  # generic audience for the wallet-shown one-minute QR
MAX_PRESENTATION = 8192
STATUS_OPTIONAL_SECONDS = 86400  # credentials valid for at most a day may omit status
REGISTERED = frozenset({"iss", "vct", "iat", "exp", "nbf", "cnf", "status", "sub", "jti", "_sd", "_sd_alg"})
VERIFIER_QR_PREFIX = "cdsvp1:"


@dataclass(frozen=True)
class CredentialType:
    kind: str
    vct: str
    days: int
    sd_claims: tuple[str, ...]  # selectively disclosable
    plain_claims: tuple[str, ...] = ()  # always visible (purpose credentials with one derived claim)
    issued_by_official: bool = False  # claims supplied by an official instead of the profile


TYPES: dict[str, CredentialType] = {t.kind: t for t in (
    CredentialType("identity", VCT_PREFIX + "id", 30, ("full_name", "birth_date", "sex", "id_number", "nationality")),
    CredentialType("residence", VCT_PREFIX + "rsd", 30, ("resident_hcmc", "ward", "address")),
    CredentialType("age18", VCT_PREFIX + "a18", 30, (), ("age_over_18",)),
    CredentialType("age60", VCT_PREFIX + "a60", 30, (), ("age_over_60",)),
    CredentialType("student", VCT_PREFIX + "stu", 30, ("student", "school", "student_name"), (), True),
    CredentialType("result", VCT_PREFIX + "pr", 30, ("outcome", "procedure", "procedure_name", "dossier_ref",
                                                     "result_date", "doc_hash", "agency"), (), True),
)}
VCT_TO_KIND = {t.vct: t.kind for t in TYPES.values()}


class VerificationError(DomainError):
    """A presentation was rejected; ``code`` is an ``identity.verify.*`` message key."""

    http_status = 422


class ReplayCache(Protocol):
    def use_once(self, key: str, until: int) -> bool:
        """Remember ``key`` until epoch second ``until``; False if it was already there."""


class MemoryReplayCache:
    """In-process cache (offline verifier, tests)."""

    def __init__(self) -> None:
        self._seen: dict[str, int] = {}

    def use_once(self, key: str, until: int) -> bool:
        now = epoch(utcnow())
        self._seen = {k: v for k, v in self._seen.items() if v >= now}
        if key in self._seen:
            return False
        self._seen[key] = until
        return True


class DbReplayCache:
    """Database-backed cache shared by all app processes; the primary key makes it race-safe."""

    def __init__(self, db: Session) -> None:
        self.db = db

    def use_once(self, key: str, until: int) -> bool:
        self.db.exec(delete(SeenPresentation).where(SeenPresentation.expires_at < utcnow()))
        if self.db.get(SeenPresentation, key) is not None:
            return False
        try:
            with self.db.begin_nested():
                expires = datetime.fromtimestamp(until, UTC)
                self.db.add(SeenPresentation(key=key, expires_at=expires))
        except IntegrityError:
            return False
        return True


@dataclass(frozen=True)
class IssuedSdJwt:
    credential: str  # issuer JWT + all disclosures, ending with "~"
    record: IssuedCredential


@dataclass(frozen=True)
class VerifiedPresentation:
    iss: str
    vct: str
    kind: str | None
    claims: dict[str, Any]
    holder_jwk: dict[str, str]
    iat: int
    exp: int
    mode: str  # "nonce" or "one_time"
    disclosed: tuple[str, ...] = field(default_factory=tuple)


@dataclass(frozen=True)
class VerifierRequest:
    nonce: str
    aud: str
    expires_at: datetime
    qr_text: str


# --- issuing ------------------------------------------------------------------------------------


def make_disclosure(name: str, value: Any) -> tuple[str, str]:
    """Return (disclosure, digest) for an object property, with a fresh 128-bit salt."""
    disclosure = json_b64([b64u(secrets.token_bytes(16)), name, value])
    return disclosure, sha256_b64u(disclosure)


def _clean_holder_jwk(jwk: Any) -> dict[str, str]:
    try:
        jwk_to_public_key(jwk)
    except JoseError as exc:
        raise DomainError("identity.credential.bad_holder_key") from exc
    return {k: jwk[k] for k in ("kty", "crv", "x", "y")}


def _profile_claims(db: Session, user_id: int, ctype: CredentialType, today: date) -> dict[str, Any]:
    profile = get_profile(db, user_id)
    if profile is None or profile.level < 2:
        raise DomainError("identity.credential.needs_level2")
    if ctype.kind == "identity":
        return {"full_name": profile.full_name, "birth_date": profile.birth_date.isoformat() if profile.birth_date
                else None, "sex": profile.sex, "id_number": profile.id_number, "nationality": "VN"}
    if ctype.kind == "residence":
        if not profile.address:
            raise DomainError("identity.credential.no_address")
        return {"resident_hcmc": True, "ward": profile.ward, "address": profile.address}
    if profile.birth_date is None:
        raise DomainError("identity.credential.no_birth_date")
    limit = 18 if ctype.kind == "age18" else 60
    if age_on(profile.birth_date, today) < limit:
        raise DomainError("identity.credential.age_not_reached", age=limit)
    return {f"age_over_{limit}": True}


def _official_claims(db: Session, actor_id: int | None, ctype: CredentialType, claims: dict | None) -> dict[str, Any]:
    require_role(db, actor_id, "official", "admin")
    claims = claims or {}
    wanted = set(ctype.sd_claims) - ({"student"} if ctype.kind == "student" else set())
    if set(claims) - wanted or any(not isinstance(claims.get(k), str) or not claims[k].strip()
                                   or len(claims[k]) > 200 for k in wanted):
        raise DomainError("identity.credential.bad_claims")
    result = {k: claims[k].strip() for k in sorted(wanted)}
    if ctype.kind == "student":
        result["student"] = True
    return result


def build_sd_jwt(payload_claims: dict[str, Any], ctype: CredentialType, holder_jwk: dict[str, str],
                 status: StatusRef | None, now: datetime, expires_at: datetime | None = None) -> str:
    """Sign the issuer JWT and append one disclosure per selectively disclosable claim."""
    iat = epoch(now)
    exp = epoch(expires_at) if expires_at is not None else iat + ctype.days * 86400
    payload: dict[str, Any] = {"iss": issuer_id(), "vct": ctype.vct, "iat": iat, "nbf": iat,
                               "exp": exp, "cnf": {"jwk": holder_jwk}}
    if status is not None:
        payload["status"] = {"status_list": {"idx": status.idx, "uri": status.uri}}
    disclosures, digests = [], []
    for name, value in payload_claims.items():
        if name in ctype.plain_claims:
            payload[name] = value
        else:
            disclosure, digest = make_disclosure(name, value)
            disclosures.append(disclosure)
            digests.append(digest)
    if digests:
        payload["_sd"] = sorted(digests)
        payload["_sd_alg"] = SD_ALG
    header = {"alg": ES256, "typ": SD_JWT_TYP, "kid": issuer_kid()}
    return "~".join([jws_encode(header, payload, issuer_key()), *disclosures, ""])


def issue_credential(db: Session, user_id: int, kind: str, holder_jwk: dict[str, Any], *,
                     actor_id: int | None = None, claims: dict[str, Any] | None = None,
                     key_mode: str = "browser", now: datetime | None = None,
                     expires_at: datetime | None = None) -> IssuedSdJwt:
    """Issue one credential bound to ``holder_jwk``. Profile-based kinds need identity level 2;
    student and procedure-result credentials are issued by an official with the claims given. ``expires_at``
    replaces the kind's lifetime (a procedure result lives as long as the period it covers)."""
    ctype = TYPES.get(kind)
    if ctype is None:
        raise DomainError("identity.credential.unknown_kind")
    now = now or utcnow()
    jwk = _clean_holder_jwk(holder_jwk)
    if ctype.issued_by_official:
        values = _official_claims(db, actor_id, ctype, claims)
    else:
        values = _profile_claims(db, user_id, ctype, now.date())
    if expires_at is not None and expires_at <= now:
        raise DomainError("identity.credential.expired_period")
    ref = allocate_index(db)
    credential = build_sd_jwt(values, ctype, jwk, ref, now, expires_at)
    record = IssuedCredential(user_id=user_id, kind=kind, vct=ctype.vct, holder_thumbprint=jwk_thumbprint(jwk),
                              key_mode=key_mode if key_mode in ("browser", "server") else "browser",
                              status_list_id=ref.list_id, status_idx=ref.idx, issued_at=now,
                              expires_at=expires_at or now + timedelta(days=ctype.days), issued_by=actor_id)
    db.add(record)
    db.flush()
    record_activity(db, user_id, "credential_issued", "identity.activity.credential_issued",
                    {"kind": kind}, actor_id=actor_id if actor_id != user_id else None)
    return IssuedSdJwt(credential, record)


def _revoke(db: Session, record: IssuedCredential, actor_id: int | None) -> None:
    if record.revoked_at is not None:
        return
    set_status(db, StatusRef(record.status_list_id, record.status_idx), INVALID)
    record.revoked_at = utcnow()
    record_activity(db, record.user_id, "credential_revoked", "identity.activity.credential_revoked",
                    {"kind": record.kind}, actor_id=actor_id if actor_id != record.user_id else None)


def revoke_credential(db: Session, actor_id: int | None, credential_id: int) -> IssuedCredential:
    """The holder, an official or an admin flips the credential's status bit to 1."""
    record = db.get(IssuedCredential, credential_id)
    if record is None:
        raise NotFound()
    if actor_id != record.user_id:
        require_role(db, actor_id, "official", "admin")
    _revoke(db, record, actor_id)
    db.flush()
    return record


_ALL_CREDENTIALS = (select(IssuedCredential).where(IssuedCredential.user_id == bindparam("user_id"))
                    .order_by(col(IssuedCredential.issued_at).desc()))
_ACTIVE_CREDENTIALS = _ALL_CREDENTIALS.where(IssuedCredential.revoked_at == None,  # noqa: E711
                                             IssuedCredential.expires_at > bindparam("now"))  # built once: core/db.py


# Built once, as a Core statement on the table (core.db.run): /metro and every purchase ask it.
_CREDENTIALS = IssuedCredential.__table__
_ACTIVE_KINDS = (select(_CREDENTIALS.c.kind).distinct()
                 .where(_CREDENTIALS.c.user_id == bindparam("user_id"), _CREDENTIALS.c.revoked_at.is_(None),
                        _CREDENTIALS.c.expires_at > bindparam("now")))


def active_kinds(db: Session, user_id: int) -> set[str]:
    """The kinds of the user's valid credentials: what a fare's eligibility needs, without loading them."""
    return set(run(db, _ACTIVE_KINDS, {"user_id": user_id, "now": utcnow()}).scalars())


def list_credentials(db: Session, user_id: int, include_inactive: bool = False) -> list[IssuedCredential]:
    if include_inactive:
        return list(db.exec(_ALL_CREDENTIALS, params={"user_id": user_id}).all())
    return list(db.exec(_ACTIVE_CREDENTIALS, params={"user_id": user_id, "now": utcnow()}).all())


def reissue_credentials(db: Session, user_id: int, holder_jwk: dict[str, Any], *,
                        key_mode: str = "browser", within_days: int | None = None) -> list[IssuedSdJwt]:
    """Silent re-issue of profile-based credentials (new phone, or ``within_days`` of expiry).

    Credentials bound to another key are revoked (new holder key); same-key ones simply expire.
    """
    jwk = _clean_holder_jwk(holder_jwk)
    thumb = jwk_thumbprint(jwk)
    now = utcnow()
    fresh: list[IssuedSdJwt] = []
    for kind in sorted({r.kind for r in list_credentials(db, user_id)}):
        if TYPES[kind].issued_by_official:
            continue
        old = [r for r in list_credentials(db, user_id) if r.kind == kind]
        if within_days is not None and all(r.holder_thumbprint == thumb and r.expires_at - now
                                           > timedelta(days=within_days) for r in old):
            continue
        fresh.append(issue_credential(db, user_id, kind, jwk, key_mode=key_mode, now=now))
        for record in old:
            if record.holder_thumbprint != thumb:
                _revoke(db, record, None)
    return fresh


# --- the server-held fallback holder key ----------------------------------------------------------


def server_holder_key(db: Session, user_id: int) -> ec.EllipticCurvePrivateKey:
    """Fallback holder key for browsers without WebCrypto; credentials bound to it say key_mode=server."""
    row = db.exec(select(ServerHolderKey).where(ServerHolderKey.user_id == user_id)).first()
    if row is None:
        key = new_p256_key()
        row = ServerHolderKey(user_id=user_id, sealed_key=seal(private_key_pem(key), f"holder:{user_id}"),
                              thumbprint=jwk_thumbprint(public_jwk(key)))
        db.add(row)
        db.flush()
        return key
    return load_private_pem(unseal(row.sealed_key, f"holder:{user_id}"))


# --- presenting (holder side; the browser twin is assets/wallet/wallet.js) -------------------------


def split_sd_jwt(sd_jwt: str) -> tuple[str, list[str]]:
    parts = sd_jwt.split("~")
    return parts[0], [p for p in parts[1:] if p]


def disclosure_name(disclosure: str) -> str | None:
    value = json.loads(b64u_decode(disclosure))
    return value[1] if isinstance(value, list) and len(value) == 3 else None


def build_presentation(sd_jwt: str, disclose: Iterable[str], holder_key: ec.EllipticCurvePrivateKey, aud: str,
                       nonce: str, iat: int | None = None) -> str:
    """Keep only the disclosures named in ``disclose`` and append a KB-JWT over them."""
    issuer_jwt, disclosures = split_sd_jwt(sd_jwt)
    wanted = set(disclose)
    chosen = [d for d in disclosures if disclosure_name(d) in wanted]
    body = "~".join([issuer_jwt, *chosen, ""])
    kb_payload = {"iat": iat if iat is not None else epoch(utcnow()), "aud": aud, "nonce": nonce,
                  "sd_hash": sha256_b64u(body)}
    return body + jws_encode({"alg": ES256, "typ": KB_JWT_TYP}, kb_payload, holder_key)


# --- verifier requests (mode B) and one-time QR (mode C) -------------------------------------------


def create_verifier_request(db: Session, aud: str, now: datetime | None = None) -> VerifierRequest:
    """A fresh single-use nonce stored server-side for five minutes, plus the compact QR text."""
    if not aud or len(aud) > 120 or ":" not in aud or any(c.isspace() for c in aud):
        raise DomainError("identity.verify.bad_audience")
    now = now or utcnow()
    db.exec(delete(PresentationNonce).where(PresentationNonce.expires_at < now - NONCE_TTL))
    nonce = b64u(secrets.token_bytes(12))
    row = PresentationNonce(nonce=nonce, aud=aud, created_at=now, expires_at=now + NONCE_TTL)
    db.add(row)
    db.flush()
    return VerifierRequest(nonce, aud, row.expires_at, f"{VERIFIER_QR_PREFIX}{nonce}:{aud}")


def parse_verifier_request(text: str) -> tuple[str, str]:
    """(nonce, aud) from a verifier QR; the wallet shows ``aud`` to the citizen before answering."""
    if not isinstance(text, str) or not text.startswith(VERIFIER_QR_PREFIX):
        raise DomainError("identity.verify.bad_request_qr")
    nonce, _, aud = text[len(VERIFIER_QR_PREFIX):].partition(":")
    if len(nonce) != 16 or not aud:
        raise DomainError("identity.verify.bad_request_qr")
    return nonce, aud


def consume_nonce(db: Session, nonce: str, now: datetime | None = None) -> str:
    """Mark the nonce used and return its audience; unknown, used or stale nonces are refused."""
    now = now or utcnow()
    row = db.get(PresentationNonce, nonce or "")
    if row is None or row.used_at is not None or row.expires_at < now:
        raise VerificationError("identity.verify.wrong_nonce")
    row.used_at = now
    db.flush()
    return row.aud


# --- strict verification --------------------------------------------------------------------------


def _fail(code: str) -> VerificationError:
    return VerificationError(f"identity.verify.{code}")


def _verify_issuer_jwt(token: str, trusted_jwks: Mapping[str, dict[str, Any]]) -> dict[str, Any]:
    header, payload, signing_input, signature = jws_parse(token)
    if header.get("alg") not in ALLOWED_ALGS:
        raise _fail("bad_alg")
    if header.get("typ") != SD_JWT_TYP:
        raise _fail("bad_typ")
    if "crit" in header:
        raise _fail("malformed")
    jwks = trusted_jwks.get(payload.get("iss")) if isinstance(payload.get("iss"), str) else None
    if jwks is None:
        raise _fail("untrusted_issuer")
    jwk = find_key(jwks, header.get("kid"))
    if jwk is None or not verify_es256(jwk_to_public_key(jwk), signing_input, signature):
        raise _fail("bad_signature")
    return payload


def _check_times(payload: dict[str, Any], now: int) -> None:
    exp, nbf, iat = payload.get("exp"), payload.get("nbf"), payload.get("iat")
    if not isinstance(exp, int) or not isinstance(iat, int) or (nbf is not None and not isinstance(nbf, int)):
        raise _fail("malformed")
    if now > exp + MAX_SKEW:
        raise _fail("expired")
    if (nbf is not None and now < nbf - MAX_SKEW) or iat > now + MAX_SKEW:
        raise _fail("not_yet_valid")


def _collect_digests(node: Any, out: list[str]) -> None:
    """Every digest in the payload: ``_sd`` arrays and ``{"...": d}`` array elements, recursively."""
    if isinstance(node, dict):
        sd = node.get("_sd", [])
        if not isinstance(sd, list) or not all(isinstance(d, str) for d in sd):
            raise _fail("malformed")
        out.extend(sd)
        for key, value in node.items():
            if key == "..." and isinstance(value, str) and len(node) == 1:
                out.append(value)
            elif key != "_sd":
                _collect_digests(value, out)
    elif isinstance(node, list):
        for item in node:
            _collect_digests(item, out)


def _decode_disclosures(disclosures: list[str]) -> dict[str, list[Any]]:
    by_digest: dict[str, list[Any]] = {}
    for disclosure in disclosures:
        try:
            value = json.loads(b64u_decode(disclosure))
        except (ValueError, UnicodeDecodeError) as exc:
            raise _fail("bad_disclosure") from exc
        if not isinstance(value, list) or len(value) not in (2, 3) or not isinstance(value[0], str):
            raise _fail("bad_disclosure")
        if len(value) == 3 and (not isinstance(value[1], str) or value[1] in ("_sd", "...")):
            raise _fail("bad_disclosure")
        digest = sha256_b64u(disclosure)
        if digest in by_digest:
            raise _fail("bad_disclosure")
        by_digest[digest] = value
    return by_digest


def _resolve(node: Any, by_digest: dict[str, list[Any]], used: set[str]) -> Any:
    """Replace digests by disclosed values (RFC 9901 §7.1); unknown digests are decoys and dropped."""
    if isinstance(node, list):
        out = []
        for item in node:
            if isinstance(item, dict) and set(item) == {"..."}:
                value = by_digest.get(item["..."])
                if value is not None:
                    if len(value) != 2:
                        raise _fail("bad_disclosure")
                    used.add(item["..."])
                    out.append(_resolve(value[1], by_digest, used))
            else:
                out.append(_resolve(item, by_digest, used))
        return out
    if not isinstance(node, dict):
        return node
    result = {k: _resolve(v, by_digest, used) for k, v in node.items() if k not in ("_sd", "_sd_alg")}
    for digest in node.get("_sd", []):
        value = by_digest.get(digest)
        if value is None:
            continue
        if len(value) != 3 or value[1] in result:
            raise _fail("bad_disclosure")
        used.add(digest)
        result[value[1]] = _resolve(value[2], by_digest, used)
    return result


def _disclose(payload: dict[str, Any], disclosures: list[str]) -> tuple[dict[str, Any], tuple[str, ...]]:
    if payload.get("_sd_alg", SD_ALG) != SD_ALG:
        raise _fail("bad_alg")
    all_digests: list[str] = []
    _collect_digests(payload, all_digests)
    if len(all_digests) != len(set(all_digests)):
        raise _fail("bad_disclosure")
    by_digest = _decode_disclosures(disclosures)
    used: set[str] = set()
    claims = _resolve(payload, by_digest, used)
    if used != set(by_digest):  # a disclosure whose digest is not in the credential: tampered
        raise _fail("bad_disclosure")
    names = tuple(v[1] for v in by_digest.values() if len(v) == 3)
    return claims, names


def _verify_kb_jwt(kb_jwt: str, body: str, holder_jwk: Any, expected_aud: str, expected_nonce: str | None,
                   now: int) -> dict[str, Any]:
    if not kb_jwt:
        raise _fail("missing_kb")
    header, payload, signing_input, signature = jws_parse(kb_jwt)
    if header.get("alg") not in ALLOWED_ALGS:
        raise _fail("bad_alg")
    if header.get("typ") != KB_JWT_TYP:
        raise _fail("bad_typ")
    if not verify_es256(jwk_to_public_key(holder_jwk), signing_input, signature):
        raise _fail("bad_kb_signature")
    if payload.get("sd_hash") != sha256_b64u(body):
        raise _fail("bad_sd_hash")
    if not isinstance(payload.get("aud"), str) or payload["aud"] != expected_aud:
        raise _fail("wrong_audience")
    nonce, iat = payload.get("nonce"), payload.get("iat")
    if not isinstance(nonce, str) or not nonce or len(nonce) > 64:
        raise _fail("wrong_nonce")
    if expected_nonce is not None and not secrets.compare_digest(nonce, expected_nonce):
        raise _fail("wrong_nonce")
    if not isinstance(iat, int):
        raise _fail("malformed")
    max_age = int(NONCE_TTL.total_seconds()) if expected_nonce is not None else ONE_TIME_WINDOW
    if iat > now + MAX_SKEW or now - iat > max_age:
        raise _fail("stale_kb")
    return payload


def _check_status(payload: dict[str, Any], jwks: Mapping[str, Any], status_fetcher: Callable[[str], str] | None,
                  now: int) -> None:
    status = payload.get("status")
    if status is None:
        if payload["exp"] - payload["iat"] > STATUS_OPTIONAL_SECONDS:
            raise _fail("status_unavailable")
        return
    ref = status.get("status_list") if isinstance(status, dict) else None
    if not isinstance(ref, dict) or not isinstance(ref.get("idx"), int) or not isinstance(ref.get("uri"), str):
        raise _fail("malformed")
    if status_fetcher is None:
        raise _fail("status_unavailable")
    try:
        token = status_fetcher(ref["uri"])
    except Exception as exc:  # any fetch failure fails closed
        raise _fail("status_unavailable") from exc
    if check_status(token, ref["uri"], ref["idx"], jwks, now) != 0:
        raise _fail("revoked")


def _check_credential(issuer_jwt: str, disclosures: list[str], trusted_jwks: Mapping[str, dict[str, Any]], now: int,
                      expected_vct: Iterable[str] | None, allowed_vct: Mapping[str, Collection[str]] | None,
                      ) -> tuple[dict[str, Any], dict[str, Any], tuple[str, ...]]:
    """The issuer-signed part: trusted issuer and signature, times, type, disclosures, holder binding."""
    payload = _verify_issuer_jwt(issuer_jwt, trusted_jwks)
    _check_times(payload, now)
    vct = payload.get("vct")
    if not isinstance(vct, str) or (expected_vct is not None and vct not in set(expected_vct)):
        raise _fail("wrong_type")
    if allowed_vct is not None and vct not in allowed_vct.get(payload["iss"], ()):
        raise _fail("untrusted_type")
    claims, names = _disclose(payload, disclosures)
    cnf = payload.get("cnf")
    if not isinstance(cnf, dict) or not isinstance(cnf.get("jwk"), dict):
        raise _fail("missing_cnf")  # we only accept holder-bound credentials
    return payload, claims, names


def verify_received(credential: str, trusted_jwks: Mapping[str, dict[str, Any]],
                    status_fetcher: Callable[[str], str] | None, *, iss: str, vct: str,
                    holder_jwk: dict[str, str], now: int | datetime | None = None) -> VerifiedPresentation:
    """Check an SD-JWT VC a wallet has just received (no key binding yet): signed by ``iss`` with a trusted key,
    of type ``vct``, valid now, every disclosure in it, bound to ``holder_jwk`` and not revoked."""
    at = _as_epoch(now)
    try:
        if not isinstance(credential, str) or len(credential) > MAX_PRESENTATION or not credential.endswith("~"):
            raise _fail("malformed")
        issuer_jwt, disclosures = split_sd_jwt(credential)
        payload, claims, names = _check_credential(issuer_jwt, disclosures, trusted_jwks, at, [vct], {iss: {vct}})
        if jwk_thumbprint(payload["cnf"]["jwk"]) != jwk_thumbprint(holder_jwk):
            raise _fail("missing_cnf")
        _check_status(payload, trusted_jwks[iss], status_fetcher, at)
    except JoseError as exc:
        raise VerificationError(exc.code) from exc
    visible = {k: v for k, v in claims.items() if k not in REGISTERED}
    return VerifiedPresentation(iss, vct, VCT_TO_KIND.get(vct), visible, payload["cnf"]["jwk"], payload["iat"],
                                payload["exp"], "issued", names)


def _as_epoch(now: int | datetime | None) -> int:
    if now is None:
        return epoch(utcnow())
    return now if isinstance(now, int) else epoch(now)


def strict_verify(presentation: str, expected_aud: str, expected_nonce: str | None, now: int | datetime | None,
                  trusted_jwks: Mapping[str, dict[str, Any]], status_fetcher: Callable[[str], str] | None,
                  replay_cache: ReplayCache, *, expected_vct: Iterable[str] | None = None,
                  allowed_vct: Mapping[str, Collection[str]] | None = None) -> VerifiedPresentation:
    """Verify an SD-JWT VC presentation or raise ``VerificationError``.

    ``expected_nonce`` given: mode B (the nonce is the one this verifier issued and is consumed here).
    ``expected_nonce`` None: mode C one-time QR (KB-JWT at most 60 s old, its nonce used as a jti once).
    ``trusted_jwks`` maps issuer identifier -> JWKS. ``status_fetcher(uri)`` returns a status list JWT.
    ``allowed_vct`` (issuer -> vct values): an issuer is trusted only for the types listed for it.
    """
    try:
        return _strict_verify(presentation, expected_aud, expected_nonce, _as_epoch(now), trusted_jwks,
                              status_fetcher, replay_cache, expected_vct, allowed_vct)
    except JoseError as exc:
        raise VerificationError(exc.code) from exc


def _strict_verify(presentation: str, expected_aud: str, expected_nonce: str | None, now: int,
                   trusted_jwks: Mapping[str, dict[str, Any]], status_fetcher: Callable[[str], str] | None,
                   replay_cache: ReplayCache, expected_vct: Iterable[str] | None,
                   allowed_vct: Mapping[str, Collection[str]] | None) -> VerifiedPresentation:
    if not isinstance(presentation, str) or len(presentation) > MAX_PRESENTATION or "~" not in presentation:
        raise _fail("malformed")
    parts = presentation.strip().split("~")
    issuer_jwt, disclosures, kb_jwt = parts[0], parts[1:-1], parts[-1]
    if any(not d for d in disclosures):
        raise _fail("malformed")
    payload, claims, names = _check_credential(issuer_jwt, disclosures, trusted_jwks, now, expected_vct, allowed_vct)
    cnf = payload["cnf"]
    vct = payload["vct"]
    body = presentation.strip()[: len(presentation.strip()) - len(kb_jwt)]
    kb = _verify_kb_jwt(kb_jwt, body, cnf["jwk"], expected_aud, expected_nonce, now)
    _check_status(payload, trusted_jwks[payload["iss"]], status_fetcher, now)
    if expected_nonce is not None:
        if not replay_cache.use_once(f"n:{kb['nonce']}", now + int(NONCE_TTL.total_seconds()) + MAX_SKEW):
            raise _fail("replay")
        mode = "nonce"
    else:
        one_time_id = kb.get("jti") if isinstance(kb.get("jti"), str) else kb["nonce"]
        if not replay_cache.use_once(f"j:{hashlib.sha256(one_time_id.encode()).hexdigest()[:40]}",
                                     kb["iat"] + ONE_TIME_WINDOW + 2 * MAX_SKEW):
            raise _fail("replay")
        mode = "one_time"
    visible = {k: v for k, v in claims.items() if k not in REGISTERED}
    return VerifiedPresentation(payload["iss"], vct, VCT_TO_KIND.get(vct), visible, cnf["jwk"], payload["iat"],
                                payload["exp"], mode, names)


# --- the app's own online verifier ----------------------------------------------------------------


def local_trusted_jwks() -> dict[str, dict[str, Any]]:
    from citizen_app.wallet.issuer import issuer_jwks

    return {issuer_id(): issuer_jwks()}


def local_status_fetcher(db: Session) -> Callable[[str], str]:
    """Read our own status lists straight from the database (same JWT the route serves)."""
    from citizen_app.wallet.issuer import status_list_uri
    from citizen_app.wallet.status_list import build_status_list_jwt

    def fetch(uri: str) -> str:
        list_id = uri.rsplit("/", 1)[-1]
        if status_list_uri(list_id) != uri:
            raise _fail("status_unavailable")
        return build_status_list_jwt(db, list_id)

    return fetch


def verify_online(db: Session, presentation: str, nonce: str | None = None,
                  expected_vct: Iterable[str] | None = None, consumed_aud: str | None = None) -> VerifiedPresentation:
    """Verify at our server: with ``nonce`` (mode B) or as a one-minute QR (mode C).

    The nonce is consumed here unless the caller already did so in its own committed transaction
    (``consumed_aud``), which makes even a failed attempt burn the nonce. The presentation is logged
    in the holder's activity log (the verifier audience and claim names).
    """
    now = utcnow()
    aud = ONE_TIME_AUD
    if nonce is not None:
        aud = consumed_aud if consumed_aud is not None else consume_nonce(db, nonce, now)
    from citizen_app.wallet import trusted_issuers

    result = trusted_issuers.strict_verify(db, presentation, aud, nonce, now, DbReplayCache(db), expected_vct)
    record_presentation(db, result, aud, sorted(result.claims))
    return result


def record_presentation(db: Session, result: VerifiedPresentation, verifier: str, claims: Iterable[str]) -> None:
    """Log in the holder's activity log which credential was shown to whom, with the names of the claims shared."""
    holder = holder_of(db, result)
    if holder is not None:
        record_activity(db, holder[0], "credential_presented", "identity.activity.credential_presented",
                        {"kind": holder[1], "verifier": verifier, "claims": ", ".join(claims)})


def holder_of(db: Session, result: VerifiedPresentation) -> tuple[int, str | dict[str, str]] | None:
    """(account, the credential's kind or name) of the wallet holding the presented credential: ours by the key
    and type, another trusted issuer's by the record the wallet kept when it received it."""
    thumb = jwk_thumbprint(result.holder_jwk)
    if result.iss == issuer_id():
        record = db.exec(select(IssuedCredential).where(IssuedCredential.holder_thumbprint == thumb,
                                                        IssuedCredential.vct == result.vct)).first()
        return (record.user_id, record.kind) if record is not None else None
    held = db.exec(select(HeldCredential).where(HeldCredential.holder_thumbprint == thumb,
                                                HeldCredential.vct == result.vct,
                                                HeldCredential.issuer == result.iss)).first()
    if held is None:
        return None
    from citizen_app.wallet.trusted_issuers import configuration_name

    return held.user_id, configuration_name(held.issuer, held.configuration_id)


def present_with_server_key(db: Session, user_id: int, credential: str, disclose: Iterable[str], aud: str,
                            nonce: str | None = None) -> str:
    """Fallback presentation for browsers without WebCrypto, signed with the server-held holder key."""
    key = server_holder_key(db, user_id)
    issuer_jwt, _ = split_sd_jwt(credential)
    try:
        _, payload, _, _ = jws_parse(issuer_jwt)
    except JoseError as exc:
        raise DomainError("identity.verify.malformed") from exc
    cnf = payload.get("cnf")
    if not isinstance(cnf, dict) or cnf.get("jwk") != public_jwk(key):
        raise NotAllowed("identity.credential.not_server_key")
    try:
        return build_presentation(credential, disclose, key, aud, nonce or b64u(secrets.token_bytes(12)))
    except ValueError as exc:  # a disclosure that is not base64url JSON
        raise DomainError("identity.verify.malformed") from exc
