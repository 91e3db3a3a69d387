"""The ward desk: checking a citizen's chip ID card in person, to verify their identity (level 2) or to issue
an account recovery code (``recovery.issue_recovery_code``).

Who may act: an **official of the citizen's own ward**, with the citizen and the card present. The official's
ward is the ward of their agency (``UserAccount.agency_id`` → ``Agency.ward``: the ward People's Committee or the
ward police; city-level agencies have none). The citizen's ward is the one in their identity profile
(``IdentityProfile.ward``, else the "phường …" named in its address: ``profile.ward_of``). The two must match
(``profile.same_ward``: diacritics, case and the "phường" prefix ignored). Volunteers, administrators, officials
of a city-level agency or of another ward, and the citizen themselves are refused.

What the look-up shows: the name, the year of birth and the ward — enough to recognise the person in front of
the desk, who holds the card. Never the ID number or any part of it, the full birth date or the street address.

Wrong ID numbers count, in ``login_attempt`` (``desk:citizen:<id>`` and ``desk:official:<id>``): after
``CITIZEN_LIMIT`` wrong numbers for one citizen, or ``OFFICIAL_LIMIT`` by one official, within ``WINDOW``, the
desk refuses further checks. Every wrong number and every refusal goes to the citizen's activity log; the
citizen is alerted on every channel (in-app, push, SMS/e-mail) when the limit is reached, at most once per
``WINDOW``. These refusals are ``RecordedRefusal``s, so the records commit although the action failed.
"""

from __future__ import annotations

import hmac
import re
from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session

from citizen_app.core.errors import DomainError, NotAllowed, NotFound, RecordedRefusal
from citizen_app.core.timeutil import utcnow
from citizen_app.identity.activity import record_activity
from citizen_app.identity.models import Agency, IdentityProfile, LoginAttempt, UserAccount
from citizen_app.identity.profile import get_profile, same_ward, set_level, ward_of
from citizen_app.identity.service import (
    LOCK_WINDOW,
    find_by_identifier,
    parse_identifier,
    recent_failures,
    require_role,
)
from citizen_app.notify.service import alert_account, alerted_since

DESK_ROLE = "official"
CITIZEN_LIMIT = 3
OFFICIAL_LIMIT = 10
WINDOW = LOCK_WINDOW
LOCK_ALERT_TITLE = "identity.alert.desk_locked_title"


class CardRefused(RecordedRefusal):
    """A wrong ID number, or a check refused by the attempt limits: the failure record commits."""

    def __init__(self, code: str, **params: object) -> None:
        super().__init__(code, **params)


@dataclass(frozen=True)
class DeskCitizen:
    """What the desk shows about the citizen found: enough to recognise them, nothing to impersonate them."""

    user_id: int
    full_name: str
    birth_year: str
    ward: str
    level: int


def desk_ward(db: Session, actor_id: int | None) -> str:
    """The ward the acting official serves (their agency's); anyone else is refused."""
    require_role(db, actor_id, DESK_ROLE)
    actor = db.get(UserAccount, actor_id)
    agency = db.get(Agency, actor.agency_id) if actor is not None and actor.agency_id else None
    if agency is None or not agency.ward:
        raise NotAllowed("identity.desk.ward_officials_only")
    return agency.ward


def _citizen_ward(profile: IdentityProfile) -> str:
    return ward_of(profile.ward, profile.address)


def find_citizen(db: Session, actor_id: int | None, phone: str) -> DeskCitizen:
    """An official looks up a citizen of their ward by phone number; the look-up goes to the citizen's log.

    A citizen of another ward is "not found" like an unknown number: the desk learns nothing about them."""
    ward = desk_ward(db, actor_id)
    ident = parse_identifier(phone)
    if ident.kind != "phone":
        raise DomainError("identity.desk.phone_only")
    user = find_by_identifier(db, ident)
    profile = get_profile(db, user.id) if user is not None and user.is_active else None
    if user is None or profile is None or not same_ward(ward, _citizen_ward(profile)):
        raise NotFound("identity.desk.not_found")
    actor = db.get(UserAccount, actor_id)
    agency = db.get(Agency, actor.agency_id) if actor and actor.agency_id else None
    record_activity(db, user.id, "official_access", "identity.activity.official_access",
                    {"agency": agency.name_vi if agency else "Công dân số", "reason": "xác thực danh tính / ID check"},
                    actor_id=actor_id)
    return DeskCitizen(user.id, profile.full_name, str(profile.birth_date.year) if profile.birth_date else "",
                       _citizen_ward(profile), profile.level)


def citizen_at_desk(db: Session, actor_id: int | None, citizen_id: int, self_key: str) -> IdentityProfile:
    """The profile of a citizen the acting official may serve: not themselves (``self_key`` says why), same ward."""
    ward = desk_ward(db, actor_id)
    if actor_id == citizen_id:
        raise NotAllowed(self_key)
    profile = get_profile(db, citizen_id)
    if profile is None:
        raise NotFound("identity.desk.not_found")
    if not same_ward(ward, _citizen_ward(profile)):
        raise NotAllowed("identity.desk.other_ward", ward=ward)
    return profile


def _citizen_key(user_id: int) -> str:
    return f"desk:citizen:{user_id}"


def _official_key(user_id: int) -> str:
    return f"desk:official:{user_id}"


def _limit_reached(db: Session, actor_id: int, citizen_id: int, now: datetime) -> bool:
    return (recent_failures(db, _citizen_key(citizen_id), now) >= CITIZEN_LIMIT
            or recent_failures(db, _official_key(actor_id), now) >= OFFICIAL_LIMIT)


def _refuse(db: Session, actor_id: int, citizen_id: int, now: datetime) -> CardRefused:
    """Log the refusal for the citizen and alert them (once per window); the error to raise."""
    record_activity(db, citizen_id, "official_access", "identity.activity.desk_refused", {}, actor_id=actor_id)
    if not alerted_since(db, citizen_id, LOCK_ALERT_TITLE, now - WINDOW):
        alert_account(db, citizen_id, LOCK_ALERT_TITLE, "identity.alert.desk_locked_body")
    return CardRefused("identity.desk.locked", minutes=int(WINDOW.total_seconds() // 60))


def check_card(db: Session, actor_id: int, profile: IdentityProfile, typed: str, now: datetime | None = None) -> None:
    """The number the official typed from the card must be the profile's, within the attempt limits.

    Call it after ``citizen_at_desk`` and before writing anything: a refusal commits the transaction."""
    now = now or utcnow()
    citizen_id = profile.user_id
    if _limit_reached(db, actor_id, citizen_id, now):
        raise _refuse(db, actor_id, citizen_id, now)
    typed_digits = re.sub(r"[\s.\-]", "", typed or "").encode()  # bytes: any character typed compares safely
    if profile.id_number and hmac.compare_digest(typed_digits, profile.id_number.encode()):
        return
    db.add_all([LoginAttempt(identifier=_citizen_key(citizen_id), at=now, success=False),
                LoginAttempt(identifier=_official_key(actor_id), at=now, success=False)])
    record_activity(db, citizen_id, "official_access", "identity.activity.desk_wrong_card", {}, actor_id=actor_id)
    if _limit_reached(db, actor_id, citizen_id, now):
        raise _refuse(db, actor_id, citizen_id, now)
    raise CardRefused("identity.profile.id_card_mismatch")


def verify_profile(db: Session, actor_id: int | None, user_id: int, id_number_on_card: str,
                   now: datetime | None = None) -> IdentityProfile:
    """An official of the citizen's ward saw the ID card: the number they typed must match the profile.

    The citizen is told on every channel, so a verification they did not ask for does not go unnoticed."""
    profile = citizen_at_desk(db, actor_id, user_id, "identity.profile.no_self_verify")
    if not profile.id_number or not profile.birth_date or not profile.sex:
        raise DomainError("identity.profile.incomplete")
    check_card(db, actor_id, profile, id_number_on_card, now)  # type: ignore[arg-type]
    set_level(db, profile, 2)
    profile.verified_by, profile.verified_method, profile.verified_at = actor_id, "id_card", utcnow()
    db.flush()
    record_activity(db, user_id, "profile_verified", "identity.activity.profile_verified_card", {}, actor_id=actor_id)
    alert_account(db, user_id, "identity.alert.verified_title", "identity.alert.verified_body")
    return profile
