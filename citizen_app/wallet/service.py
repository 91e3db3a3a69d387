"""The rules behind the wallet pages (no Reflex import): the holder's credential rows, revoking one's own
credential, the counter verifier and official-approved student credential offers (the ward desk's own rules are in
``identity/desk.py``).

Every function takes the acting user id from the caller (the Reflex state reads it from the
server-side session) and authorizes here, so a crafted event cannot skip a check.
"""

from __future__ import annotations

import json
import re
import secrets
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

from sqlmodel import Session, col, select

from citizen_app.core.db import session_scope
from citizen_app.core.errors import DomainError, NotAllowed, NotFound
from citizen_app.core.hooks import Hook
from citizen_app.core.timeutil import format_date, format_datetime, utcnow
from citizen_app.i18n.catalog import LANGS, catalog
from citizen_app.identity.crypto import (
    ES256,
    JoseError,
    b64u_decode,
    epoch,
    jws_encode,
    jws_verify,
)
from citizen_app.identity.models import Agency, UserAccount
from citizen_app.identity.service import find_by_identifier, parse_identifier, require_role
from citizen_app.identity.views import msg, safe_error_key
from citizen_app.wallet import credentials as cr
from citizen_app.wallet import words
from citizen_app.wallet.issuer import issuer_key
from citizen_app.wallet.models import HeldCredential, IssuedCredential, PresentationNonce
from citizen_app.wallet.qr_transport import decode_from_qr

# Claims the citizen may tick, and the minimum shown by default (the claim that gives the credential meaning).
DISCLOSABLE: dict[str, tuple[str, ...]] = {kind: ctype.sd_claims for kind, ctype in cr.TYPES.items()}
MINIMUM: dict[str, tuple[str, ...]] = {"identity": ("full_name",), "residence": ("resident_hcmc",),
                                       "student": ("student",), "result": ("outcome",)}
SELF_SERVICE_KINDS = ("age60", "age18", "identity", "residence")
PER_ISSUE_KINDS = ("result",)  # each procedure result is its own credential; other kinds: the newest replaces
WEB_AUDIENCE = "cds:v:web"
OFFER_PREFIX = "cdsof1:"
OFFER_TTL = 15 * 60
# Other pillars connect ``(db, user_id) -> {credential id: URL}``, e.g. procedures links a result credential to its
# signed PDF (citizen_app/procedures/wallet_result.py).
CREDENTIAL_LINKS = Hook("wallet.credential_links")


# --- the citizen's credentials ----------------------------------------------------------------------


@dataclass(frozen=True)
class CredentialRow:
    id: int
    kind: str
    issued: str
    expires: str
    status: str  # "valid", "revoked", "expired"
    key_mode: str
    link: str = ""  # e.g. the signed result PDF of a procedure-result credential

    def as_dict(self) -> dict[str, str]:
        return {"id": str(self.id), "kind": self.kind, "issued": self.issued, "expires": self.expires,
                "status": self.status, "key_mode": self.key_mode, "link": self.link}


def credential_links(db: Session, user_id: int) -> dict[int, str]:
    links: dict[int, str] = {}
    for found in CREDENTIAL_LINKS(db, user_id):
        links.update(found)
    return links


def _current(records: list[IssuedCredential], now: datetime) -> list[IssuedCredential]:
    """One entry per credential: a re-issued one replaces the older entry of its kind instead of piling up
    beside it (each procedure result stays its own). The newest usable one is shown, else the newest.
    ``records`` come newest first."""
    groups: dict[tuple[str, int], list[IssuedCredential]] = {}
    for record in records:
        key = (record.kind, (record.id or 0) if record.kind in PER_ISSUE_KINDS else 0)
        groups.setdefault(key, []).append(record)
    usable = [next((r for r in group if r.revoked_at is None and r.expires_at > now), group[0])
              for group in groups.values()]
    return sorted(usable, key=lambda r: r.issued_at, reverse=True)


def credential_rows(db: Session, user_id: int) -> list[CredentialRow]:
    now = utcnow()
    links = credential_links(db, user_id)
    rows = []
    for record in _current(cr.list_credentials(db, user_id, include_inactive=True), now)[:50]:
        status = "revoked" if record.revoked_at else ("expired" if record.expires_at <= now else "valid")
        rows.append(CredentialRow(record.id or 0, record.kind, format_date(record.issued_at),
                                  format_date(record.expires_at), status, record.key_mode,
                                  links.get(record.id or 0, "")))
    return rows


def held_rows(db: Session, user_id: int) -> list[dict[str, str]]:
    """Credentials other trusted issuers gave this wallet, still valid: what they are and from whom, in words."""
    from citizen_app.wallet.trusted_issuers import configuration_name

    rows = db.exec(select(HeldCredential).where(HeldCredential.user_id == user_id,
                                                HeldCredential.expires_at > utcnow())
                   .order_by(col(HeldCredential.received_at).desc()).limit(50)).all()
    return [{**configuration_name(r.issuer, r.configuration_id), "expires": format_date(r.expires_at)} for r in rows]


def revoke_own_credential(db: Session, user_id: int, credential_id: int) -> None:
    """The holder revokes one of their own credentials (officials use their own back-office path)."""
    record = db.get(IssuedCredential, credential_id)
    if record is None or record.user_id != user_id:
        raise NotFound()
    cr.revoke_credential(db, user_id, credential_id)


def default_disclosure(kind: str) -> list[str]:
    return list(MINIMUM.get(kind, ()))


def clean_disclosure(kind: str, chosen: list[str]) -> list[str]:
    """Keep only claims this credential type can disclose (never trust the browser's list)."""
    allowed = DISCLOSABLE.get(kind, ())
    return [name for name in allowed if name in set(chosen)]


# --- the counter verifier ----------------------------------------------------------------------------


@dataclass
class CounterResult:
    ok: bool
    reason: dict[str, str]
    kind: str = ""
    claims: list[dict[str, str]] = field(default_factory=list)
    headline: dict[str, str] = field(default_factory=dict)
    issuer: str = ""  # the technical ``iss`` (shown under "details"); ``issuer_name`` is what people read
    issuer_name: dict[str, str] = field(default_factory=dict)
    vct: str = ""
    expires: str = ""
    status_checked: str = ""
    mode: str = ""
    consumed: bool = False  # the verifier's request (nonce) was used up by this check


def _kb_audience(presentation: str) -> str | None:
    """Peek (unverified) at the KB-JWT audience to pick the mode; strict_verify checks it afterwards."""
    kb = presentation.rsplit("~", 1)[-1]
    try:
        payload = json.loads(b64u_decode(kb.split(".")[1]))
    except (IndexError, ValueError, JoseError):
        return None
    aud = payload.get("aud") if isinstance(payload, dict) else None
    return aud if isinstance(aud, str) else None


def claim_line(name: str, value: Any) -> dict[str, str]:
    label = catalog().get(f"identity.claim.{name}")
    if isinstance(value, bool):
        shown = msg("identity.ui.yes") if value else msg("identity.ui.no")
    elif name == "sex" and value in ("M", "F"):
        shown = msg(f"identity.ui.sex_{value}")
    elif name == "birth_date" and isinstance(value, str):
        try:
            shown = {lang: date.fromisoformat(value).strftime("%d/%m/%Y") for lang in LANGS}
        except ValueError:
            shown = {lang: value for lang in LANGS}
    else:
        shown = {lang: str(value)[:200] for lang in LANGS}
    names = label or {lang: name for lang in LANGS}
    return {f"label_{lang}": names[lang] for lang in LANGS} | {f"value_{lang}": shown[lang] for lang in LANGS}


def _headline(kind: str | None, claims: dict[str, Any]) -> dict[str, str]:
    for limit in (60, 18):
        if claims.get(f"age_over_{limit}") is True:
            return msg(f"identity.verifier.headline_age{limit}")
    if claims.get("student") is True:
        return msg("identity.verifier.headline_student")
    if claims.get("resident_hcmc") is True:
        return msg("identity.verifier.headline_resident")
    return msg(f"identity.kind.{kind}") if kind else msg("identity.verify.ok")


def _nonce_was_used(nonce: str) -> bool:
    with session_scope() as db:
        row = db.get(PresentationNonce, nonce)
        return row is not None and row.used_at is not None


def _rejected(code: str, consumed: bool = False) -> CounterResult:
    return CounterResult(False, msg(safe_error_key(code)), consumed=consumed)


def verify_at_counter(text: str, nonce: str | None) -> CounterResult:
    """Check a scanned or pasted presentation: nonce mode when the KB-JWT names a verifier, else the
    one-minute QR. The verifier's nonce is burnt in its own transaction whatever the outcome."""
    try:
        presentation = decode_from_qr(str(text or "")[:cr.MAX_PRESENTATION * 2])
    except DomainError as exc:
        return _rejected(exc.code)
    one_time = _kb_audience(presentation) == cr.ONE_TIME_AUD
    aud = None
    if not one_time:
        if not nonce:
            return _rejected("identity.verify.wrong_nonce")
        try:
            with session_scope() as db:
                aud = cr.consume_nonce(db, nonce)
        except DomainError as exc:
            # Spent by an earlier check (failed or not): say so, and what to do; it is not a sign of a copy.
            used = _nonce_was_used(nonce)
            return _rejected("identity.verify.request_spent" if used else exc.code, consumed=used)
    try:
        with session_scope() as db:
            result = cr.verify_online(db, presentation, nonce=None if one_time else nonce, consumed_aud=aud)
    except DomainError as exc:
        return _rejected(exc.code, consumed=not one_time)
    lines = [claim_line(k, v) for k, v in result.claims.items()]
    return CounterResult(True, msg("identity.verify.ok"), result.kind or "", lines, _headline(result.kind,
                         result.claims), result.iss, words.issuer_name(result.iss), result.vct,
                         format_date(datetime.fromtimestamp(result.exp, UTC)), format_datetime(utcnow()),
                         result.mode, consumed=not one_time)


def new_verifier_request(db: Session, actor_id: int | None) -> cr.VerifierRequest:
    """A fresh nonce; an official's requests carry the agency code as audience, others the web verifier."""
    aud = WEB_AUDIENCE
    if actor_id is not None:
        actor = db.get(UserAccount, actor_id)
        agency = db.get(Agency, actor.agency_id) if actor and actor.agency_id else None
        if agency is not None and re.fullmatch(r"[a-z0-9-]{1,60}", agency.code):
            aud = f"cds:v:{agency.code}"
    return cr.create_verifier_request(db, aud)


# --- student credentials: approved by an official, collected by the student --------------------------


def make_student_offer(db: Session, actor_id: int | None, student_phone: str, school: str,
                       student_name: str) -> str:
    """An official who checked the student card signs a 15-minute, single-use offer for that student.

    The student's own wallet redeems it (``redeem_student_offer``) so the credential is bound to the
    key on the student's phone, not to the official's device.
    """
    require_role(db, actor_id, "official", "admin")
    ident = parse_identifier(student_phone)
    if ident.kind != "phone":
        raise DomainError("identity.desk.phone_only")
    user = find_by_identifier(db, ident)
    if user is None:
        raise NotFound("identity.desk.not_found")
    school, student_name = " ".join(school.split())[:120], " ".join(student_name.split())[:120]
    if not school or not student_name:
        raise DomainError("identity.credential.bad_claims")
    payload = {"sub": user.id, "act": actor_id, "sch": school, "nam": student_name,
               "exp": epoch(utcnow()) + OFFER_TTL, "jti": secrets.token_urlsafe(9)}
    return OFFER_PREFIX + jws_encode({"alg": ES256, "typ": "cds-offer"}, payload, issuer_key())


def redeem_student_offer(db: Session, user_id: int, offer: str, holder_jwk: dict[str, Any]) -> cr.IssuedSdJwt:
    """Issue the student credential named in a valid offer made for ``user_id``; each offer works once."""
    text = (offer or "").strip()
    if not text.startswith(OFFER_PREFIX):
        raise DomainError("identity.offer.invalid")
    try:
        _, payload = jws_verify(text[len(OFFER_PREFIX):], issuer_key().public_key(), "cds-offer")
    except JoseError as exc:
        raise DomainError("identity.offer.invalid") from exc
    if payload.get("sub") != user_id:
        raise NotAllowed("identity.offer.not_yours")
    exp = payload.get("exp")
    if not isinstance(exp, int) or exp < epoch(utcnow()):
        raise DomainError("identity.offer.expired")
    if not cr.DbReplayCache(db).use_once(f"o:{payload.get('jti')}", exp + 60):
        raise DomainError("identity.offer.used")
    claims = {"school": str(payload.get("sch", "")), "student_name": str(payload.get("nam", ""))}
    return cr.issue_credential(db, user_id, "student", holder_jwk, actor_id=payload.get("act"), claims=claims)

