"""The procedures pillar's hooks (``core.hooks``), so other pillars (notifications, activity log) listen without an
import cycle: ``ACTIVITY`` and ``NOTIFY``, connected by ``citizen_app.procedures.wiring``.

Receivers must not raise; they run inside the caller's transaction, whose session travels with the event
(``event.session``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from citizen_app.core.hooks import Hook


@dataclass(frozen=True)
class ActivityEvent:
    """What someone did for or to citizen B, or what happened to B's consent: shown in B's activity log
    ("volunteer A filled in dossier N for you", "official A of agency X viewed dossier N", "consent expired")."""

    subject_id: int
    actor_id: int | None
    action: str
    at: datetime
    dossier_id: int | None = None
    consent_id: int | None = None
    detail: dict[str, Any] = field(default_factory=dict)
    session: Any = field(default=None, compare=False, repr=False)


@dataclass(frozen=True)
class Notice:
    """A message for a citizen (e-mail/SMS/push chosen by the notifications pillar)."""

    user_id: int
    key: str  # i18n key, e.g. "procedures.notice_apology"
    params: dict[str, Any]
    dossier_id: int | None = None
    session: Any = field(default=None, compare=False, repr=False)
    url: str = ""  # where the notification opens; the citizen's dossier page when empty


ACTIVITY = Hook("procedures.activity", "ActivityEvent: what someone did for or to a citizen (her activity log).")
NOTIFY = Hook("procedures.notify", "Notice: a message for a citizen or an official (notifications).")
