"""metro: gate devices, offline conflicts, service alerts, followed stations

Revision ID: 63420a0a3c7d
Revises: 5b8e2d41c7a9
Create Date: 2026-12-06 08:26:14.402993
"""
from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel

from alembic import op

revision: str = '63420a0a3c7d'
down_revision: str | None = '5b8e2d41c7a9'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('metro_alert',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('cause', sqlmodel.sql.sqltypes.AutoString(length=24), nullable=False),
    sa.Column('effect', sqlmodel.sql.sqltypes.AutoString(length=24), nullable=False),
    sa.Column('stations', sqlmodel.sql.sqltypes.AutoString(length=400), nullable=False),
    sa.Column('header_vi', sqlmodel.sql.sqltypes.AutoString(length=120), nullable=False),
    sa.Column('header_en', sqlmodel.sql.sqltypes.AutoString(length=120), nullable=False),
    sa.Column('description_vi', sqlmodel.sql.sqltypes.AutoString(length=1000), nullable=False),
    sa.Column('description_en', sqlmodel.sql.sqltypes.AutoString(length=1000), nullable=False),
    sa.Column('starts_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('ends_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.Column('created_by', sa.Integer(), nullable=True),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('notified', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['created_by'], ['user_account.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('metro_alert', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_metro_alert_ends_at'), ['ends_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_metro_alert_starts_at'), ['starts_at'], unique=False)

    op.create_table('metro_station_follow',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('station', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('user_id', 'station')
    )
    with op.batch_alter_table('metro_station_follow', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_metro_station_follow_station'), ['station'], unique=False)
        batch_op.create_index(batch_op.f('ix_metro_station_follow_user_id'), ['user_id'], unique=False)

    op.create_table('metro_conflict',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('ticket_id', sqlmodel.sql.sqltypes.AutoString(length=24), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('kind', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('tap_id', sa.Integer(), nullable=False),
    sa.Column('earlier_tap_id', sa.Integer(), nullable=True),
    sa.Column('charge_vnd', sa.Integer(), nullable=False),
    sa.Column('status', sqlmodel.sql.sqltypes.AutoString(length=8), nullable=False),
    sa.Column('detected_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('handled_by', sa.Integer(), nullable=True),
    sa.Column('resolved_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.ForeignKeyConstraint(['earlier_tap_id'], ['metro_tap.id'], ),
    sa.ForeignKeyConstraint(['handled_by'], ['user_account.id'], ),
    sa.ForeignKeyConstraint(['tap_id'], ['metro_tap.id'], ),
    sa.ForeignKeyConstraint(['ticket_id'], ['metro_ticket.id'], ),
    sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('tap_id')
    )
    with op.batch_alter_table('metro_conflict', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_metro_conflict_detected_at'), ['detected_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_metro_conflict_status'), ['status'], unique=False)
        batch_op.create_index(batch_op.f('ix_metro_conflict_ticket_id'), ['ticket_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_metro_conflict_user_id'), ['user_id'], unique=False)

    with op.batch_alter_table('metro_gate', schema=None) as batch_op:
        batch_op.add_column(sa.Column('kind', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False, server_default='gate'))
        batch_op.add_column(sa.Column('label', sqlmodel.sql.sqltypes.AutoString(length=80), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('created_by', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('credential_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True))
        batch_op.add_column(sa.Column('enrol_hash', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True))
        batch_op.add_column(sa.Column('enrol_expires_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True))
        batch_op.add_column(sa.Column('revoked_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True))
        batch_op.add_column(sa.Column('last_contact_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True))
        batch_op.add_column(sa.Column('queue_depth', sa.Integer(), nullable=False, server_default='0'))
        batch_op.add_column(sa.Column('key_version', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('denylist_version', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False, server_default=''))
        batch_op.alter_column('token_hash',
               existing_type=sa.VARCHAR(length=64),
               nullable=True)
        batch_op.create_unique_constraint('uq_metro_gate_enrol_hash', ['enrol_hash'])
        batch_op.create_foreign_key('fk_metro_gate_created_by', 'user_account', ['created_by'], ['id'])



def downgrade() -> None:
    with op.batch_alter_table('metro_gate', schema=None) as batch_op:
        batch_op.drop_constraint('fk_metro_gate_created_by', type_='foreignkey')
        batch_op.drop_constraint('uq_metro_gate_enrol_hash', type_='unique')
        batch_op.alter_column('token_hash',
               existing_type=sa.VARCHAR(length=64),
               nullable=False)
        batch_op.drop_column('denylist_version')
        batch_op.drop_column('key_version')
        batch_op.drop_column('queue_depth')
        batch_op.drop_column('last_contact_at')
        batch_op.drop_column('revoked_at')
        batch_op.drop_column('enrol_expires_at')
        batch_op.drop_column('enrol_hash')
        batch_op.drop_column('credential_at')
        batch_op.drop_column('created_by')
        batch_op.drop_column('label')
        batch_op.drop_column('kind')

    with op.batch_alter_table('metro_conflict', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_metro_conflict_user_id'))
        batch_op.drop_index(batch_op.f('ix_metro_conflict_ticket_id'))
        batch_op.drop_index(batch_op.f('ix_metro_conflict_status'))
        batch_op.drop_index(batch_op.f('ix_metro_conflict_detected_at'))

    op.drop_table('metro_conflict')
    with op.batch_alter_table('metro_station_follow', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_metro_station_follow_user_id'))
        batch_op.drop_index(batch_op.f('ix_metro_station_follow_station'))

    op.drop_table('metro_station_follow')
    with op.batch_alter_table('metro_alert', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_metro_alert_starts_at'))
        batch_op.drop_index(batch_op.f('ix_metro_alert_ends_at'))

    op.drop_table('metro_alert')
