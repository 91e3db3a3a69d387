"""Background job of the payments pillar: reconcile pending orders with their gateway and expire abandoned
ones (nothing is lost when a notification never arrives, e.g. after a restart). Idempotent; one transaction
per run, one savepoint per order (see ``service.reconcile_pending``)."""

from __future__ import annotations

from citizen_app.core.db import session_scope
from citizen_app.core.jobs import Job
from citizen_app.payments.service import ReconcileReport, reconcile_pending

EVERY_SECONDS = 120


def reconcile() -> ReconcileReport:
    with session_scope() as db:
        return reconcile_pending(db)


JOBS = [Job("payments.reconcile_pending", EVERY_SECONDS, reconcile)]
