"""feedback: routing to people (assignee, team, proposed reroute) and the agency behind every timeline step

``feedback_report`` gains ``assignee_id`` (the official working on it), ``team_code`` (or a team of the routing
table) and ``pending_agency_code`` (a reroute waiting for that agency to accept or return it). ``feedback_event``
gains ``agency_code`` (the agency that acted: the public timeline names it, never the person), ``target_code`` and
``target_user_id`` (the agency, team or official a step was about).

Backfill: an existing step by an official is credited to the official's agency, else to the report's agency;
ward keys lose their "phường"/"xã" prefix (``city.text.ward_key``), so "phường Bàn Cờ" and "Bàn Cờ" are one ward
for routing, the ward officials' view and the board's ward filter.

Revision ID: 707ba18fa09b
Revises: 63420a0a3c7d
Create Date: 2026-12-06 08:27:15.514886
"""
from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = '707ba18fa09b'
down_revision: str | None = "63420a0a3c7d"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

WARD_PREFIXES = ("phuong ", "xa ", "dac khu ", "ward ", "commune ")


def _backfill() -> None:
    bind = op.get_bind()
    bind.execute(sa.text(
        "UPDATE feedback_event SET agency_code = COALESCE("
        "(SELECT a.code FROM user_account u JOIN agency a ON a.id = u.agency_id WHERE u.id = feedback_event.actor_id), "
        "(SELECT r.agency_code FROM feedback_report r WHERE r.id = feedback_event.report_id), '') "
        "WHERE actor_role IN ('official', 'admin')"))
    for table in ("feedback_report", "feedback_area_sub"):
        for prefix in WARD_PREFIXES:
            bind.execute(sa.text(f"UPDATE {table} SET ward_key = substr(ward_key, :start) WHERE ward_key LIKE :like"),
                         {"start": len(prefix) + 1, "like": prefix + "%"})


def upgrade() -> None:
    # Plain ADD COLUMN with inline REFERENCES: a batch copy of feedback_report would DROP the old table, which
    # SQLite refuses while feedback_event rows reference it (foreign keys are enforced).
    for table, column in (
        ('feedback_event', sa.Column('agency_code', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False,
                                     server_default='')),
        ('feedback_event', sa.Column('target_code', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False,
                                     server_default='')),
        ('feedback_event', sa.Column('target_user_id', sa.Integer(), sa.ForeignKey('user_account.id'),
                                     nullable=True)),
        ('feedback_report', sa.Column('assignee_id', sa.Integer(), sa.ForeignKey('user_account.id'), nullable=True)),
        ('feedback_report', sa.Column('team_code', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False,
                                      server_default='')),
        ('feedback_report', sa.Column('pending_agency_code', sqlmodel.sql.sqltypes.AutoString(length=64),
                                      nullable=True)),
    ):
        op.add_column(table, column, inline_references=True)
    op.create_index('ix_feedback_report_assignee', 'feedback_report', ['assignee_id', 'is_open', 'id'], unique=False)
    op.create_index('ix_feedback_report_pending', 'feedback_report', ['pending_agency_code', 'id'], unique=False)
    _backfill()


def downgrade() -> None:
    with op.batch_alter_table('feedback_report', schema=None) as batch_op:
        batch_op.drop_index('ix_feedback_report_pending')
        batch_op.drop_index('ix_feedback_report_assignee')
        batch_op.drop_column('pending_agency_code')
        batch_op.drop_column('team_code')
        batch_op.drop_column('assignee_id')

    with op.batch_alter_table('feedback_event', schema=None) as batch_op:
        batch_op.drop_column('target_user_id')
        batch_op.drop_column('target_code')
        batch_op.drop_column('agency_code')
