"""privacy: mask the public copies of existing feedback reports again with the improved masker (issue 17)

Data only, no schema change. Phone numbers, e-mails and ID numbers that the old masker missed (sđt0912345678,
0912/345/678, (091) 234 5678, 84912345678, khoa.nguyen＠example.com, CCCD 0792-0500-4321 …) are masked in the
board's public columns, the public timeline and the search index. See citizen_app/feedback/remask.py.

Revision ID: d7d1d6760fda
Revises: bfc0bfe99176
Create Date: 2026-12-06 12:00:00
"""
from collections.abc import Sequence

from alembic import op

revision: str = 'd7d1d6760fda'
down_revision: str | None = 'bfc0bfe99176'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    from citizen_app.feedback.remask import remask_all

    remask_all(op.get_bind())


def downgrade() -> None:
    pass  # masking cannot be undone (the originals are unchanged; only the public copies hide more)
