"""Injectable hooks so other pillars (notifications, activity log) can listen without an import cycle.

Receivers must not raise; they run inside the caller's transaction, whose session travels with the event
(``event.session``). Replace them at start-up, e.g. ``HOOKS.activity = my_activity_writer`` (done by
``citizen_app.procedures.wiring``); tests swap in recorders.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any


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


def _ignore(_: Any) -> None:
    return None


@dataclass
class Hooks:
    activity: Callable[[ActivityEvent], None] = _ignore
    notify: Callable[[Notice], None] = _ignore


HOOKS = Hooks()
