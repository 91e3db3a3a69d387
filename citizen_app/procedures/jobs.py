"""Background jobs of the procedures pillar: the SLA sweep and the consent-expiry sweep.

* Every overdue dossier without an apology for its current due date gets one, with a new appointment date
  and a notification to the citizen (``backoffice.issue_overdue_apologies``). Idempotent: a dossier is
  apologised for once per due date, so a repeated or concurrent run adds nothing.
* Every volunteer consent that ran out is written once into its citizen's activity log
  (``consent.log_expired_consents``), so the log says when a helper lost access, not only when she revoked.
"""

from __future__ import annotations

from citizen_app.core.db import session_scope
from citizen_app.core.jobs import Job
from citizen_app.procedures.backoffice import issue_overdue_apologies
from citizen_app.procedures.consent import log_expired_consents

EVERY_SECONDS = 900


def apologise_for_overdue() -> int:
    with session_scope() as db:
        return len(issue_overdue_apologies(db))


def log_consent_expiry() -> int:
    with session_scope() as db:
        return len(log_expired_consents(db))


JOBS = [Job("procedures.overdue_apologies", EVERY_SECONDS, apologise_for_overdue),
        Job("procedures.consent_expiry", EVERY_SECONDS, log_consent_expiry)]
