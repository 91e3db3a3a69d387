"""Tables shared by every pillar: background-job leases."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Field, SQLModel


class JobLease(SQLModel, table=True):
    """One row per background job: who holds it now, and how its last run went (admin page)."""

    __tablename__ = "job_lease"

    name: str = Field(primary_key=True, max_length=64)
    holder: str = Field(default="", max_length=120)
    lease_until: datetime | None = None
    last_started_at: datetime | None = None
    last_finished_at: datetime | None = None
    last_ok: bool | None = None
    last_error: str = Field(default="", max_length=500)
    last_backlog: int | None = None
    runs: int = 0
