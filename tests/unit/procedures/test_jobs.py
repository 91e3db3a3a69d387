"""The SLA sweep runs as a background job and is idempotent."""

from __future__ import annotations

from citizen_app.core.jobs import all_jobs
from citizen_app.procedures import jobs


def test_sweep_is_registered_and_idempotent_on_an_empty_database(app_db) -> None:
    assert "procedures.overdue_apologies" in {job.name for job in all_jobs()}
    assert jobs.apologise_for_overdue() == 0
    assert jobs.apologise_for_overdue() == 0
