"""Background job: push scheduled announcements once their validity starts."""

from __future__ import annotations

from citizen_app.city.service import push_due_announcements
from citizen_app.core.db import session_scope
from citizen_app.core.jobs import Job


def run_push_due() -> int:
    with session_scope() as db:
        return push_due_announcements(db)


JOBS = [Job("city_announcement_push", 60, run_push_due)]
