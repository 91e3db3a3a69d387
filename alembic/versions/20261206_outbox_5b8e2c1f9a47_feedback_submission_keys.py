"""feedback: idempotency keys of reports sent from a device's outbox (feedback_submission)

A report written offline is queued on the device and sent when the connection returns, possibly twice
(a retry after a lost answer, Background Sync and the page at once). Each carries a key made on the device;
the pair (reporter, key) names one report.

Revision ID: 5b8e2c1f9a47
Revises: 5b2279848ec5
Create Date: 2026-12-06 09:00:00
"""
from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = '5b8e2c1f9a47'
down_revision: str | None = '5b2279848ec5'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        'feedback_submission',
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('key', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column('report_id', sa.Integer(), nullable=False),
        sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(['report_id'], ['feedback_report.id'], ),
        sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], ),
        sa.PrimaryKeyConstraint('user_id', 'key'),
    )
    with op.batch_alter_table('feedback_submission', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_feedback_submission_report_id'), ['report_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('feedback_submission', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_feedback_submission_report_id'))
    op.drop_table('feedback_submission')
