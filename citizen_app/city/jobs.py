"""Background jobs: push scheduled announcements once their validity starts; keep the link checker's lists
current (import a newer shipped snapshot, or fetch a list from its source where a URL is configured)."""

from __future__ import annotations

from citizen_app.city import trustlists
from citizen_app.city.service import push_due_announcements
from citizen_app.core.db import session_scope
from citizen_app.core.jobs import Job


def run_push_due() -> int:
    with session_scope() as db:
        return push_due_announcements(db)


JOBS = [
    Job("city_announcement_push", 60, run_push_due),
    Job("city_trust_lists_refresh", 600, trustlists.refresh_lists, lease_seconds=900),
]
