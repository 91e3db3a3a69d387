"""City announcements and help requests to community digital-technology teams.

Plain Python: every function takes the caller's ``Session`` (one transaction per user action, committed
by the caller) and the acting user id, re-reads roles from the database and raises ``DomainError`` with
a ``city.*`` message key. Nothing here talks to the network (pushes go through the notify outbox).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy import update
from sqlmodel import Session, col, or_, select

from citizen_app.city import directory
from citizen_app.city.models import AUDIENCES, CityAnnouncement, CityHelpRequest, CityTeamMember
from citizen_app.city.text import ward_key
from citizen_app.core.errors import DomainError, NotAllowed, NotFound
from citizen_app.core.timeutil import VN_TZ, format_date, utcnow
from citizen_app.identity.activity import record_activity
from citizen_app.identity.models import Agency, UserAccount
from citizen_app.identity.profile import ward_of
from citizen_app.identity.service import find_by_identifier, parse_identifier, require_role

ANNOUNCER_ROLES = ("official", "admin")
TITLE_MAX = 120
BODY_MAX = 2000
PUSH_BODY_MAX = 300
MAX_DAYS = 366
MESSAGE_MAX = 1000
MAX_OPEN_REQUESTS = 3
ANNOUNCEMENT_URL = "/announcements"


# --- announcements --------------------------------------------------------------------------------


@dataclass(frozen=True)
class AnnouncementInput:
    title_vi: str
    body_vi: str
    title_en: str = ""
    body_en: str = ""
    audience: str = "city"
    ward: str = ""
    valid_from: datetime | None = None
    valid_until: datetime | None = None
    push: bool = False


@dataclass(frozen=True)
class AnnouncementView:
    id: int
    title_vi: str
    title_en: str
    body_vi: str
    body_en: str
    audience: str
    ward: str
    valid_from: str
    valid_until: str
    mine: bool  # for the citizen's ward (or city-wide)
    active: bool
    pushed: bool
    recipients: int


def local_day(text: str, *, end: bool = False) -> datetime | None:
    """'2026-12-01' (a date input) -> the start (or end) of that Vietnam day, as aware UTC. '' -> None."""
    text = (text or "").strip()
    if not text:
        return None
    try:
        day = date.fromisoformat(text[:10])
    except ValueError as exc:
        raise DomainError("city.announce.date_invalid") from exc
    moment = datetime.combine(day, time.max if end else time.min, VN_TZ)
    return moment.astimezone(utcnow().tzinfo)


def _text(value: str, key: str, maximum: int) -> str:
    text = (value or "").strip()
    if not 1 <= len(text) <= maximum:
        raise DomainError(key, max=maximum)
    return text


def _check_audience(db: Session, actor_id: int, roles: frozenset[str], data: AnnouncementInput) -> tuple[str, str]:
    """Admins publish anywhere; an official of a ward agency publishes for that ward only."""
    if data.audience not in AUDIENCES:
        raise DomainError("city.announce.audience_invalid")
    user = db.get(UserAccount, actor_id)
    agency = db.get(Agency, user.agency_id) if user and user.agency_id else None
    ward = (data.ward or "").strip()
    if data.audience == "ward":
        ward = ward or (agency.ward if agency else "")
        if not ward or len(ward) > 100:
            raise DomainError("city.announce.ward_required")
    if "admin" in roles:
        return data.audience, ward if data.audience == "ward" else ""
    if agency is None:
        raise NotAllowed("city.announce.no_agency")
    if agency.ward and (data.audience == "city" or ward_key(agency.ward) != ward_key(ward)):
        raise NotAllowed("city.announce.own_ward_only", ward=agency.ward)
    return data.audience, ward if data.audience == "ward" else ""


def _validity(data: AnnouncementInput, now: datetime) -> tuple[datetime, datetime | None]:
    start = data.valid_from or now
    until = data.valid_until
    if until is not None and until <= max(start, now):
        raise DomainError("city.announce.until_before_from")
    if until is not None and until - start > timedelta(days=MAX_DAYS) or start - now > timedelta(days=MAX_DAYS):
        raise DomainError("city.announce.too_long", days=MAX_DAYS)
    return start, until


def publish_announcement(db: Session, actor_id: int | None, data: AnnouncementInput,
                         now: datetime | None = None) -> CityAnnouncement:
    """Validate everything, store, and (if asked and already valid) queue the push in the same transaction."""
    roles = require_role(db, actor_id, *ANNOUNCER_ROLES)
    now = now or utcnow()
    title_vi = _text(data.title_vi, "city.announce.title_length", TITLE_MAX)
    body_vi = _text(data.body_vi, "city.announce.body_length", BODY_MAX)
    title_en = _text(data.title_en or title_vi, "city.announce.title_length", TITLE_MAX)
    body_en = _text(data.body_en or body_vi, "city.announce.body_length", BODY_MAX)
    audience, ward = _check_audience(db, actor_id, roles, data)
    start, until = _validity(data, now)
    author = db.get(UserAccount, actor_id)
    row = CityAnnouncement(title_vi=title_vi, title_en=title_en, body_vi=body_vi, body_en=body_en, audience=audience,
                           ward=ward, ward_key=ward_key(ward), valid_from=start, valid_until=until, author_id=actor_id,
                           agency_id=author.agency_id if author else None, push_requested=bool(data.push),
                           created_at=now)
    db.add(row)
    db.flush()
    if row.push_requested and start <= now:
        push_announcement(db, row, now)
    return row


def _ward_user_ids(db: Session, key: str) -> list[int]:
    from citizen_app.identity.models import IdentityProfile

    rows = db.exec(select(IdentityProfile.user_id, IdentityProfile.ward, IdentityProfile.address)
                   .join(UserAccount, col(UserAccount.id) == IdentityProfile.user_id)
                   .where(UserAccount.is_active == True)).all()
    return [uid for uid, ward, address in rows if _profile_ward_key(ward, address) == key]


def _short(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def push_announcement(db: Session, row: CityAnnouncement, now: datetime | None = None) -> int:
    """Queue the in-app notification + Web Push on the city_announcements topic (once per announcement)."""
    from citizen_app.notify import service as notify

    if row.pushed_at is not None:
        return 0
    titles = {"vi": _short(row.title_vi, notify.TITLE_MAX), "en": _short(row.title_en, notify.TITLE_MAX)}
    bodies = {"vi": _short(row.body_vi, PUSH_BODY_MAX), "en": _short(row.body_en, PUSH_BODY_MAX)}
    url = f"{ANNOUNCEMENT_URL}#a{row.id}"
    if row.audience == "city":
        count = notify.send_announcement(db, row.author_id, "city_announcements", titles, bodies, url, confirm=True)
    else:
        params = {"title_vi": titles["vi"], "title_en": titles["en"], "body_vi": bodies["vi"], "body_en": bodies["en"]}
        users = _ward_user_ids(db, row.ward_key)
        for uid in users:
            notify.notify(db, uid, "city_announcements", "notify.announcement.title", "notify.announcement.body",
                          params, url)
        count = len(users)
    row.pushed_at, row.push_recipients = now or utcnow(), count
    db.add(row)
    return count


def push_due_announcements(db: Session, now: datetime | None = None) -> int:
    """Background job: push scheduled announcements whose validity has started. Idempotent."""
    now = now or utcnow()
    rows = db.exec(select(CityAnnouncement).where(
        CityAnnouncement.push_requested == True, col(CityAnnouncement.pushed_at).is_(None),
        col(CityAnnouncement.withdrawn_at).is_(None), CityAnnouncement.valid_from <= now,
        or_(col(CityAnnouncement.valid_until).is_(None), col(CityAnnouncement.valid_until) > now))).all()
    for row in rows:
        push_announcement(db, row, now)
    return len(rows)


def _profile_ward_key(ward: str, address: str) -> str:
    return ward_key(ward_of(ward, address))


def citizen_ward(db: Session, user_id: int | None) -> str:
    """The ward in the citizen's identity profile (or found in its address); '' if unknown."""
    if user_id is None:
        return ""
    from citizen_app.identity.models import IdentityProfile

    profile = db.exec(select(IdentityProfile).where(IdentityProfile.user_id == user_id)).first()
    return ward_of(profile.ward, profile.address) if profile is not None else ""


def _view(row: CityAnnouncement, key: str, now: datetime) -> AnnouncementView:
    active = row.withdrawn_at is None and row.valid_from <= now and (row.valid_until is None or row.valid_until > now)
    return AnnouncementView(row.id or 0, row.title_vi, row.title_en, row.body_vi, row.body_en, row.audience, row.ward,
                            format_date(row.valid_from), format_date(row.valid_until) if row.valid_until else "",
                            row.audience == "ward" and bool(key) and row.ward_key == key, active,
                            row.pushed_at is not None, row.push_recipients)


def list_announcements(db: Session, ward: str = "", now: datetime | None = None,
                       limit: int = 50) -> list[AnnouncementView]:
    """What a citizen sees: valid now, not withdrawn; the chosen ward's first, then city-wide ones."""
    now = now or utcnow()
    key = ward_key(ward)
    audience = CityAnnouncement.audience == "city"
    if key:
        audience = or_(audience, CityAnnouncement.ward_key == key)
    rows = db.exec(select(CityAnnouncement).where(
        audience, col(CityAnnouncement.withdrawn_at).is_(None), CityAnnouncement.valid_from <= now,
        or_(col(CityAnnouncement.valid_until).is_(None), col(CityAnnouncement.valid_until) > now))
        .order_by(col(CityAnnouncement.valid_from).desc()).limit(max(1, min(limit, 200)))).all()
    views = [_view(r, key, now) for r in rows]
    return sorted(views, key=lambda v: not v.mine)


def managed_announcements(db: Session, actor_id: int | None, now: datetime | None = None) -> list[AnnouncementView]:
    """For the publishing page: an official's own announcements (admins: all), including expired ones."""
    roles = require_role(db, actor_id, *ANNOUNCER_ROLES)
    query = select(CityAnnouncement)
    if "admin" not in roles:
        query = query.where(CityAnnouncement.author_id == actor_id)
    rows = db.exec(query.order_by(col(CityAnnouncement.id).desc()).limit(100)).all()
    return [_view(r, "", now or utcnow()) for r in rows]


def withdraw_announcement(db: Session, actor_id: int | None, announcement_id: int,
                          now: datetime | None = None) -> CityAnnouncement:
    roles = require_role(db, actor_id, *ANNOUNCER_ROLES)
    row = db.get(CityAnnouncement, announcement_id)
    if row is None or ("admin" not in roles and row.author_id != actor_id):
        raise NotFound()
    if row.withdrawn_at is None:
        row.withdrawn_at = now or utcnow()
        db.add(row)
    return row


def known_wards(db: Session) -> list[str]:
    """Wards a citizen can choose: the directory's and the agencies'."""
    wards = {p.ward for p in directory.directory().points}
    wards |= {w for w in db.exec(select(Agency.ward)).all() if w}
    return sorted(wards, key=ward_key)


# --- help requests ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class HelpRequestView:
    id: int
    team_code: str
    team_vi: str
    team_en: str
    topic: str
    topic_vi: str
    topic_en: str
    procedure_code: str
    message: str
    status: str
    citizen_name: str
    volunteer_name: str
    created: str
    mine_to_handle: bool
    consent_id: int | None


def _name(db: Session, user_id: int | None) -> str:
    user = db.get(UserAccount, user_id) if user_id else None
    return user.full_name if user else ""


def _help_view(db: Session, row: CityHelpRequest, viewer_id: int | None, with_citizen: bool) -> HelpRequestView:
    data = directory.directory()
    point = data.point(row.team_code)
    topic = data.topics.get(row.topic)
    return HelpRequestView(row.id or 0, row.team_code, point.name_vi if point else row.team_code,
                           point.name_en if point else row.team_code, row.topic, topic.vi if topic else row.topic,
                           topic.en if topic else row.topic, row.procedure_code, row.message, row.status,
                           _name(db, row.citizen_id) if with_citizen else "", _name(db, row.volunteer_id),
                           format_date(row.created_at), row.volunteer_id is not None and row.volunteer_id == viewer_id,
                           row.consent_id)


def _check_procedure(code: str) -> str:
    if not code:
        return ""
    from citizen_app.procedures.catalog import catalog

    if code not in catalog():
        raise DomainError("city.help.procedure_unknown")
    return code


def create_help_request(db: Session, citizen_id: int | None, team_code: str, topic: str, message: str = "",
                        procedure_code: str = "") -> CityHelpRequest:
    """A logged-in citizen asks a digital-technology team for help (at most a few open requests at once)."""
    if citizen_id is None:
        raise NotAllowed("error.login_required")
    team = directory.team(team_code)
    if topic not in directory.directory().topics:
        raise DomainError("city.help.topic_invalid")
    text = (message or "").strip()
    if len(text) > MESSAGE_MAX:
        raise DomainError("city.help.message_long", max=MESSAGE_MAX)
    open_count = len(db.exec(select(CityHelpRequest.id).where(
        CityHelpRequest.citizen_id == citizen_id, col(CityHelpRequest.status).in_(("open", "taken")))).all())
    if open_count >= MAX_OPEN_REQUESTS:
        raise DomainError("city.help.too_many_open", max=MAX_OPEN_REQUESTS)
    row = CityHelpRequest(citizen_id=citizen_id, team_code=team.code, topic=topic, message=text,
                          procedure_code=_check_procedure(procedure_code))
    db.add(row)
    db.flush()
    return row


def my_help_requests(db: Session, citizen_id: int | None) -> list[HelpRequestView]:
    if citizen_id is None:
        raise NotAllowed("error.login_required")
    rows = db.exec(select(CityHelpRequest).where(CityHelpRequest.citizen_id == citizen_id)
                   .order_by(col(CityHelpRequest.id).desc()).limit(50)).all()
    return [_help_view(db, r, citizen_id, False) for r in rows]


def volunteer_teams(db: Session, user_id: int | None) -> list[str]:
    if user_id is None:
        return []
    return list(db.exec(select(CityTeamMember.team_code).where(CityTeamMember.user_id == user_id)).all())


def add_team_member(db: Session, actor_id: int | None, team_code: str, user_id: int) -> CityTeamMember:
    """Admins attach a volunteer account to a team of the directory."""
    require_role(db, actor_id, "admin")
    team = directory.team(team_code)
    if "volunteer" not in require_role(db, user_id):
        raise DomainError("city.help.not_volunteer")
    row = db.exec(select(CityTeamMember).where(CityTeamMember.team_code == team.code,
                                               CityTeamMember.user_id == user_id)).first()
    if row is None:
        row = CityTeamMember(team_code=team.code, user_id=user_id, added_by=actor_id)
        db.add(row)
        db.flush()
    return row


def add_team_member_by_login(db: Session, actor_id: int | None, team_code: str, login: str) -> CityTeamMember:
    """Same as ``add_team_member`` with the volunteer named by phone or e-mail. The admin check comes first,
    so nobody else can learn from the answer whether a phone or e-mail has an account."""
    require_role(db, actor_id, "admin")
    try:
        ident = parse_identifier(login)
    except DomainError:
        raise DomainError("city.help.user_unknown") from None
    user = find_by_identifier(db, ident)
    if user is None or user.id is None:
        raise DomainError("city.help.user_unknown")
    return add_team_member(db, actor_id, team_code, user.id)


def _handler_scope(db: Session, actor_id: int | None) -> tuple[frozenset[str], list[str]]:
    roles = require_role(db, actor_id, "volunteer", "admin")
    return roles, volunteer_teams(db, actor_id)


def team_requests(db: Session, actor_id: int | None, include_closed: bool = False) -> list[HelpRequestView]:
    """Requests to the volunteer's own teams (admins: every team), open ones first."""
    roles, teams = _handler_scope(db, actor_id)
    query = select(CityHelpRequest)
    if "admin" not in roles:
        query = query.where(col(CityHelpRequest.team_code).in_(teams or [""]))
    if not include_closed:
        query = query.where(col(CityHelpRequest.status).in_(("open", "taken")))
    rows = db.exec(query.order_by(col(CityHelpRequest.id).desc()).limit(100)).all()
    views = [_help_view(db, r, actor_id, True) for r in rows]
    return sorted(views, key=lambda v: v.status != "open")


def _handled_request(db: Session, actor_id: int | None, request_id: int) -> CityHelpRequest:
    roles, teams = _handler_scope(db, actor_id)
    row = db.get(CityHelpRequest, request_id)
    if row is None or ("admin" not in roles and row.team_code not in teams):
        raise NotFound()
    return row


def take_help_request(db: Session, volunteer_id: int | None, request_id: int,
                      now: datetime | None = None) -> CityHelpRequest:
    """A team volunteer takes an open request (exactly one wins if two try at once)."""
    require_role(db, volunteer_id, "volunteer")
    row = _handled_request(db, volunteer_id, request_id)
    if row.citizen_id == volunteer_id:
        raise DomainError("city.help.own_request")
    now = now or utcnow()
    result = db.exec(update(CityHelpRequest).where(col(CityHelpRequest.id) == request_id,
                                                   col(CityHelpRequest.status) == "open")
                     .values(status="taken", volunteer_id=volunteer_id, taken_at=now))
    if result.rowcount != 1:
        raise DomainError("city.help.already_taken")
    db.refresh(row)
    record_activity(db, row.citizen_id, "helper_action", "city.activity.help_taken",
                    {"team": row.team_code, "request": row.id}, actor_id=volunteer_id)
    return row


def consent_code_for_request(db: Session, volunteer_id: int | None, request_id: int, procedures: list[str],
                             scope: str = "draft", hours: int = 24) -> str:
    """Step into helper mode: the volunteer who took the request shows a one-time consent code."""
    from citizen_app.procedures import consent

    row = _handled_request(db, volunteer_id, request_id)
    if row.status != "taken" or row.volunteer_id != volunteer_id:
        raise DomainError("city.help.not_yours")
    return consent.create_consent_code(db, volunteer_id, procedures, scope, hours)


def grant_consent_for_request(db: Session, citizen_id: int | None, request_id: int, procedures: list[str],
                              scope: str = "draft", hours: int = 24) -> int:
    """Step into helper mode from the citizen's side: allow the volunteer who took the request."""
    from citizen_app.procedures import consent

    row = db.get(CityHelpRequest, request_id)
    if citizen_id is None or row is None or row.citizen_id != citizen_id:
        raise NotFound()
    if row.status != "taken" or row.volunteer_id is None:
        raise DomainError("city.help.not_taken_yet")
    granted = consent.grant_consent(db, citizen_id, row.volunteer_id, procedures, scope, hours)
    row.consent_id = granted.id
    db.add(row)
    return granted.id or 0


def finish_help_request(db: Session, volunteer_id: int | None, request_id: int,
                        now: datetime | None = None) -> CityHelpRequest:
    row = _handled_request(db, volunteer_id, request_id)
    if row.status != "taken" or row.volunteer_id != volunteer_id:
        raise DomainError("city.help.not_yours")
    row.status, row.closed_at = "done", now or utcnow()
    db.add(row)
    return row


def cancel_help_request(db: Session, citizen_id: int | None, request_id: int,
                        now: datetime | None = None) -> CityHelpRequest:
    row = db.get(CityHelpRequest, request_id)
    if citizen_id is None or row is None or row.citizen_id != citizen_id:
        raise NotFound()
    if row.status not in ("open", "taken"):
        raise DomainError("city.help.already_closed")
    row.status, row.closed_at = "cancelled", now or utcnow()
    db.add(row)
    return row
