"""Background job of the identity pillar: old sign-in and lookup attempts are deleted (data minimisation;
the brute-force locks only read the last 15 minutes). Idempotent, one transaction per run."""

from __future__ import annotations

from citizen_app.core.db import session_scope
from citizen_app.core.jobs import Job
from citizen_app.identity.service import purge_old_attempts

EVERY_SECONDS = 3600


def purge_attempts() -> None:
    with session_scope() as db:
        purge_old_attempts(db)


JOBS = [Job("identity.purge_old_attempts", EVERY_SECONDS, purge_attempts)]
