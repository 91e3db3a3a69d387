"""Notifications: push subscriptions, ``notify()``, the in-app centre and city announcements.

Plain Python (no Reflex). Every function takes the caller's ``Session`` and never commits: the
caller's transaction covers the user action, so ``notify()`` inside e.g. a dossier status change
is written (or rolled back) together with that change. Delivery happens later in
``citizen_app.notify.outbox.process_outbox``; nothing here talks to the network.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

from sqlalchemy import bindparam
from sqlmodel import Session, col, delete, func, select, update

from citizen_app.core.db import insert_row, run
from citizen_app.core.errors import DomainError, NotFound
from citizen_app.core.timeutil import utcnow
from citizen_app.i18n.catalog import LANGS, catalog, normalize_lang, translate
from citizen_app.identity.models import UserAccount
from citizen_app.identity.service import require_role
from citizen_app.notify import messaging
from citizen_app.notify.models import (
    BROADCAST_TOPICS,
    SECURITY_TOPIC,
    TOPICS,
    NotifyNotification,
    NotifyOutbox,
    NotifyPushSubscription,
    NotifySubscriptionTopic,
)
from citizen_app.notify.validation import validate_subscription

TITLE_MAX = 80
BODY_MAX = 300
PAYLOAD_TITLE_MAX = 120
PAYLOAD_BODY_MAX = 500
ANNOUNCER_ROLES = ("official", "admin")


@dataclass(frozen=True)
class NotificationView:
    id: int
    topic: str
    title: str
    body: str
    url: str
    created_at: datetime
    read: bool


@dataclass(frozen=True)
class DeviceView:
    id: int
    device_label: str
    push_service: str
    topics: tuple[str, ...]
    created_at: datetime
    last_success_at: datetime | None


@dataclass(frozen=True)
class AnnouncementPreview:
    topic: str
    title: dict[str, str]
    body: dict[str, str]
    url: str
    recipients: int
    devices: int


# --- checks --------------------------------------------------------------------------------------


def check_topics(topics: Iterable[str] | None) -> tuple[str, ...]:
    """``None`` means every topic; an unknown or non-string topic is refused."""
    if topics is None:
        return TOPICS
    if isinstance(topics, str | bytes) or not isinstance(topics, Iterable):
        raise DomainError("notify.error.subscription_shape")
    chosen: list[str] = []
    for topic in topics:
        if not isinstance(topic, str) or topic not in TOPICS:
            raise DomainError("notify.error.topic_unknown", topic=str(topic)[:40])
        if topic not in chosen:
            chosen.append(topic)
    return tuple(chosen)


def check_topic(topic: str) -> str:
    return check_topics([topic])[0]


def check_url(url: str | None) -> str:
    """Only same-site absolute paths (no scheme, no ``//host``, no backslash, no control chars)."""
    value = url or "/"
    parts = urlsplit(value)
    if (not value.startswith("/") or value.startswith("//") or "\\" in value or len(value) > 300
            or parts.scheme or parts.netloc or any(ord(ch) < 0x20 or ord(ch) == 0x7F for ch in value)):
        raise DomainError("notify.error.url_invalid")
    return value


def _check_text(value: str, key: str, maximum: int) -> str:
    text = (value or "").strip()
    if not 1 <= len(text) <= maximum:
        raise DomainError(key, max=maximum)
    return text


def _bilingual(value: str | Mapping[str, str], key: str, maximum: int) -> dict[str, str]:
    """A plain string is used for both languages; a mapping needs "vi" (English falls back to it)."""
    texts = {"vi": value, "en": value} if isinstance(value, str) else dict(value)
    vi = _check_text(texts.get("vi", ""), key, maximum)
    en = _check_text(texts.get("en") or vi, key, maximum)
    return {"vi": vi, "en": en}


# --- push subscriptions (one row per browser/device) ---------------------------------------------


def _subscription_by_endpoint(db: Session, endpoint: str) -> NotifyPushSubscription | None:
    return db.exec(select(NotifyPushSubscription).where(NotifyPushSubscription.endpoint == endpoint)).first()


def _topics_of(db: Session, subscription_id: int) -> tuple[str, ...]:
    rows = db.exec(select(NotifySubscriptionTopic.topic)
                   .where(NotifySubscriptionTopic.subscription_id == subscription_id)).all()
    return tuple(t for t in TOPICS if t in set(rows))


def _replace_topics(db: Session, subscription_id: int, topics: tuple[str, ...]) -> None:
    db.exec(delete(NotifySubscriptionTopic).where(NotifySubscriptionTopic.subscription_id == subscription_id))
    db.add_all(NotifySubscriptionTopic(subscription_id=subscription_id, topic=t) for t in topics)


def delete_subscription(db: Session, subscription_id: int) -> None:
    """Remove a device with its topics and undelivered pushes (used on unsubscribe and on 404/410)."""
    db.exec(delete(NotifyOutbox).where(NotifyOutbox.subscription_id == subscription_id))
    db.exec(delete(NotifySubscriptionTopic).where(NotifySubscriptionTopic.subscription_id == subscription_id))
    db.exec(delete(NotifyPushSubscription).where(NotifyPushSubscription.id == subscription_id))


def _inherited_topics(db: Session, user_id: int, replaces: str | None) -> tuple[str, ...] | None:
    old = _subscription_by_endpoint(db, replaces) if isinstance(replaces, str) and replaces else None
    if old is None or old.user_id != user_id:
        return None
    topics = _topics_of(db, old.id)
    delete_subscription(db, old.id)
    return topics


def subscribe(db: Session, user_id: int, raw_subscription: Any, topics: Iterable[str] | None = None, *,
              device_label: str = "", replaces: str | None = None,
              allow_loopback: bool | None = None) -> NotifyPushSubscription:
    """Store (or refresh) this browser's subscription for ``user_id`` with its topics.

    ``raw_subscription`` is ``PushSubscription.toJSON()``; it is validated strictly first, so a
    malformed one raises ``DomainError`` before anything is written. ``topics=None`` keeps the
    device's current topics (all topics for a new device). ``replaces`` is the old endpoint from
    ``pushsubscriptionchange``: its topics carry over if it belonged to the same user. An endpoint
    already held by another account moves to this one (the browser now belongs to this login).
    """
    valid = validate_subscription(raw_subscription, allow_loopback)
    chosen = check_topics(topics) if topics is not None else None
    inherited = _inherited_topics(db, user_id, replaces) if replaces != valid.endpoint else None
    row = _subscription_by_endpoint(db, valid.endpoint)
    if row is not None and row.user_id != user_id:
        delete_subscription(db, row.id)
        db.flush()
        row = None
    is_new = row is None
    if row is None:
        row = NotifyPushSubscription(user_id=user_id, endpoint=valid.endpoint, p256dh=valid.p256dh, auth=valid.auth)
    row.p256dh, row.auth, row.updated_at = valid.p256dh, valid.auth, utcnow()
    row.device_label = (device_label or row.device_label or "").strip()[:120]
    db.add(row)
    db.flush()
    final = chosen if chosen is not None else inherited if inherited is not None else (TOPICS if is_new else None)
    if final is not None:
        _replace_topics(db, row.id, final)
    return row


def unsubscribe(db: Session, user_id: int, endpoint: str) -> bool:
    """Forget this browser for this user. Returns False when it was not theirs (nothing changed)."""
    row = _subscription_by_endpoint(db, endpoint) if isinstance(endpoint, str) else None
    if row is None or row.user_id != user_id:
        return False
    delete_subscription(db, row.id)
    return True


def _own_subscription(db: Session, user_id: int, subscription_id: int) -> NotifyPushSubscription:
    row = db.get(NotifyPushSubscription, subscription_id)
    if row is None or row.user_id != user_id:
        raise NotFound("notify.error.subscription_unknown")
    return row


def set_device_topics(db: Session, user_id: int, subscription_id: int, topics: Iterable[str]) -> tuple[str, ...]:
    chosen = check_topics(topics)
    _replace_topics(db, _own_subscription(db, user_id, subscription_id).id, chosen)
    return chosen


def remove_device(db: Session, user_id: int, subscription_id: int) -> None:
    delete_subscription(db, _own_subscription(db, user_id, subscription_id).id)


def list_devices(db: Session, user_id: int) -> list[DeviceView]:
    rows = db.exec(select(NotifyPushSubscription).where(NotifyPushSubscription.user_id == user_id)
                   .order_by(col(NotifyPushSubscription.created_at).desc())).all()
    return [DeviceView(r.id, r.device_label, urlsplit(r.endpoint).hostname or "", _topics_of(db, r.id),
                       r.created_at, r.last_success_at) for r in rows]


# --- sending (in-app row + outbox rows, in the caller's transaction) ------------------------------


def _render(row: NotifyNotification, lang: str | None) -> tuple[str, str]:
    params = json.loads(row.params_json or "{}")
    return translate(row.title_key, lang, **params), translate(row.body_key, lang, **params)


def push_payload(row: NotifyNotification, lang: str | None) -> dict[str, Any]:
    """What the service worker receives (encrypted): already localised, short, no extra data."""
    title, body = _render(row, lang)
    return {"title": title[:PAYLOAD_TITLE_MAX], "body": body[:PAYLOAD_BODY_MAX], "url": row.url,
            "tag": f"{row.topic}-{row.id}", "topic": row.topic, "id": row.id, "lang": normalize_lang(lang)}


_TOPIC_SUBSCRIPTIONS = (select(NotifyPushSubscription)
                        .join(NotifySubscriptionTopic,
                              col(NotifySubscriptionTopic.subscription_id) == NotifyPushSubscription.id)
                        .where(NotifySubscriptionTopic.topic == bindparam("topic")))
_USER_TOPIC_SUBSCRIPTIONS = _TOPIC_SUBSCRIPTIONS.where(NotifyPushSubscription.user_id == bindparam("user_id"))
_ACTIVE_TOPIC_SUBSCRIPTIONS = (_TOPIC_SUBSCRIPTIONS
                               .join(UserAccount, col(UserAccount.id) == NotifyPushSubscription.user_id)
                               .where(UserAccount.is_active == True))


def _topic_subscriptions(db: Session, topic: str, user_id: int | None = None) -> list[NotifyPushSubscription]:
    """Devices subscribed to ``topic``: of one user, or of every active user when ``user_id`` is None."""
    if user_id is not None:
        return list(db.exec(_USER_TOPIC_SUBSCRIPTIONS, params={"topic": topic, "user_id": user_id}).all())
    return list(db.exec(_ACTIVE_TOPIC_SUBSCRIPTIONS, params={"topic": topic}).all())


def _queue_pushes(db: Session, rows: list[NotifyNotification], langs: dict[int, str],
                  subs: list[NotifyPushSubscription]) -> int:
    by_user = {row.user_id: row for row in rows}
    payloads: dict[int, str] = {}
    queued = 0
    for sub in subs:
        row = by_user.get(sub.user_id)
        if row is None:
            continue
        if sub.user_id not in payloads:
            payloads[sub.user_id] = json.dumps(push_payload(row, langs.get(sub.user_id)), ensure_ascii=False)
        db.add(NotifyOutbox(notification_id=row.id, subscription_id=sub.id, payload_json=payloads[sub.user_id]))
        queued += 1
    return queued


def _check_key(key: str) -> str:
    if key not in catalog():
        raise ValueError(f"unknown message key {key!r}")
    return key


# Every payment notifies its payer: the reader's language is read, and the row written, by prebuilt Core
# statements (core.db.run, insert_row), which cost a fraction of the ORM's get and flush.
_USER_LANG = select(UserAccount.__table__.c.lang).where(UserAccount.__table__.c.id == bindparam("user_id"))


def notify(db: Session, user_id: int, topic: str, title_key: str, body_key: str,
           params: Mapping[str, Any] | None = None, url: str = "/") -> NotifyNotification:
    """Write an in-app notification for ``user_id`` and one outbox row per device subscribed to ``topic``.

    ``title_key``/``body_key`` are message keys rendered with ``params`` in each reader's language
    (push text in the user's ``lang``). ``url`` must be an in-app path. Does not commit.
    """
    topic = check_topic(topic)
    user = run(db, _USER_LANG, {"user_id": user_id}).first()
    if user is None:
        raise NotFound()
    row = insert_row(db, NotifyNotification(user_id=user_id, topic=topic, title_key=_check_key(title_key),
                                            body_key=_check_key(body_key), params_json=json.dumps(dict(params or {})),
                                            url=check_url(url)))
    _queue_pushes(db, [row], {user_id: user.lang}, _topic_subscriptions(db, topic, user_id))
    return row


def notify_many(db: Session, user_ids: Iterable[int], topic: str, title_key: str, body_key: str,
                params: Mapping[str, Any] | None = None, url: str = "/") -> int:
    """``notify`` for many users at once (a metro service alert to every rider concerned): one in-app notification
    per active user, pushes to their devices subscribed to ``topic``, in a few statements. Returns how many users
    were told. Does not commit."""
    topic, url = check_topic(topic), check_url(url)
    wanted = set(user_ids)
    if not wanted:
        return 0
    users = db.exec(select(UserAccount.id, UserAccount.lang)
                    .where(col(UserAccount.id).in_(wanted), UserAccount.is_active == True)).all()
    params_json = json.dumps(dict(params or {}))
    rows = [NotifyNotification(user_id=uid, topic=topic, title_key=_check_key(title_key),
                               body_key=_check_key(body_key), params_json=params_json, url=url) for uid, _ in users]
    db.add_all(rows)
    db.flush()
    langs = {uid: lang if lang in LANGS else "vi" for uid, lang in users}
    subs = [sub for sub in _topic_subscriptions(db, topic) if sub.user_id in langs]
    _queue_pushes(db, rows, langs, subs)
    return len(rows)


def alert_account(db: Session, user_id: int, title_key: str, body_key: str,
                  params: Mapping[str, Any] | None = None, url: str = "/wallet/activity") -> NotifyNotification:
    """Tell the account holder about something done to their account, on every channel they have: the in-app
    centre, Web Push to every device of theirs (whatever topics it chose) and a text message or e-mail to the
    phone/e-mail the account signs in with (when a messaging provider is configured). Does not commit."""
    user = db.get(UserAccount, user_id)
    if user is None:
        raise NotFound()
    row = NotifyNotification(user_id=user_id, topic=SECURITY_TOPIC, title_key=_check_key(title_key),
                             body_key=_check_key(body_key), params_json=json.dumps(dict(params or {})),
                             url=check_url(url))
    db.add(row)
    db.flush()
    devices = list(db.exec(select(NotifyPushSubscription).where(NotifyPushSubscription.user_id == user_id)).all())
    _queue_pushes(db, [row], {user_id: user.lang}, devices)
    addresses = [address for address in (user.phone, user.email) if address]
    messaging.send_to_addresses(db, addresses, "security_alert", body_key, params, user.lang)
    return row


def alerted_since(db: Session, user_id: int, title_key: str, since: datetime) -> bool:
    """Whether ``user_id`` got an alert titled ``title_key`` since ``since`` (to send one alert, not dozens)."""
    query = select(NotifyNotification.id).where(NotifyNotification.user_id == user_id,
                                                NotifyNotification.title_key == title_key,
                                                NotifyNotification.created_at >= since)
    return db.exec(query.limit(1)).first() is not None


# --- in-app notification centre --------------------------------------------------------------------


def list_notifications(db: Session, user_id: int, lang: str | None = None, limit: int = 50,
                       before_id: int | None = None) -> list[NotificationView]:
    """Newest first; ``before_id`` pages further back. Rendered in ``lang`` (default Vietnamese)."""
    query = select(NotifyNotification).where(NotifyNotification.user_id == user_id)
    if before_id is not None:
        query = query.where(col(NotifyNotification.id) < before_id)
    rows = db.exec(query.order_by(col(NotifyNotification.id).desc()).limit(max(1, min(limit, 200)))).all()
    views = []
    for row in rows:
        title, body = _render(row, lang)
        views.append(NotificationView(row.id, row.topic, title, body, row.url, row.created_at, row.read_at is not None))
    return views


def unread_count(db: Session, user_id: int) -> int:
    query = select(func.count()).select_from(NotifyNotification).where(
        NotifyNotification.user_id == user_id, col(NotifyNotification.read_at).is_(None))
    return int(db.exec(query).one())


def mark_read(db: Session, user_id: int, notification_id: int) -> None:
    row = db.get(NotifyNotification, notification_id)
    if row is None or row.user_id != user_id:
        raise NotFound()
    if row.read_at is None:
        row.read_at = utcnow()
        db.add(row)


def open_notification(db: Session, user_id: int, notification_id: int) -> str:
    """Mark a notification read together with its unread siblings (this user's notifications about the same page,
    e.g. every change of one report) and return that page: the person has now seen what they were told about."""
    row = db.get(NotifyNotification, notification_id)
    if row is None or row.user_id != user_id:
        raise NotFound()
    db.exec(update(NotifyNotification)
            .where(col(NotifyNotification.user_id) == user_id, col(NotifyNotification.url) == row.url,
                   col(NotifyNotification.read_at).is_(None))
            .values(read_at=utcnow()))
    return row.url


def mark_all_read(db: Session, user_id: int) -> int:
    result = db.exec(update(NotifyNotification)
                     .where(col(NotifyNotification.user_id) == user_id, col(NotifyNotification.read_at).is_(None))
                     .values(read_at=utcnow()))
    return result.rowcount or 0


# --- city announcements (officials and admins) ---------------------------------------------------


def _announcement_fields(topic: str, title: str | Mapping[str, str], body: str | Mapping[str, str],
                         url: str | None) -> tuple[str, dict[str, str], dict[str, str], str]:
    topic = check_topic(topic)
    if topic not in BROADCAST_TOPICS:
        raise DomainError("notify.error.not_broadcast_topic")
    return (topic, _bilingual(title, "notify.error.title_length", TITLE_MAX),
            _bilingual(body, "notify.error.body_length", BODY_MAX), check_url(url))


def _active_user_ids(db: Session) -> list[int]:
    return list(db.exec(select(UserAccount.id).where(UserAccount.is_active == True)).all())


def _device_count(db: Session, topic: str) -> int:
    query = (select(func.count()).select_from(NotifySubscriptionTopic)
             .join(NotifyPushSubscription, col(NotifySubscriptionTopic.subscription_id) == NotifyPushSubscription.id)
             .join(UserAccount, col(UserAccount.id) == NotifyPushSubscription.user_id)
             .where(NotifySubscriptionTopic.topic == topic, UserAccount.is_active == True))
    return int(db.exec(query).one())


def preview_announcement(db: Session, actor_id: int | None, topic: str, title: str | Mapping[str, str],
                         body: str | Mapping[str, str], url: str | None = "/") -> AnnouncementPreview:
    """Validate and show what would be sent and to how many people/devices. Changes nothing."""
    require_role(db, actor_id, *ANNOUNCER_ROLES)
    topic, titles, bodies, url = _announcement_fields(topic, title, body, url)
    return AnnouncementPreview(topic, titles, bodies, url, len(_active_user_ids(db)), _device_count(db, topic))


def send_announcement(db: Session, actor_id: int | None, topic: str, title: str | Mapping[str, str],
                      body: str | Mapping[str, str], url: str | None = "/", confirm: bool = True) -> int:
    """Send to every active user (in-app) and every device subscribed to ``topic`` (push).

    Officials and admins only (roles re-read from the database). ``confirm`` must be True — the UI
    passes the checkbox of the preview step. Returns the number of recipients. Does not commit.
    """
    require_role(db, actor_id, *ANNOUNCER_ROLES)
    topic, titles, bodies, url = _announcement_fields(topic, title, body, url)
    if confirm is not True:
        raise DomainError("notify.error.confirm_required")
    params = json.dumps({"title_vi": titles["vi"], "title_en": titles["en"],
                         "body_vi": bodies["vi"], "body_en": bodies["en"]})
    users = db.exec(select(UserAccount.id, UserAccount.lang).where(UserAccount.is_active == True)).all()
    rows = [NotifyNotification(user_id=uid, topic=topic, title_key="notify.announcement.title",
                               body_key="notify.announcement.body", params_json=params, url=url) for uid, _ in users]
    db.add_all(rows)
    db.flush()
    langs = {uid: lang if lang in LANGS else "vi" for uid, lang in users}
    _queue_pushes(db, rows, langs, _topic_subscriptions(db, topic))
    return len(rows)
