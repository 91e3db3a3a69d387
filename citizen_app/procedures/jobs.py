"""Background job of the procedures pillar: the SLA sweep.

Every overdue dossier without an apology for its current due date gets one, with a new appointment date
and a notification to the citizen (``backoffice.issue_overdue_apologies``). Idempotent: a dossier is
apologised for once per due date, so a repeated or concurrent run adds nothing.
"""

from __future__ import annotations

from citizen_app.core.db import session_scope
from citizen_app.core.jobs import Job
from citizen_app.procedures import wiring  # noqa: F401  (notifications and activity hooks)
from citizen_app.procedures.backoffice import issue_overdue_apologies

EVERY_SECONDS = 900


def apologise_for_overdue() -> int:
    with session_scope() as db:
        return len(issue_overdue_apologies(db))


JOBS = [Job("procedures.overdue_apologies", EVERY_SECONDS, apologise_for_overdue)]
