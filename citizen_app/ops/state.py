"""Thin states: the admin job page, and an opt-in worker probe used by the scale-out tests."""

from __future__ import annotations

import dataclasses
import os

import reflex as rx

from citizen_app.core.db import session_scope
from citizen_app.core.errors import DomainError
from citizen_app.i18n.state import both
from citizen_app.identity.state import FormErrorMixin, acting_user
from citizen_app.ops.jobs_view import JobRow, job_rows


def _result(row: JobRow) -> dict[str, str]:
    if row.last_ok is None:
        return both("ops.jobs.never")
    return both("ops.jobs.ok") if row.last_ok else both("ops.jobs.failed", error=row.last_error[:200])


def _state(row: JobRow) -> dict[str, str]:
    if row.running:
        return both("ops.jobs.running")
    return both("ops.jobs.late") if row.late else both("ops.jobs.idle")


@dataclasses.dataclass
class JobView:
    """One table row, all display-ready (texts in both languages)."""

    name: str = ""
    every: str = ""
    state: dict[str, str] = dataclasses.field(default_factory=dict)
    late: bool = False
    last_started: str = ""
    last_finished: str = ""
    result: dict[str, str] = dataclasses.field(default_factory=dict)
    backlog: str = ""
    runs: str = ""


def _view(row: JobRow) -> JobView:
    return JobView(row.name, "" if row.every_seconds is None else str(row.every_seconds), _state(row), row.late,
                   row.last_started or "—", row.last_finished or "—", _result(row),
                   "—" if row.backlog is None else str(row.backlog), str(row.runs))


class JobsState(FormErrorMixin, rx.State):
    jobs: list[JobView] = []

    @rx.event
    async def load(self):
        user_id, _ = await acting_user(self)
        try:
            with session_scope() as db:
                self.jobs = [_view(row) for row in job_rows(db, user_id)]
            self.error = {}
        except DomainError as exc:
            self.jobs = []
            self._fail(exc)


class OpsProbeState(rx.State):
    """For probes: ``mark`` echoes a nonce (it ends a probe's request, see ops/probe.py); ``whoami``
    reports the worker's process id, only when CDS_OPS_DEBUG=1 (tests, benchmarks)."""

    worker_pid: str = ""
    mark: str = ""

    @rx.event
    def set_mark(self, nonce: str):
        self.mark = str(nonce)[:64]

    @rx.event
    def whoami(self):
        self.worker_pid = str(os.getpid()) if os.environ.get("CDS_OPS_DEBUG") == "1" else ""
