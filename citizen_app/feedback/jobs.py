"""Scheduled work of the feedback board (run by ``citizen_app.core.jobs``; both jobs are idempotent)."""

from __future__ import annotations

from citizen_app.core.db import session_scope
from citizen_app.core.jobs import Job
from citizen_app.feedback import routing, service


def close_expired_confirmations() -> int:
    """Close reports whose reporter did not confirm or dispute within 7 days."""
    with session_scope() as db:
        return service.close_expired_confirmations(db)


def escalate_overdue() -> int:
    """Once per deadline, send overdue reports to the agency's leads (or its parent agency) and their assignee."""
    with session_scope() as db:
        return routing.escalate_overdue(db)


JOBS = [
    Job("feedback.close_expired_confirmations", 15 * 60, close_expired_confirmations),
    Job("feedback.escalate_overdue", 15 * 60, escalate_overdue),
]
