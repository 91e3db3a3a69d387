"""Tables of the notification pillar.

* ``notify_push_subscription`` — one browser/device that accepted Web Push, owned by one user.
* ``notify_subscription_topic`` — which topics that device wants (per user *and* device).
* ``notify_notification`` — the in-app notification centre (always written, push or not).
* ``notify_outbox`` — one pending Web Push delivery per (notification, device), sent by a worker.
* ``notify_dev_message`` — SMS and e-mail "sent" by the development outbox provider (``messaging.py``), shown
  at ``/dev/outbox``; only written when ``CDS_DEV_OUTBOX=1``.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Column, String, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from citizen_app.core.timeutil import utcnow

TOPICS = ("dossier_status", "feedback_updates", "ticket_expiry", "metro_alerts", "payments", "city_announcements")
BROADCAST_TOPICS = frozenset({"city_announcements"})
# Account security alerts (recovery codes, identity checks at the ward): in-app, and pushed to every device of
# the user whatever topics it chose, so it is deliberately not in TOPICS (nobody can opt out of it).
SECURITY_TOPIC = "account_security"
ENDPOINT_MAX = 2048

OUTBOX_PENDING = "pending"
OUTBOX_SENT = "sent"
OUTBOX_FAILED = "failed"
OUTBOX_EXPIRED = "expired"


class NotifyPushSubscription(SQLModel, table=True):
    __tablename__ = "notify_push_subscription"

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="user_account.id", index=True)
    endpoint: str = Field(sa_column=Column(String(ENDPOINT_MAX), unique=True, nullable=False))
    p256dh: str = Field(max_length=100)
    auth: str = Field(max_length=40)
    device_label: str = Field(default="", max_length=120)
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)
    last_success_at: datetime | None = None


class NotifySubscriptionTopic(SQLModel, table=True):
    __tablename__ = "notify_subscription_topic"
    __table_args__ = (UniqueConstraint("subscription_id", "topic"),)

    id: int | None = Field(default=None, primary_key=True)
    subscription_id: int = Field(foreign_key="notify_push_subscription.id", index=True)
    topic: str = Field(max_length=32, index=True)


class NotifyNotification(SQLModel, table=True):
    """Stored as message keys + parameters, rendered in the reader's language when listed."""

    __tablename__ = "notify_notification"

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="user_account.id", index=True)
    topic: str = Field(max_length=32)
    title_key: str = Field(max_length=120)
    body_key: str = Field(max_length=120)
    params_json: str = Field(default="{}", sa_column=Column(Text, nullable=False))
    url: str = Field(default="/", max_length=300)
    created_at: datetime = Field(default_factory=utcnow, index=True)
    read_at: datetime | None = None


class NotifyOutbox(SQLModel, table=True):
    __tablename__ = "notify_outbox"

    id: int | None = Field(default=None, primary_key=True)
    notification_id: int = Field(foreign_key="notify_notification.id", index=True)
    subscription_id: int = Field(foreign_key="notify_push_subscription.id", index=True)
    payload_json: str = Field(sa_column=Column(Text, nullable=False))
    status: str = Field(default=OUTBOX_PENDING, max_length=16, index=True)
    attempts: int = Field(default=0)
    next_attempt_at: datetime = Field(default_factory=utcnow, index=True)
    claim_token: str | None = Field(default=None, max_length=40, index=True)
    claimed_until: datetime | None = None
    last_error: str = Field(default="", max_length=300)
    created_at: datetime = Field(default_factory=utcnow)
    sent_at: datetime | None = None


class NotifyDevMessage(SQLModel, table=True):
    """A text message or e-mail kept by the development outbox instead of being sent (never in production)."""

    __tablename__ = "notify_dev_message"

    id: int | None = Field(default=None, primary_key=True)
    channel: str = Field(max_length=8)  # "sms" or "email"
    recipient: str = Field(max_length=254, index=True)
    purpose: str = Field(max_length=40)
    subject: str = Field(default="", max_length=200)
    body: str = Field(sa_column=Column(Text, nullable=False))
    created_at: datetime = Field(default_factory=utcnow, index=True)
